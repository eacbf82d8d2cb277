"""首页 (employees): what is due (quizzes whose window closes soonest, unfinished lessons), this
period's progress against the target, and the latest results."""

import datetime as dt

import streamlit as st

from quizzes.fields import utcnow
from tracker.access import WRONG_BOOK_ID
from ui.auth import access
from ui.state import catalog, t
from ui.widgets import local_time, period_text

me = access()
cat = catalog()
person = me.profile()
st.title(t("home.title"))
if person:
    st.caption(t("home.hello", name=person["name"], department=person["department"]))

# -- due: open quizzes, the ones closing soonest first --------------------------------------------------
now = utcnow()
due = []
for quiz in me.visible(list(cat.quizzes.values())):
    if quiz.kind == "competition":
        continue  # live competitions are run by a host, not taken alone
    status = me.quiz_status(quiz, now=now)
    if status.code == "in_progress" or (status.can_start and status.best_percent is None):  # open and not yet taken
        due.append((quiz, status))
due.sort(key=lambda qs: (qs[1].code != "in_progress", qs[0].closes or dt.datetime.max.replace(tzinfo=dt.UTC)))

st.subheader(t("home.due"))
if not due:
    st.caption(t("home.due_none"))
for quiz, status in due[:5]:
    with st.container(border=True):
        facts = [t(f"kind.{quiz.kind}")]
        if status.code == "in_progress":
            facts.append(t("home.in_progress"))
        if quiz.closes:
            days = (quiz.closes - now).days
            facts.append(
                t("home.closes_soon", at=local_time(quiz.closes)) if days < 7 else t("home.closes", at=local_time(quiz.closes))
            )
        st.markdown(f"**{quiz.title}**  \n" + " · ".join(facts))
        if status.code == "in_progress":
            st.page_link("ui/pages/take.py", label=t("quizzes.resume"), query_params={"attempt": status.attempt_id})
        else:
            st.page_link("ui/pages/quizzes.py", label=t("home.go_quiz"), query_params={"quiz": quiz.id})

progress = me.lesson_progress()
unfinished = [lesson for lesson in cat.lessons.values() if not (progress.get(lesson.id) or {}).get("completed_at")]
st.subheader(t("home.lessons"))
if not unfinished:
    st.caption(t("home.lessons_none"))
for lesson in unfinished[:3]:
    started = lesson.id in progress
    with st.container(border=True):
        st.markdown(f"**{lesson.title}**  \n{t('learn.status.reading' if started else 'learn.status.not_started')}")
        st.page_link(
            "ui/pages/learn.py", label=t("learn.continue" if started else "learn.open"), query_params={"lesson": lesson.id}
        )

# -- this period against the target ---------------------------------------------------------------------
period = me.current_period(cat)
mine = me.my_indicator(period, cat)
st.subheader(t("home.progress", period=period_text(period.key)))
if mine.empty:
    st.caption(t("results.indicator_none"))
else:
    row = mine.iloc[0]
    c1, c2, c3 = st.columns(3)
    c1.metric(t("home.lessons_done"), f"{int(row['lessons_completed'])} / {int(row['lessons_total'])}")
    c2.metric(t("home.quizzes_done"), f"{int(row['quizzes_taken'])} / {int(row['quizzes_total'])}")
    c3.metric(t("results.indicator_total", period=period_text(period.key)), f"{row['indicator']:.1f}")
    total = int(row["lessons_total"]) + int(row["quizzes_total"])
    if total:
        done = int(row["lessons_completed"]) + int(row["quizzes_taken"])
        st.progress(min(1.0, done / total), text=t("home.target", done=done, total=total))

# -- latest results ----------------------------------------------------------------------------------------
st.subheader(t("home.latest"))
latest = [a for a in me.my_attempts() if a["submitted_at"]][:3]
if not latest:
    st.caption(t("results.none"))
for a in latest:
    quiz = cat.quizzes.get(a["quiz_id"])
    practice = a["quiz_kind"] == "practice"
    name = quiz.title if quiz else (t("take.practice_title") if a["quiz_id"] == WRONG_BOOK_ID else t("results.unknown_quiz"))
    outcome = t("results.practice_tag") if practice else (t("result.passed") if a["passed"] else t("result.failed"))
    st.markdown(f"**{name}** · {a['percent']:g}% · {outcome}  \n:gray[{local_time(a['submitted_at'])}]")
st.page_link("ui/pages/results.py", label=t("home.all_results"), icon=":material/bar_chart:")
