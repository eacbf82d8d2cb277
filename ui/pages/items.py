"""试题分析 (leaders, organizers): facility, discrimination and option shares per question."""

import streamlit as st

from tracker.reports import item_analysis
from ui.auth import access
from ui.export import DECIMAL_COLUMNS, PERCENT_COLUMNS, header
from ui.report_widgets import downloads
from ui.state import catalog, t

me = access()
me.require("leader", "organizer")
cat = catalog()
st.title(t("items.title"))
source = st.radio(t("items.source"), ["quiz", "bank"], format_func=lambda s: t(f"items.{s}"), horizontal=True)
if source == "quiz":
    chosen = st.selectbox(t("part.quiz"), list(cat.quizzes), format_func=lambda q: cat.quizzes[q].title)
    table = item_analysis(me.tracker, me.account, quiz_id=chosen)
else:
    chosen = st.selectbox(t("items.bank"), list(cat.banks), format_func=lambda b: cat.banks[b].title)
    table = item_analysis(me.tracker, me.account, bank_id=chosen)
method = t("items.method_name")  # the library's DISCRIMINATION_METHOD, in words of the current language
st.caption(t("items.method", method=method))
if table.empty:
    st.info(t("items.none"))
    st.stop()


def flag(row):
    bad = row.get("negative_discrimination") or row.get("too_hard") or row.get("too_easy")
    return ["background-color: #fbe3e0" if bad else "" for _ in row]


formats = {c: "{:.1%}" for c in table.columns if c in PERCENT_COLUMNS} | {
    c: "{:.2f}" for c in table.columns if c in DECIMAL_COLUMNS
}
st.dataframe(  # Chinese headers by column_config (st.dataframe ignores a Styler's relabelled headers)
    table.style.apply(flag, axis=1).format(formats, na_rep="—"),
    column_config={c: st.column_config.Column(header(c)) for c in table.columns},
    hide_index=True,
    width="stretch",
)
downloads(
    {t("items.title"): table},
    {t("items.source"): t(f"items.{source}"), t("part.quiz"): chosen, t("items.method_label"): method},
    f"items-{chosen}",
    "items",
)
