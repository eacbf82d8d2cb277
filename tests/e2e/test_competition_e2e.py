"""A whole live competition in real browsers, as an organizer runs it: the host console at 1366×768, the
big screen (kiosk address) at 1920×1080, two captains on phones at 375×812. 必答 single and multiple
answered from the phones, 抢答 with an early buzz and two buzzes at once, a correction of an earlier
question, 风险, a tie, the tie-break to a winner, finish. The big screen is photographed at each stage
and its width and font sizes are measured; the database is checked at the end."""

from __future__ import annotations

import json
import shutil

from playwright.sync_api import expect

from tests.conftest import ROOT
from tests.dbcopy import copy_database
from tests.e2e.conftest import SCREENSHOTS, wait_until
from tracker import Tracker
from tracker import competitions as comp
from ui.serve import RestartableServer

TIMEOUT = 30_000
OFFICE, FARM = "办公室代表队", "农技推广中心代表队"
COMPETITION = f"""
id: e2e-final
title: 端到端决赛
kind: competition
start_score: 100
teams:
  - {{name: {OFFICE}, members: [E003]}}
  - {{name: {FARM}, members: [E012]}}
rounds:
  - name: 必答题
    type: required
    per_team: 1
    points: 10
    penalty: 10
    time_limit: 90s
    questions:
      - {{id: r1, type: single, prompt: 单选：职业道德的首要要求是什么？, options: [投机取巧, 爱岗敬业, 只对领导负责], answer: B}}
      - {{id: r2, type: multiple, prompt: 多选：以下哪些属于职业道德规范？, options: [诚实守信, 办事公道, 损公肥私, 奉献社会], answer: ABD}}
  - name: 抢答题
    type: buzzer
    points: 10
    penalty: 10
    early_buzz_penalty: 10
    time_limit: 60s
    questions:
      - {{id: b1, type: true_false, prompt: 抢答一：“四不伤害”包括保护他人不受伤害。, answer: true}}
      - {{id: b2, type: single, prompt: 抢答二：火警电话是多少？, options: ["110", "119", "120"], answer: B}}
      - {{id: b3, type: true_false, prompt: 抢答三：安全生产方针是安全第一、预防为主、综合治理。, answer: true}}
  - name: 风险题
    type: risk
    values: [10, 20, 30]
    per_team: 1
    time_limit: 90s
    questions:
      - {{id: k1, type: true_false, prompt: 风险一：职工代表大会是职工行使民主管理权力的机构。, answer: true}}
      - {{id: k2, type: true_false, prompt: 风险二：劳动合同可以约定由劳动者承担社会保险费。, answer: false}}
tiebreak:
  questions:
    - {{id: t1, type: single, prompt: 加赛：办事公道要求对服务对象怎样？, options: [看人下菜, 一视同仁, 亲疏有别], answer: B}}
    - {{id: t2, type: true_false, prompt: 加赛二：诚实守信是职业道德的基本规范。, answer: true}}
"""


