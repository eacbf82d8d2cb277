"""积分排行: people, 班组 and departments by learning points (units per head of the active roster);
leaders archive a period's points."""

import streamlit as st

from quizzes.errors import MingdeError
from tracker import StorageUnavailable
from tracker.points import PointsLocked
from tracker.reports import ReportOutput
from ui.auth import access
from ui.report_widgets import column_config, downloads, period_picker
from ui.state import catalog, storage_error, t
from ui.widgets import local_time

me = access()
cat = catalog()
st.title(t("ranking.title"))
period = period_picker("month", key="ranking")
BY = {"employee": "ranking.by.employee", "team": "ranking.by.team", "department": "ranking.by.department"}
by = st.radio(t("ranking.by"), list(BY), format_func=lambda b: t(BY[b]), horizontal=True)
table = me.points_ranking(cat, period, by)
lock = table.attrs.get("locked")
if lock:
    st.info(t("ranking.locked", by=lock["locked_by"], at=local_time(lock["locked_at"])), icon=":material/lock:")
if by != "employee":
    st.caption(t("ranking.how"))
if table.empty:
    st.info(t("ranking.empty"))
else:
    st.dataframe(table, column_config=column_config(table), hide_index=True, width="stretch")
    if me.account.role in ("leader", "organizer", "admin"):
        downloads(
            ReportOutput(f"points-{period.key}-{by}", {t("ranking.title"): table}, {t("report.period"): period.key}), "ranking"
        )

if me.account.role in ("leader", "admin"):
    st.subheader(t("ranking.archive"))
    reason = st.text_input(t("ranking.reason"), key="points_reason", max_chars=200)
    try:
        if lock is None and st.button(t("ranking.lock"), key="lock_points"):
            me.lock_points(cat, period, reason=reason or None)
            st.rerun()
        if lock is not None and st.button(t("ranking.unlock"), key="unlock_points"):
            me.unlock_points(period, reason=reason or None)
            st.rerun()
    except StorageUnavailable as e:
        storage_error(e)
    except (MingdeError, PointsLocked) as e:
        st.error(str(e))
