"""Preview as an employee (organizers, ``?quiz=ID``): take a quiz or a draft; nothing is recorded."""

import secrets

import streamlit as st

from ui.auth import access
from ui.state import catalog, t
from ui.widgets import question_header, question_input, review

me = access()
me.require("organizer")
quiz_id = st.query_params.get("quiz", "")
quiz = catalog().quizzes.get(quiz_id)
if quiz is None:
    st.error(t("pv.not_found"))
    st.page_link("ui/pages/quiz_builder.py", label=t("pv.back"), icon=":material/arrow_back:", query_params={"quiz": quiz_id})
    st.stop()

seed_key, answers_key, done_key = f"pv:seed:{quiz_id}", f"pv:answers:{quiz_id}", f"pv:done:{quiz_id}"
seed = st.session_state.setdefault(seed_key, secrets.randbits(31))
answers = st.session_state.setdefault(answers_key, {})

st.title(quiz.title)
st.info(t("pv.banner"), icon=":material/visibility:")
if quiz.status != "published":
    st.caption(t("pv.draft"))


def restart() -> None:
    for key in (seed_key, answers_key, done_key):
        st.session_state.pop(key, None)


if st.session_state.get(done_key):
    grade = me.preview_grade(quiz, seed, answers)
    st.metric(t("result.score"), f"{grade.score:g} / {grade.max_score:g}")
    st.markdown(f"{t('result.percent')}: {grade.percent:g}% · {t('result.passed') if grade.passed else t('result.failed')}")
    orders = {pq.key: pq.order for pq in me.preview_paper(quiz, seed).questions}
    for n, result in enumerate(grade.results, start=1):
        with st.container(border=True):
            review(result, n, orders[result.key])
    st.button(t("pv.again"), on_click=restart, key="pv:again")
    st.page_link("ui/pages/quiz_builder.py", label=t("pv.back"), icon=":material/arrow_back:", query_params={"quiz": quiz_id})
    st.stop()


def keep(key, value) -> None:
    answers[key] = value


for q in me.preview_questions(quiz, seed):
    with st.container(border=True):
        question_header(q)
        question_input(q, f"pv:{quiz_id}:{seed}:{q.key}", answers.get(q.key), keep)
if st.button(t("pv.submit"), type="primary", key="pv:submit"):
    st.session_state[done_key] = True
    st.rerun()
st.page_link("ui/pages/quiz_builder.py", label=t("pv.back"), icon=":material/arrow_back:", query_params={"quiz": quiz_id})
