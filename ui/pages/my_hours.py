"""我的学时: one's 学时 ledger of a year with every credit and its source; 培训档案, 学时证明, 结业证书."""

import streamlit as st

from quizzes.fields import SHANGHAI, utcnow
from tracker.certificates import FontMissing
from tracker.errors import EventRefused
from tracker.export import format_hours
from ui.auth import access
from ui.event_widgets import ledger_table
from ui.state import catalog, t
from ui.widgets import file_name

me = access()
cat = catalog()
this_year = utcnow().astimezone(SHANGHAI).year
st.title(t("hours.title"))
year = st.selectbox(t("hours.year"), [this_year, this_year - 1, this_year - 2], key="year")
book = me.my_hours(cat, year)
cols = st.columns(3)
cols[0].metric(t("hours.total"), format_hours(book.total))
cols[1].metric(t("hours.required"), format_hours(book.required))
cols[2].metric(t("hours.missing"), format_hours(book.missing))
if book.met:
    st.success(t("hours.met", year=year))
st.progress(min(1.0, book.total / book.required) if book.required else 1.0)
by_kind = book.by_kind
st.caption(" · ".join(t(f"hours.kind.{k}") + f" {format_hours(v)}" for k, v in by_kind.items()))
ledger_table(book)

st.subheader(t("hours.exports"))
st.download_button(
    t("hours.record_xlsx"),
    me.training_record(cat, years=[year]),
    file_name=file_name("file.training_record", ".xlsx", year=year),
    key="record",
)
try:
    st.download_button(
        t("hours.certificate_pdf"),
        me.hours_certificate(cat, None, year),
        file_name=file_name("file.hours_certificate", ".pdf", year=year),
        key="cert",
    )
    for event in cat.events.values():
        if event.kind != "training":
            continue
        try:
            pdf = me.completion_certificate(cat, event)
        except EventRefused:
            continue
        st.download_button(
            t("hours.completion_pdf", title=event.title),
            pdf,
            file_name=file_name("file.completion", ".pdf", title=event.title),
            key=f"done:{event.id}",
        )
except FontMissing:
    st.warning(t("hours.no_font"))
