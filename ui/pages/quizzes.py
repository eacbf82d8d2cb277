"""测验: quizzes and exams with their window, limit, attempts and best score; start or resume one."""

import streamlit as st

from tracker.errors import QuizUnavailable
from ui.auth import access
from ui.state import catalog, saving, t
from ui.widgets import duration_text, local_time

me = access()
cat = catalog()
focus = st.query_params.get("quiz")

st.title(t("quizzes.title"))
# Newest first; a quiz linked from a lesson (``?quiz=ID``) comes before all.
for quiz in sorted(me.newest_first(me.visible(list(cat.quizzes.values()))), key=lambda q: q.id != focus):
    status = me.quiz_status(quiz)
    with st.container(border=True):
        st.markdown(f"#### {quiz.title}")
        facts = [t(f"kind.{quiz.kind}")]
        if quiz.opens or quiz.closes:
            facts.append(t("quizzes.window", opens=local_time(quiz.opens) or "…", closes=local_time(quiz.closes) or "…"))
        if quiz.time_limit:
            facts.append(t("quizzes.time_limit", d=duration_text(quiz.time_limit)))
        allowed = status.allowed if status.allowed is not None else "∞"
        facts.append(t("quizzes.attempts", used=status.used, allowed=allowed))
        if status.best_percent is not None:
            facts.append(t("quizzes.best", p=f"{status.best_percent:g}"))
        st.markdown(" · ".join(facts))
        if quiz.description:
            st.caption(quiz.description)
        if status.can_start:
            label = t("quizzes.resume") if status.code == "in_progress" else t("quizzes.start")
            if st.button(label, key=f"start:{quiz.id}", type="primary" if quiz.id == focus else "secondary"):
                attempt_id = None
                try:
                    with saving():
                        attempt_id = me.start_attempt(quiz)
                except QuizUnavailable as e:
                    st.error(str(e))
                if attempt_id:
                    st.switch_page("ui/pages/take.py", query_params={"attempt": attempt_id})
        else:
            st.info(t(f"quizzes.status.{status.code}"), icon=":material/info:")
