"""Taking an attempt (``?attempt=ID``): answers are saved as they are given (typed text after a short
pause), an answer sheet (答题卡) shows what is answered or marked; then the result, at the top."""

import streamlit as st

from quizzes.fields import utcnow
from tracker.errors import AccessDenied, AttemptClosed, NotFound, StorageUnavailable
from ui.auth import access
from ui.state import catalog, saving, storage_error, t
from ui.widgets import (
    answer_sheet,
    countdown,
    duration_text,
    is_answered,
    question_header,
    question_input,
    review,
    scroll_to_top,
    sheet_cell,
)

me = access()
attempt_id = st.query_params.get("attempt", "")
try:
    row = me.own_attempt(attempt_id)
except (NotFound, AccessDenied):
    st.error(t("take.not_found"))
    st.stop()

quiz = catalog().quizzes.get(row["quiz_id"])
practice = row["quiz_kind"] == "practice"
if quiz:
    title = quiz.title
else:  # a practice paper, or a quiz whose file is broken or gone: the attempt goes on from its stored paper
    title = t("take.practice_title") if practice else t("take.unknown_title")
now = utcnow()
deadline = me.deadline_of(row)
if not row["submitted_at"] and deadline and now > deadline + me.grace:
    with saving():  # when the store cannot be written the sweeper submits it later, the same way
        me.finalize_expired(now=now)
    row = me.own_attempt(attempt_id)

if row["submitted_at"]:
    scroll_to_top(attempt_id)  # the result is read from its top, wherever 交卷 was tapped
    st.title(title)
    if row["auto_submitted"]:
        st.warning(t("take.auto_submitted"))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("result.score"), f"{row['score']:g} / {row['max_score']:g}")
    c2.metric(t("result.percent"), f"{row['percent']:g}%")
    if practice:  # practice has no pass or fail
        c3.metric(t("result.outcome"), t("results.practice_tag"))
    else:
        c3.metric(t("result.outcome"), t("result.passed") if row["passed"] else t("result.failed"))
    st.caption(t("take.time_used", d=duration_text(me.time_used(row))))
    if me.review_allowed(row, now):
        grade = me.result(attempt_id, now=now)
        orders = me.display_orders(attempt_id)
        for n, result in enumerate(grade.results, start=1):
            with st.container(border=True):
                review(result, n, orders[result.key])
    else:
        st.info(t("result.review_later_contest") if quiz and quiz.leaderboard else t("result.review_later"))
    st.page_link("ui/pages/results.py", label=t("take.to_results"), icon=":material/bar_chart:")
    st.page_link("ui/pages/quizzes.py", label=t("take.back"), icon=":material/arrow_back:")
    st.stop()

st.title(title)
questions = me.shown_questions(attempt_id)
answers_key, closed_key = f"answers:{attempt_id}", f"closed:{attempt_id}"
marks_key, confirm_key = f"marks:{attempt_id}", f"confirm:{attempt_id}"
by_key = {q.key: q for q in questions}


def save(key, value):
    try:
        me.save_answer(attempt_id, key, value)
    except AttemptClosed:  # time is up: the card's run reruns the whole page, which shows the result
        st.session_state[closed_key] = True
        return
    except StorageUnavailable as e:  # not saved: the card says so (the answer stays on the screen to give again)
        st.session_state[f"unsaved:{attempt_id}:{key}"] = e
    else:
        st.session_state[answers_key][key] = value


def typed_blanks() -> None:
    """Save text still being typed in fill-in boxes (the tap on 交卷 may come before it is committed)."""
    for q in questions:
        if q.type != "fill_blank":
            continue
        values = [st.session_state.get(f"{attempt_id}:{q.key}:{i}") for i in range(q.blanks)]
        if any(v is not None for v in values):
            values = [v or "" for v in values]
            if values != list(st.session_state[answers_key].get(q.key) or [""] * q.blanks):
                save(q.key, values)


def submit(confirmed: bool) -> None:
    """交卷 (a button callback, so that one tap submits even when it arrives with a typed answer)."""
    typed_blanks()
    # A tap that arrives together with a typed answer reruns that answer's card only: the flag makes the
    # card rerun the whole page, which shows the result (or asks to confirm).
    st.session_state[closed_key] = True
    missing = [q for q in questions if not is_answered(q, st.session_state[answers_key].get(q.key))]
    flagged = st.session_state.get(marks_key) or set()  # marked to check again: a reminder too
    if (missing or flagged) and not confirmed:
        st.session_state[confirm_key] = True
        return
    try:
        me.submit(attempt_id)
    except AttemptClosed:
        pass  # submitted by the time limit meanwhile: the page shows the result
    except StorageUnavailable as e:
        st.session_state[f"unsubmitted:{attempt_id}"] = e  # not submitted; the saved answers stay
    else:
        st.session_state.pop(confirm_key, None)


if deadline:
    countdown(deadline, now)

    @st.fragment(run_every=max(1.0, (deadline + me.grace - now).total_seconds() + 1))
    def watch_deadline():
        if utcnow() > deadline + me.grace:
            st.rerun()

    watch_deadline()

st.session_state.pop(closed_key, None)  # this run is the whole page already
saved = me.saved_responses(attempt_id)
st.session_state[answers_key] = dict(saved)  # what the cards show as answered, kept current by save()
st.session_state.setdefault(marks_key, set())
st.caption(t("take.autosave", total=len(questions)))


def sheet() -> None:
    answered = {q.number for q in questions if is_answered(q, st.session_state[answers_key].get(q.key))}
    marked = {by_key[k].number for k in st.session_state[marks_key] if k in by_key}
    answer_sheet(len(questions), answered, marked)


sheet()


def toggle_mark(key: str) -> None:
    marks = st.session_state[marks_key]
    marks.symmetric_difference_update({key})


@st.fragment
def card(q) -> None:
    # One fragment per question: answering reruns this card only, not the page of N questions.
    if st.session_state.pop(closed_key, False):
        st.rerun(scope="app")
    with st.container(border=True, key=f"q{q.number}"):
        if error := st.session_state.pop(f"unsaved:{attempt_id}:{q.key}", None):
            storage_error(error)
        marked = q.key in st.session_state[marks_key]
        answered = is_answered(q, st.session_state[answers_key].get(q.key))
        question_header(q, answered=answered, marked=marked)
        question_input(q, f"{attempt_id}:{q.key}", saved.get(q.key), save)
        st.button(
            t("take.unmark") if marked else t("take.mark"),
            key=f"mark:{attempt_id}:{q.key}",
            icon=":material/flag:",
            type="tertiary",
            on_click=toggle_mark,
            args=(q.key,),
        )
        sheet_cell(q.number, answered, marked)


for q in questions:
    card(q)

if error := st.session_state.pop(f"unsubmitted:{attempt_id}", None):
    storage_error(error)
missing = [q.number for q in questions if not is_answered(q, saved.get(q.key))]
flagged = sorted(by_key[k].number for k in st.session_state[marks_key] if k in by_key)
if (missing or flagged) and st.session_state.get(confirm_key):
    if missing:
        st.warning(t("take.unanswered", n=len(missing), which="、".join(map(str, missing[:20]))))
    if flagged:
        st.warning(t("take.flagged_left", n=len(flagged), which="、".join(map(str, flagged[:20]))), icon=":material/flag:")
    st.button(t("take.submit_anyway"), type="primary", key="submit_anyway", on_click=submit, args=(True,))
else:
    st.button(t("take.submit"), type="primary", key="submit", on_click=submit, args=(False,))
