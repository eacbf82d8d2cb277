"""我的成绩: one's own attempts, lesson progress and the wrong-answer book (错题本)."""

import streamlit as st

from tracker.access import WRONG_BOOK_ID
from tracker.export import format_hours
from ui.auth import access
from ui.event_widgets import hours_section
from ui.report_widgets import header
from ui.state import catalog, saving, t
from ui.widgets import local_time, md_escape, period_text, show_prompt, type_label

me = access()
cat = catalog()
st.title(t("results.title"))

attempts = me.my_attempts()
st.subheader(t("results.history"))
if not attempts:
    st.caption(t("results.none"))
counted = [a for a in attempts if a["submitted_at"] and a["quiz_kind"] != "practice"]  # practice has no pass or fail
if counted:
    st.caption(t("results.summary", taken=len(counted), passed=sum(1 for a in counted if a["passed"])))
for a in attempts:
    quiz = cat.quizzes.get(a["quiz_id"])
    practice = a["quiz_kind"] == "practice"
    name = quiz.title if quiz else (t("take.practice_title") if a["quiz_id"] == WRONG_BOOK_ID else t("results.unknown_quiz"))
    with st.container(border=True):
        if a["submitted_at"]:
            if practice:
                outcome = f":blue-badge[{t('results.practice_tag')}] {t('results.practice_line')}"
            else:
                outcome = f":green-badge[{t('result.passed')}]" if a["passed"] else f":red-badge[{t('result.failed')}]"
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
    done = local_time(row["completed_at"])[:10] if row and row["completed_at"] else ""
    rows.append({t("col.title"): lesson.title, t("results.status"): t(f"learn.status.{status}"), t("results.completed_at"): done})
# narrow enough for a phone (375 px): the title gets the room, the finishing day is a date only
widths = {t("col.title"): 150, t("results.status"): 60, t("results.completed_at"): 90}
st.dataframe(
    rows, hide_index=True, width="stretch", column_config={k: st.column_config.TextColumn(k, width=w) for k, w in widths.items()}
)
hours_section(me, cat)  # 学时 this year against the requirement, and the ledger (issue 17)

st.subheader(t("results.indicator"))
period = me.current_period(cat)
mine = me.my_indicator(period, cat)
if mine.empty:
    st.caption(t("results.indicator_none"))
else:
    row = mine.iloc[0]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("results.indicator_total", period=period_text(period.key)), f"{row['indicator']:.1f}")
    # the names of the reports' columns, each part out of 100 (review #17)
    c2.metric(header("lesson_score"), t("training.results.of_100", n=f"{row['lesson_score']:.1f}"))
    c3.metric(header("quiz_score"), t("training.results.of_100", n=f"{row['quiz_score']:.1f}"))
    c4.metric(header("competition_score"), t("training.results.of_100", n=f"{row['competition_score']:.1f}"))
    if "attendance_score" in row and "hours" in row:  # (figures locked before they existed have neither)
        c5, c6, _, _ = st.columns(4)
        score = row["attendance_score"]
        c5.metric(
            header("attendance_score"), "—" if score is None or score != score else t("training.results.of_100", n=f"{score:.1f}")
        )
        c6.metric(
            t("training.results.hours"),
            t("training.results.hours_of", got=format_hours(row["hours"]), due=format_hours(row["hours_required"])),
        )
    st.caption(t("training.results.parts"))

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
            show_prompt(item.question.prompt)
            if item.question.explanation:
                st.info(item.question.explanation, icon=":material/lightbulb:")
            st.caption(t("results.times_wrong", n=item.times_wrong))
