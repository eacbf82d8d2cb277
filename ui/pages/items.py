"""试题分析 (leaders, organizers): facility, discrimination and option shares per question."""

import streamlit as st

from tracker.export import DECIMAL_COLUMNS, PERCENT_COLUMNS
from ui.auth import access
from ui.report_widgets import downloads, header
from ui.state import catalog, lang, t

me = access()
me.require("leader", "organizer")
cat = catalog()
st.title(t("items.title"))
source = st.radio(t("items.source"), ["quiz", "bank"], format_func=lambda s: t(f"items.{s}"), horizontal=True)
if source == "quiz":
    chosen = st.selectbox(t("part.quiz"), list(cat.quizzes), format_func=lambda q: cat.quizzes[q].title)
    out = me.items_output(quiz_id=chosen, catalog=cat, lang=lang())
else:
    chosen = st.selectbox(t("items.bank"), list(cat.banks), format_func=lambda b: cat.banks[b].title)
    out = me.items_output(bank_id=chosen, catalog=cat, lang=lang())
table = out.main
if "type" in table.columns:  # question types by name (单选题 …), never the ids
    table = table.assign(type=[t(f"qtype.{v}") if v else "" for v in table["type"]])
st.caption(t("items.method", method=t("items.method.text")))
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
downloads(out, "items")
