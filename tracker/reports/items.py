"""Item analysis (试题分析): facility, upper–lower 27% discrimination, option shares, flags."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from quizzes.paper import Paper
from tracker.errors import AccessDenied
from tracker.reports.common import REPORT_ROLES, _period, _q, _rate, _scope, word
from tracker.reports.periods import Period
from tracker.store import Account, Tracker

UPPER_LOWER = 0.27
DISCRIMINATION_METHOD = "upper-lower 27% groups of attempt totals (上下27%分组法)"  # the method's id in attrs


ITEM_COLUMNS = [
    "question_id",
    "type",
    "prompt",
    "key",
    "presented",
    "answered",
    "facility",
    "upper_n",
    "lower_n",
    "discrimination",
]


def item_analysis(
    tracker: Tracker,
    account: Account,
    *,
    quiz_id: str | None = None,
    bank_id: str | None = None,
    period: Period | str | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """Per question key of a quiz (or of every attempt with questions drawn from ``bank_id``):
    presented, answered, facility (share correct of presented), discrimination by the upper–lower
    27% method on attempt totals (percent), the share choosing each option (authored letters;
    multiple-choice responses counted per letter; true_false as opt_true/opt_false), and flags
    too_easy (> 0.9), too_hard (< 0.2), negative_discrimination. Leaders, organizers and admins."""
    tracker.check_role(account, *REPORT_ROLES)
    if bool(quiz_id) == bool(bank_id):
        raise ValueError("give quiz_id or bank_id")
    # bank keys 'bank/id' lie in ['bank/', 'bank0'): a range the index on answers(question_id) serves
    params: dict[str, Any] = {"quiz": quiz_id, "k_lo": f"{bank_id}/", "k_hi": f"{bank_id}0"}
    hidden = tracker.quizzes_hidden_from(account)
    if quiz_id in hidden:
        raise AccessDenied(f"quiz '{quiz_id}' is run by other organizers")
    scope, scope_params = _scope(tracker, account, "a.")
    params.update(scope_params)
    where = "a.submitted_at IS NOT NULL AND a.quiz_kind != 'practice'" + scope
    if period is not None:
        p = _period(period)
        where += " AND a.submitted_at >= :lo AND a.submitted_at < :hi"
        params.update(lo=p.lo, hi=p.hi)
    if quiz_id:
        where += " AND a.quiz_id = :quiz"
        qfilter = ""
    else:
        where += " AND a.id IN (SELECT attempt_id FROM answers WHERE question_id >= :k_lo AND question_id < :k_hi)"
        qfilter = "WHERE an.question_id >= :k_lo AND an.question_id < :k_hi"
    n = _q(tracker, f"SELECT COUNT(*) AS n FROM attempts a WHERE {where}", params)[0]["n"]
    g = max(1, math.floor(UPPER_LOWER * n + 0.5)) if n >= 2 else 0
    params["g"] = g
    base = f"""
        WITH ranked AS (SELECT a.id, ROW_NUMBER() OVER (ORDER BY a.percent DESC, a.id) AS rk, COUNT(*) OVER () AS n
                        FROM attempts a WHERE {where}),
        grp AS (SELECT id, CASE WHEN rk <= :g THEN 1 WHEN rk > n - :g THEN -1 ELSE 0 END AS grp FROM ranked)
    """
    stats = pd.DataFrame(
        _q(
            tracker,
            base
            + f"""
        SELECT an.question_id, COUNT(*) AS presented, SUM(CASE WHEN an.response IS NOT NULL THEN 1 ELSE 0 END) AS answered,
               AVG(an.correct) AS facility, MIN(an.attempt_id) AS sample,
               SUM(CASE WHEN grp.grp = 1 THEN 1 ELSE 0 END) AS upper_n, SUM(CASE WHEN grp.grp = 1 THEN an.correct ELSE 0 END) AS upper_correct,
               SUM(CASE WHEN grp.grp = -1 THEN 1 ELSE 0 END) AS lower_n, SUM(CASE WHEN grp.grp = -1 THEN an.correct ELSE 0 END) AS lower_correct
        FROM answers an JOIN grp ON grp.id = an.attempt_id {qfilter}
        GROUP BY an.question_id ORDER BY an.question_id""",
            params,
        ),
        columns=[
            "question_id",
            "presented",
            "answered",
            "facility",
            "sample",
            "upper_n",
            "upper_correct",
            "lower_n",
            "lower_correct",
        ],
    )
    choices = _q(
        tracker,
        base
        + f"""
        SELECT an.question_id, an.response, COUNT(*) AS n FROM answers an JOIN grp ON grp.id = an.attempt_id
        {qfilter + " AND" if qfilter else "WHERE"} an.response IS NOT NULL GROUP BY an.question_id, an.response""",
        params,
    )
    # question text and key from one stored paper per question (what was graded)
    papers: dict[str, Paper] = {}
    meta: dict[str, tuple[str, str, str, str]] = {}
    for qid, sample in zip(stats["question_id"], stats["sample"], strict=True):
        if sample not in papers:
            papers[sample] = Paper.from_json(_q(tracker, "SELECT paper FROM attempts WHERE id = ?", (sample,))[0]["paper"])
        try:
            q = papers[sample].question(qid).question
        except KeyError:
            meta[qid] = ("", "", "", "")
            continue
        if q.type == "scenario":
            key = "".join(q.letters[i] for i, o in enumerate(q.options or []) if o.credit == 1)
        elif isinstance(q.answer, str):
            key = q.answer
        else:
            key = word("answer.true", lang) if q.answer is True else word("answer.false", lang) if q.answer is False else ""
        meta[qid] = (q.type, q.prompt, key, q.letters)
    counts: dict[str, dict[str, int]] = {}
    for r in choices:
        value = json.loads(r["response"])
        c = counts.setdefault(r["question_id"], {})
        if isinstance(value, bool):
            name = "opt_true" if value else "opt_false"
            c[name] = c.get(name, 0) + r["n"]
        elif isinstance(value, str) and meta.get(r["question_id"], ("",))[0] in ("single", "multiple", "scenario"):
            for letter in value:
                c[f"opt_{letter}"] = c.get(f"opt_{letter}", 0) + r["n"]
    stats["type"] = [meta[q][0] for q in stats["question_id"]]
    stats["prompt"] = [meta[q][1] for q in stats["question_id"]]
    stats["key"] = [meta[q][2] for q in stats["question_id"]]
    stats["facility"] = stats["facility"].astype(float).round(4)
    stats["discrimination"] = (
        _rate(stats["upper_correct"], stats["upper_n"]) - _rate(stats["lower_correct"], stats["lower_n"])
    ).round(4)
    # one column per authored letter of the analysed choice questions (and 对/错 for true_false)
    letters = "".join(m[3] for m in meta.values() if m[0] in ("single", "multiple", "scenario"))
    option_cols = [f"opt_{x}" for x in "ABCDEFGH" if x in letters]
    option_cols += ["opt_true", "opt_false"] if any(m[0] == "true_false" for m in meta.values()) else []
    for col in option_cols:
        stats[col] = [
            round(counts.get(q, {}).get(col, 0) / pres, 4) if pres and _has_option(meta[q], col) else float("nan")
            for q, pres in zip(stats["question_id"], stats["presented"], strict=True)
        ]
    stats["too_easy"] = stats["facility"] > 0.9
    stats["too_hard"] = stats["facility"] < 0.2
    stats["negative_discrimination"] = stats["discrimination"] < 0
    stats["flags"] = [
        "；".join(
            word(label, lang)
            for label, on in (("items.flag.too_easy", e), ("items.flag.too_hard", h), ("items.flag.negative", d))
            if on
        )
        for e, h, d in zip(stats["too_easy"], stats["too_hard"], stats["negative_discrimination"], strict=True)
    ]
    out = stats[[*ITEM_COLUMNS, *option_cols, "too_easy", "too_hard", "negative_discrimination", "flags"]].copy()
    out.attrs.update({"attempts": n, "group_size": g, "method": DISCRIMINATION_METHOD, "quiz": quiz_id, "bank": bank_id})
    return out


def _has_option(meta: tuple[str, str, str, str], col: str) -> bool:
    qtype, _, _, letters = meta
    if col in ("opt_true", "opt_false"):
        return qtype == "true_false"
    return qtype in ("single", "multiple", "scenario") and col[-1] in letters
