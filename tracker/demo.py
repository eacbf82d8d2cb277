"""Realistic demo data: a county agriculture bureau with six departments and months of history.

Only ``mingde demo`` calls this. Demo accounts are created here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from quizzes.catalog import Catalog
from quizzes.fields import SHANGHAI, utcnow
from quizzes.model import LETTERS, Question
from tracker.errors import QuizUnavailable, TooEarly, TrackerError
from tracker.store import Tracker

DEMO_PASSWORD = "mingde-demo"

# department: (teams, headcount, how keen it is on ethics education 0..1)
DEPARTMENTS: dict[str, tuple[list[str], int, float]] = {
    "办公室": (["综合组", "财务组"], 10, 0.92),
    "农业技术推广中心": (["粮油作物组", "园艺组", "土肥组"], 18, 0.7),
    "畜牧兽医站": (["动物防疫组", "畜牧技术组"], 14, 0.55),
    "农村经营管理站": (["农经组", "合作社指导组"], 11, 0.8),
    "农业综合行政执法大队": (["执法一中队", "执法二中队"], 15, 0.45),
    "农机服务中心": (["农机推广组", "安全监理组"], 12, 0.65),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红建文辉力永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"


class DemoError(TrackerError):
    """The demo cannot be seeded (the database is not empty, or there is no content)."""


@dataclass
class DemoResult:
    accounts: list[tuple[str, str, str]]  # (username, password, role)
    employees: int
    attempts: int
    lessons_completed: int


def _names(rng: random.Random, n: int) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        names.add(rng.choice(SURNAMES) + given)
    return sorted(names, key=lambda _: rng.random())


def _respond(rng: random.Random, q: Question, skill: float):
    hard = {"easy": 0.12, "medium": 0.0, "hard": -0.15}.get(q.difficulty or "medium", 0.0)
    right = rng.random() < max(0.05, min(0.98, skill + hard))
    letters = LETTERS[: len(q.options or [])]
    if q.type == "single":
        return q.answer if right else rng.choice([c for c in letters if c != q.answer])
    if q.type == "multiple":
        if right:
            return q.answer
        subset = "".join(c for c in q.answer if rng.random() < 0.6) or q.answer[0]
        return subset + (
            rng.choice([c for c in letters if c not in q.answer]) if rng.random() < 0.4 and len(letters) > len(q.answer) else ""
        )
    if q.type == "true_false":
        return q.answer if right else not q.answer
    if q.type == "fill_blank":
        return [alts[0] if right else "不清楚" for alts in q.answer]
    best = max(range(len(q.options)), key=lambda i: q.options[i].credit or 0)
    return letters[best] if right else rng.choice(letters)


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59), tzinfo=SHANGHAI)


def seed_demo(
    tracker: Tracker, catalog: Catalog, *, seed: int = 2026, months: int = 5, now: dt.datetime | None = None
) -> DemoResult:
    """Fill an empty database with ~80 employees, demo accounts and ``months`` of history."""
    if tracker.employees():
        raise DemoError(f"{tracker.path or tracker.name} already has employees: the demo only seeds an empty database")
    if not catalog.quizzes:
        raise DemoError(f"no quizzes in {catalog.root}: the demo needs the starter content")
    rng = random.Random(seed)
    now = now or utcnow()
    names = _names(rng, sum(n for _, n, _ in DEPARTMENTS.values()))
    people: list[tuple[str, str, float, float]] = []  # (id, department, keenness, skill)
    number = 0
    for department, (teams, headcount, keen) in DEPARTMENTS.items():
        for i in range(headcount):
            number += 1
            emp_id = f"E{number:03d}"
            active = not (i == headcount - 1 and rng.random() < 0.4)  # someone left
            tracker.add_employee(emp_id, names[number - 1], department, teams[i % len(teams)], active)
            if active:
                people.append((emp_id, department, keen * rng.uniform(0.75, 1.15), rng.gauss(0.74, 0.12)))

    accounts = [
        ("admin", DEMO_PASSWORD, "admin"),
        ("organizer", DEMO_PASSWORD, "organizer"),
        ("leader", DEMO_PASSWORD, "leader"),
        ("employee", DEMO_PASSWORD, "employee"),
    ]
    tracker.add_user("admin", DEMO_PASSWORD, "admin")
    tracker.add_user("organizer", DEMO_PASSWORD, "organizer", "E002")
    tracker.add_user("leader", DEMO_PASSWORD, "leader", "E001")
    tracker.add_user("employee", DEMO_PASSWORD, "employee", "E011")
    for emp_id, *_ in people:
        if emp_id not in ("E001", "E002", "E011"):
            tracker.add_user(emp_id.lower(), DEMO_PASSWORD, "employee", emp_id)
    accounts.append(("e003 … e080", DEMO_PASSWORD, "employee"))

    today = now.astimezone(SHANGHAI).date()
    first = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    checks = [q for q in catalog.quizzes.values() if q.kind == "quiz"]
    others = [q for q in catalog.quizzes.values() if q.kind != "quiz"]
    lessons = list(catalog.lessons.values())
    attempts = completed = 0
    for emp_id, _department, keen, skill in people:
        # Lessons, spread over the period, then their check quiz (sometimes twice).
        for lesson in lessons:
            if rng.random() > keen:
                continue
            day = first + dt.timedelta(days=rng.randrange(max(1, (today - first).days)))
            opened = _moment(rng, day)
            tracker.open_lesson(emp_id, lesson.id, now=opened)
            if rng.random() < 0.85:
                try:
                    tracker.complete_lesson(emp_id, lesson, now=opened + dt.timedelta(minutes=rng.randint(4, 25)))
                    completed += 1
                except TooEarly:
                    pass
        for quiz in checks:
            tries = 0
            while rng.random() < keen * (0.9 if tries == 0 else 0.3) and tries < (quiz.attempts_allowed or 3):
                tries += 1
                day = first + dt.timedelta(days=rng.randrange(max(1, (today - first).days)))
                attempts += _take(tracker, rng, emp_id, quiz, _moment(rng, day), skill + 0.05 * tries)
        for quiz in others:
            lo = max(first, (quiz.opens or now).astimezone(SHANGHAI).date() if quiz.opens else first)
            if lo >= today or rng.random() > keen * 0.9:
                continue
            day = lo + dt.timedelta(days=rng.randrange(max(1, (today - lo).days)))
            attempts += _take(tracker, rng, emp_id, quiz, _moment(rng, day), skill)
    return DemoResult(accounts, len(names), attempts, completed)


def _take(tracker: Tracker, rng: random.Random, emp_id: str, quiz, start: dt.datetime, skill: float) -> int:
    if start > utcnow():
        return 0
    try:
        attempt_id = tracker.start_attempt(emp_id, quiz, now=start)
    except QuizUnavailable:
        return 0
    paper = tracker.paper(attempt_id)
    responses = {pq.key: _respond(rng, pq.question, skill) for pq in paper.questions if rng.random() < 0.97}
    spent = dt.timedelta(seconds=min(quiz.time_limit or 900, rng.randint(120, 900)) * 0.9)
    tracker.submit_attempt(attempt_id, responses, now=start + spent)
    return 1