def new_page(browser, url: str, username: str, path: str, viewport: dict):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(url)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("mingde-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("退出登录")).to_be_attached(timeout=TIMEOUT)
    page.goto(f"{url}/{path}")
    return context, page


MEASURE = """() => {
  const px = sel => { const el = document.querySelector(sel); return el ? parseFloat(getComputedStyle(el).fontSize) : null; };
  const board = document.getElementById('mingde-board');
  const names = [...document.querySelectorAll('.mb-name')];
  const shown = sel => { const el = document.querySelector(sel); return !!el && el.offsetParent !== null; };
  return {
    width: board ? board.getBoundingClientRect().width : 0,
    prompt: px('.mb-prompt'), option: px('.mb-opt'), score: px('.mb-score'), clock: px('.mb-clock'),
    names_cut: names.some(n => n.scrollWidth > n.clientWidth + 1),
    sidebar: shown('[data-testid="stSidebar"]'), header: shown('[data-testid="stAppHeader"]') || shown('[data-testid="stHeader"]'),
    english: /[A-Za-z]{3,}/.test(board ? board.innerText : ''),
  };
}"""


def choose(page, box, label: str) -> None:
    """Pick ``label`` in a selectbox. Its list is drawn again right after a judgment (a dropdown opened
    at that moment closes), so open it until the option is there and chosen."""

    def chosen() -> bool:
        box.click()
        option = page.get_by_role("option").filter(has_text=label)
        try:
            option.click(timeout=2000)
        except Exception:
            page.keyboard.press("Escape")
        return box.input_value() == label

    wait_until(chosen, what=f"{label!r} chosen")


# The host's step buttons, each of which the console shows at most once. A button that moves in the page's
# element tree while the console reruns is drawn anew below a faded copy of the old one (a copy a host can
# click): this watcher records every moment a label is on the page twice.
STEPS = ["开始比赛", "出示题目", "开始作答 / 抢答", "公布答案", "下一题", "进入加赛", "结束比赛并保存成绩"]
WATCH_TWICE = """(() => {
  const steps = new Set(%s);
  window.__twice = [];
  const look = () => {
    const seen = {};
    for (const b of document.querySelectorAll('button')) {
      const text = b.innerText.trim();
      if (steps.has(text)) seen[text] = (seen[text] || 0) + 1;
    }
    for (const [text, n] of Object.entries(seen)) if (n > 1) window.__twice.push(text);
  };
  new MutationObserver(look).observe(document, {childList: true, subtree: true});
})();"""


def test_a_whole_competition(browser, demo_db, tmp_path):
    db = tmp_path / "mingde.db"
    copy_database(demo_db, db)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "quizzes" / "e2e-final.yaml").write_text(COMPETITION, encoding="utf-8")
    server = RestartableServer(db, content, tmp_path)
    server.start()
    tracker = Tracker(db)
    contexts = []
    shots: list[str] = []
    measured: dict[str, dict] = {}
    try:
        url = server.url
        host_ctx, host = new_page(browser, url, "organizer", "host", {"width": 1366, "height": 768})
        contexts.append(host_ctx)
        host.add_init_script(WATCH_TWICE % json.dumps(STEPS, ensure_ascii=False))
        host.reload()
        # -- staging through the form: the file's teams, captains on phones (defaults: one per team)
        try:
            host.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click(timeout=TIMEOUT)
            host.get_by_role("option", name="端到端决赛").click()
        except Exception:
            host.screenshot(path=str(SCREENSHOTS / "competition-host-stage-fail.png"), full_page=True)
            raise
        host.get_by_text("队长用手机抢答").click()
        for team, employee in ((OFFICE, "E003"), (FARM, "E012")):  # by name and department, one distinct default per team
            e = tracker.employee(employee)
            box = host.get_by_role("combobox", name=f"{team} 队长账号")
            expect(box).to_have_value(f"{e['name']}（{e['department']}）", timeout=TIMEOUT)
        host.get_by_role("button", name="创建比赛").click()
        wait_until(lambda: comp.runs(tracker), what="the new run")
        run = comp.runs(tracker)[0]["id"]
        wait_until(lambda: f"run={run}" in host.evaluate("location.href"), what=f"the run in the address ({host.url})")
        setup = comp.setup_of(tracker, run)
        assert [(t.name, t.captain) for t in setup.teams] == [(OFFICE, "e003"), (FARM, "e012")]

        board_ctx, board = new_page(browser, url, "leader", f"scoreboard?run={run}&kiosk=1", {"width": 1920, "height": 1080})
        phone = {}
        for team, user in ((OFFICE, "e003"), (FARM, "e012")):
            ctx, page = new_page(browser, url, user, "team", {"width": 375, "height": 812})
            contexts.append(ctx)
            phone[team] = page
        contexts.append(board_ctx)

        def shot(stage: str) -> None:
            path = SCREENSHOTS / f"competition-board-{stage}.png"
            board.screenshot(path=str(path))
            shots.append(str(path))
            host.screenshot(path=str(SCREENSHOTS / f"competition-host-{stage}.png"))  # the console at 1366×768 too
            measured[stage] = board.evaluate(MEASURE)

        def state():
            return comp.state(tracker, run)

        def click(page, name: str, **kw) -> None:
            page.get_by_role("button", name=name, **kw).click()

        def until(cond, what: str):
            return wait_until(cond, timeout=30, what=what)

        expect(board.locator("#mingde-board")).to_be_visible(timeout=TIMEOUT)
        shot("0-waiting")
        click(host, "开始比赛")
        until(lambda: state().phase == "running", "start")

        # -- 必答: each captain answers its own question from the phone; the host judges by the answer
        for _ in range(2):
            s = state()
            team, q = s.answering_team, s.question.question
            click(host, "出示题目")
            until(lambda: state().status == "shown", "shown")
            click(host, "开始作答 / 抢答")
            until(lambda: state().status == "open", "open")
            p = phone[team]
            if q.type == "single":
                p.get_by_test_id("stForm").get_by_text(f"B. {q.options[1].text}").click()
            else:
                for i in (0, 1, 3):
                    p.get_by_test_id("stForm").get_by_text(f"{'ABCD'[i]}. {q.options[i].text}").click()
            shot(f"1-required-{q.type}")
            p.screenshot(path=str(SCREENSHOTS / f"competition-phone-{q.type}.png"), full_page=True)
            click(p, "提交答案")
            until(lambda t=team: t in state().choices, f"{team}'s answer")
            expect(p.get_by_text("答案已提交。")).to_be_visible(timeout=TIMEOUT)
            click(host, f"按 {team} 提交的选项自动判分")
            until(lambda: state().status == "judged", "judged")
            click(host, "公布答案")
            until(lambda: state().answer_revealed, "revealed")
            shot(f"2-required-{q.type}-answer")
            click(host, "下一题")
            until(lambda s0=s.seq: state().status == "pending" and state().seq > s0, "next")
        assert state().scores == {OFFICE: 110, FARM: 110}

        # -- 抢答 1: FARM buzzes before answering opens (犯规 −10); OFFICE buzzes, the host judges wrong by mistake
        click(host, "出示题目")
        expect(phone[FARM].get_by_role("button", name="抢答！")).to_be_visible(timeout=TIMEOUT)
        click(phone[FARM], "抢答！")
        until(lambda: FARM in state().early_buzzes, "the early buzz")
        expect(board.get_by_text(f"犯规：{FARM} 提前抢答")).to_be_visible(timeout=TIMEOUT)
        shot("3-early-buzz")
        click(host, "开始作答 / 抢答")
        expect(phone[OFFICE].get_by_role("button", name="抢答！")).to_be_visible(timeout=TIMEOUT)
        click(phone[OFFICE], "抢答！")
        until(lambda: state().answering_team == OFFICE, "OFFICE answering")
        expect(host.get_by_text(f"{OFFICE} 作答")).to_be_visible(timeout=TIMEOUT)  # the console refreshed by itself
        expect(host.get_by_text("第1位")).to_be_visible(timeout=TIMEOUT)
        click(host, "答错")
        until(lambda: state().status == "judged", "b1 judged")
        mistaken = state().history[-1].seq
        click(host, "下一题")
        until(lambda: state().question_index == 1, "b2")

        # -- 抢答 2: both captains press at once; the first one written answers, the second is recorded after it
        click(host, "出示题目")
        click(host, "开始作答 / 抢答")
        for team in (FARM, OFFICE):
            expect(phone[team].get_by_role("button", name="抢答！")).to_be_visible(timeout=TIMEOUT)
        phone[FARM].get_by_role("button", name="抢答！").click(no_wait_after=True)
        phone[OFFICE].get_by_role("button", name="抢答！").click(no_wait_after=True)
        until(lambda: len(state().buzz_order) == 2, "two buzzes")
        first, second = (t for t, _ in state().buzz_order)
        expect(board.get_by_text(f"第1位　{first}")).to_be_visible(timeout=TIMEOUT)
        expect(board.get_by_text(f"第2位　{second}")).to_be_visible(timeout=TIMEOUT)
        expect(host.get_by_text(f"第2位　{second}")).to_be_visible(timeout=TIMEOUT)
        shot("4-two-buzzes")
        click(host, "答对")
        until(lambda: state().status == "judged", "b2 judged")
        shot("5-right")

        # -- the mistake on 抢答 1 is corrected now, one question later: later scores stay
        host.get_by_text("更正：撤销、更正判分、裁判加减分").click()
        which = host.get_by_role("combobox", name="要更正的判分")
        choose(host, which, f"抢答题 第 1 题 · {OFFICE} · 答错")
        host.get_by_role("radiogroup", name="改判为").get_by_text("答对", exact=True).click()
        host.get_by_label("更正原因（必填）").fill("录像回看：回答正确")
        click(host, "更正判分")
        until(lambda: state().history[-1].reason == "correction", "the correction")
        expect(board.get_by_text("更正：", exact=False).first).to_be_visible(timeout=TIMEOUT)
        shot("6-correction")
        scores = state().scores
        assert scores[OFFICE] == 110 - 10 + 20 and scores[first] >= 100
        assert next(a for a in state().history if a.seq == mistaken).result == "right"
        click(host, "下一题")
        until(lambda: state().question_index == 2, "b3")
        # stale +10 / 更正 marks are gone on the next question
        expect(board.locator(".mb-mark")).to_have_count(0, timeout=TIMEOUT)
        click(host, "出示题目")
        until(lambda: state().status == "shown", "b3 shown")
        click(host, "下一题")  # nobody buzzes: the host goes on
        until(lambda: state().round_type == "risk", "risk round")

        # -- 风险: the leader picks first; values chosen on the phones bring the teams level
        for _ in range(2):
            s = state()
            team = s.must_pick
            gap = max(s.scores.values()) - s.scores[team]
            value = gap or 10
            expect(phone[team].get_by_role("button", name=f"{value:g}", exact=True)).to_be_visible(timeout=TIMEOUT)
            click(phone[team], f"{value:g}", exact=True)
            until(lambda: state().picked_value is not None, "the pick")
            expect(host.get_by_role("button", name="出示题目")).to_be_visible(timeout=TIMEOUT)  # no 10/20/30 left
            click(host, "出示题目")
            until(lambda: state().status == "shown", "risk shown")
            click(host, "开始作答 / 抢答")
            until(lambda: state().status == "open", "risk open")
            answer = state().question.question.answer
            phone[team].get_by_test_id("stForm").get_by_text("正确" if answer else "错误", exact=True).click()
            click(phone[team], "提交答案")
            until(lambda t=team: t in state().choices, "risk answer")
            click(host, f"按 {team} 提交的选项自动判分")
            until(lambda: state().status == "judged", "risk judged")
            shot(f"7-risk-{team}")
            click(host, "下一题")
            until(lambda s0=s.seq: state().seq >= s0 + 6, "risk next")
        assert state().phase == "ended" and state().scores[OFFICE] == state().scores[FARM]
        expect(board.get_by_text(f"同分，进入加赛：{OFFICE}、{FARM}")).to_be_visible(timeout=TIMEOUT)
        shot("8-tie")

        # -- 加赛: both captains answer; OFFICE right, FARM wrong; 下一题 is offered once both are judged
        click(host, "进入加赛")
        until(lambda: state().phase == "tiebreak", "tiebreak")
        click(host, "出示题目")
        click(host, "开始作答 / 抢答")
        until(lambda: state().status == "open", "tiebreak open")
        q = state().question.question
        phone[OFFICE].get_by_test_id("stForm").get_by_text(f"B. {q.options[1].text}").click()
        click(phone[OFFICE], "提交答案")
        phone[FARM].get_by_test_id("stForm").get_by_text(f"A. {q.options[0].text}").click()
        click(phone[FARM], "提交答案")
        until(lambda: len(state().choices) == 2, "both answers")
        shot("9-tiebreak")
        for team in (OFFICE, FARM):
            click(host, f"按 {team} 提交的选项自动判分")
            until(lambda t=team: t in state().judged, f"{team} judged")
        click(host, "下一题")
        until(lambda: state().phase == "ended", "tiebreak decided")
        click(host, "结束比赛并保存成绩")
        until(lambda: state().phase == "finished", "finished")
        expect(board.get_by_text("加赛胜出")).to_be_visible(timeout=TIMEOUT)
        expect(phone[OFFICE].get_by_text("本队获得第 1 名")).to_be_visible(timeout=TIMEOUT)
        shot("10-final")
        for name, page in (("host", host), ("phone-o", phone[OFFICE]), ("phone-n", phone[FARM])):
            page.screenshot(path=str(SCREENSHOTS / f"competition-{name}.png"), full_page=True)

        assert sorted(set(host.evaluate("window.__twice"))) == [], "a step button was on the console twice"

        # -- the database: the log is append-only and complete, the results are written once
        kinds = [e.kind for e in comp.events(tracker, run)]
        assert kinds.count("correct") == 1 and kinds.count("buzz") == 4 and kinds[-1] == "finish"
        assert [(r["team"], r["rank"]) for r in comp.results(tracker, run)] == [(OFFICE, 1), (FARM, 2)]
        # -- the big screen: full width, no menus, readable sizes, no English, names not cut
        for stage, m in measured.items():
            assert m["width"] >= 1800, (stage, m)
            assert not m["sidebar"] and not m["header"] and not m["names_cut"] and not m["english"], (stage, m)
        question = measured["1-required-single"]
        assert question["prompt"] >= 40 and question["option"] >= 32 and question["score"] >= 64, question
        assert question["clock"] >= 64, question
    except Exception:
        for i, ctx in enumerate(contexts):
            for page in ctx.pages:
                page.screenshot(path=str(SCREENSHOTS / f"competition-fail-{i}.png"), full_page=True)
        raise
    finally:
        for ctx in contexts:
            ctx.close()
        tracker.close()
        server.close()
        print("big-screen measurements:", measured)


def test_the_leaderboard_fits_a_phone(server, browser):
    """375 px: every column of the individual ranking is on screen (the time too), the rule is stated."""
    for user, viewport in (("employee", {"width": 375, "height": 812}), ("organizer", {"width": 1366, "height": 768})):
        context, page = new_page(browser, server, user, "leaderboard", viewport)
        try:
            expect(page.get_by_text("用时少者在前")).to_be_visible(timeout=TIMEOUT)
            table = page.locator('[data-testid="stTable"]').first
            expect(table).to_be_visible(timeout=TIMEOUT)
            box = page.evaluate(
                """() => { const t = document.querySelector('[data-testid="stTable"] table');
                return {right: t.getBoundingClientRect().right, width: window.innerWidth,
                        cut: [...t.querySelectorAll('td,th')].some(c => c.scrollWidth > c.clientWidth + 1)}; }"""
            )
            assert box["right"] <= box["width"] and not box["cut"], box
            page.screenshot(path=str(SCREENSHOTS / f"leaderboard-{user}.png"), full_page=True)
        finally:
            context.close()
