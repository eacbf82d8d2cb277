"""我的成绩: one's own attempts, lesson progress and the wrong-answer book (错题本)."""

import streamlit as st

from tracker.access import WRONG_BOOK_ID
from tracker.reports import current_period, my_indicator
from ui.auth import access
from ui.state import catalog, saving, t
from ui.widgets import local_time, md_escape, type_label

me = access()
cat = catalog()
st.title(t("results.title"))

attempts = me.my_attempts()
st.subheader(t("results.history"))
if not attempts:
    st.caption(t("results.none"))
for a in attempts:
    quiz = cat.quizzes.get(a["quiz_id"])
    name = quiz.title if quiz else (t("take.practice_title") if a["quiz_id"] == WRONG_BOOK_ID else a["quiz_id"])
    with st.container(border=True):
        if a["submitted_at"]:
            outcome = t("result.passed") if a["passed"] else t("result.failed")
            st.markdown(f"**{name}** · {a['score']:g}/{a['max_score']:g} · {a['percent']:g}% · {outcome}")
            st.caption(t("results.submitted_at", at=local_time(a["submitted_at"])))
            st.page_link("ui/pages/take.py", label=t("results.view"), query_params={"attempt": a["id"]})
        else:
            st.markdown(f"**{name}** · {t('results.in_progress')}")
            st.page_link("ui/pages/take.py", label=t("quizzes.resume"), query_params={"attempt": a["id"]})

st.subheader(t("results.lessons"))
progress = me.lesson_progress()
rows = []
for lesson in cat.lessons.values():
    row = progress.get(lesson.id)
    status = "completed" if row and row["completed_at"] else ("reading" if row else "not_started")
    rows.append(
        {
            t("col.title"): lesson.title,
            t("results.status"): t(f"learn.status.{status}"),
            t("results.completed_at"): local_time(row["completed_at"]) if row else "",
        }
    )
st.dataframe(rows, hide_index=True, width="stretch")

st.subheader(t("results.indicator"))
period = current_period(cat.assessment.period if cat.assessment else "quarter")
mine = my_indicator(me.tracker, me.account, period, cat)
if mine.empty:
    st.caption(t("results.indicator_none"))
else:
    row = mine.iloc[0]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("results.indicator_total", period=period.key), f"{row['indicator']:.1f}")
    c2.metric(t("results.indicator_lessons"), f"{row['lesson_score']:.1f}")
    c3.metric(t("results.indicator_quizzes"), f"{row['quiz_score']:.1f}")
    c4.metric(t("results.indicator_competitions"), f"{row['competition_score']:.1f}")

st.subheader(t("results.wrong_book"))
wrong = me.wrong_book()
if not wrong:
    st.caption(t("results.wrong_none"))
else:
    st.caption(t("results.wrong_count", n=len(wrong)))
    if st.button(t("results.practice"), type="primary"):
        with saving():
            st.switch_page("ui/pages/take.py", query_params={"attempt": me.start_wrong_practice()})
    for item in wrong[:50]:
        with st.expander(f"{type_label(item.question.type)} · {md_escape(item.question.prompt[:40])}"):
            st.markdown(item.question.prompt)
            if item.question.explanation:
                st.info(item.question.explanation, icon=":material/lightbulb:")
            st.caption(t("results.times_wrong", n=item.times_wrong))
