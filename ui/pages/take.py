"""Taking an attempt (``?attempt=ID``): answers are saved as they are given; then the result."""

import streamlit as st

from quizzes.fields import utcnow
from tracker.access import attempt_review_allowed, deadline_of
from tracker.errors import AccessDenied, AttemptClosed, NotFound, StorageUnavailable
from ui.auth import access
from ui.state import catalog, saving, storage_error, t
from ui.widgets import countdown, is_answered, question_header, question_input, review

me = access()
attempt_id = st.query_params.get("attempt", "")
try:
    row = me.own_attempt(attempt_id)
except (NotFound, AccessDenied):
    st.error(t("take.not_found"))
    st.stop()

quiz = catalog().quizzes.get(row["quiz_id"])
if quiz:
    title = quiz.title
else:  # a practice paper, or a quiz whose file is broken or gone: the attempt goes on from its stored paper
    title = t("take.practice_title") if row["quiz_kind"] == "practice" else row["quiz_id"]
now = utcnow()
deadline = deadline_of(row)
if not row["submitted_at"] and deadline and now > deadline + me.tracker.grace:
    with saving():  # when the store cannot be written the sweeper submits it later, the same way
        me.tracker.finalize_expired(now=now, employee_id=row["employee_id"])
    row = me.own_attempt(attempt_id)

st.title(title)

if row["submitted_at"]:
    if row["auto_submitted"]:
        st.warning(t("take.auto_submitted"))
    passed = t("result.passed") if row["passed"] else t("result.failed")
    c1, c2, c3 = st.columns(3)
    c1.metric(t("result.score"), f"{row['score']:g} / {row['max_score']:g}")
    c2.metric(t("result.percent"), f"{row['percent']:g}%")
    c3.metric(t("result.outcome"), passed)
    if attempt_review_allowed(row, now):
        grade = me.result(attempt_id, now=now)
        orders = {pq.key: pq.order for pq in me.tracker.paper(attempt_id).questions}
        for n, result in enumerate(grade.results, start=1):
            with st.container(border=True):
                review(result, n, orders[result.key])
    else:
        st.info(t("result.review_later_contest") if quiz and quiz.leaderboard else t("result.review_later"))
    st.page_link("ui/pages/quizzes.py", label=t("take.back"), icon=":material/arrow_back:")
    st.stop()

questions = me.shown_questions(attempt_id)
answers_key, closed_key = f"answers:{attempt_id}", f"closed:{attempt_id}"


def save(key, value):
    try:
        me.save_answer(attempt_id, key, value)
    except AttemptClosed:  # time is up: the card's run reruns the whole page, which shows the result
        st.session_state[closed_key] = True
    except StorageUnavailable as e:  # not saved: the card says so (the answer stays on the screen to give again)
        st.session_state[f"unsaved:{attempt_id}:{key}"] = e
    else:
        st.session_state[answers_key][key] = value


if deadline:
    countdown(deadline, now)

    @st.fragment(run_every=max(1.0, (deadline + me.tracker.grace - now).total_seconds() + 1))
    def watch_deadline():
        if utcnow() > deadline + me.tracker.grace:
            st.rerun()

    watch_deadline()

saved = me.saved_responses(attempt_id)
st.session_state[answers_key] = dict(saved)  # what the cards show as answered, kept current by save()
st.caption(t("take.autosave", total=len(questions)))


@st.fragment
def card(q) -> None:
    # One fragment per question: answering reruns this card only, not the page of N questions.
    if st.session_state.pop(closed_key, False):
        st.rerun(scope="app")
    with st.container(border=True):
        if error := st.session_state.pop(f"unsaved:{attempt_id}:{q.key}", None):
            storage_error(error)
        question_header(q, answered=is_answered(q, st.session_state[answers_key].get(q.key)))
        question_input(q, f"{attempt_id}:{q.key}", saved.get(q.key), save)


for q in questions:
    card(q)

missing = [q.number for q in questions if not is_answered(q, saved.get(q.key))]
confirm_key = f"confirm:{attempt_id}"
if missing and st.session_state.get(confirm_key):
    st.warning(t("take.unanswered", n=len(missing), which="、".join(map(str, missing[:20]))))
    ready = st.button(t("take.submit_anyway"), type="primary", key="submit_anyway")
else:
    ready = st.button(t("take.submit"), type="primary", key="submit")
    if ready and missing:
        st.session_state[confirm_key] = True
        st.rerun()
if ready:
    with saving():  # not submitted: the message says so; the saved answers stay, to submit again
        me.submit(attempt_id)
        st.session_state.pop(confirm_key, None)
        st.rerun()
