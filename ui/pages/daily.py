"""每日一练: today's short set, one question at a time with the answer at once; streak and calendar."""

import streamlit as st

from tracker.errors import AttemptClosed
from ui.auth import access
from ui.daily_widgets import month_grid
from ui.state import catalog, saving, t
from ui.widgets import is_answered, question_header, question_input, review

me = access()
cat = catalog()
st.title(t("daily.title"))
today = me.daily_today(cat)
cal = me.daily_calendar(cat, today.day.year, today.day.month)

c1, c2, c3 = st.columns(3)
c1.metric(t("daily.streak"), t("daily.streak_days", n=today.streak))
c2.metric(t("daily.progress"), f"{today.answered}/{len(today.questions)}" if today.questions else "—")
c3.metric(t("daily.month_done"), t("daily.streak_days", n=cal["days_done"]))

if today.set is None:
    st.info(t("daily.none"))
elif not today.scheduled and not today.questions:
    st.info(t("daily.off_today"))
else:
    if today.finished:  # the outcome first, the questions with their answers below
        right = sum(1 for r in today.results.values() if r.correct)
        st.success(t("daily.finished", right=right, total=len(today.questions)), icon=":material/celebration:")
        if today.flagged:
            st.warning(t("daily.flagged"))
    else:
        st.caption(t("daily.intro", n=len(today.questions)))
    if not today.set.points:
        st.caption(t("daily.no_points"))
    drafts = st.session_state.setdefault(f"daily:{today.day}", {})
    for q in today.questions:
        with st.container(border=True):
            result = today.results.get(q.key)
            if result is not None:
                review(result, q.number, today.orders[q.key])
                continue
            question_header(q)
            question_input(q, f"daily:{today.day}:{q.key}", drafts.get(q.key), drafts.__setitem__)
            if st.button(t("daily.submit"), key=f"submit:{q.key}", type="primary"):
                if not is_answered(q, drafts.get(q.key)):
                    st.warning(t("daily.pick_first"))
                else:
                    try:
                        with saving():
                            me.answer_daily(q.key, drafts[q.key])
                            st.rerun()
                    except AttemptClosed:  # answered in another tab, or the day is over: show what is now
                        st.rerun()
            break  # one open question at a time: the next shows once this one is answered

st.subheader(t("daily.calendar", year=today.day.year, month=today.day.month))
month_grid(cal["weeks"])
st.caption(f"{t('daily.longest')}: {t('daily.streak_days', n=cal['longest'])}")
