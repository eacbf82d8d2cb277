"""德的考核 (leaders; organizers read): the 德 score and grade per employee with every input beside
it, 优秀 quota warnings, and the leaders' 民主测评 scores (form or xlsx) and 一票否决 vetoes."""

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from tracker.moral import MoralEntryError, rule_of
from tracker.reports import ReportOutput
from ui.auth import access
from ui.report_widgets import column_config, downloads, header, period_picker
from ui.state import catalog, saving, t
from ui.widgets import local_time

COLUMNS = [
    "employee_id", "name", "department", "team", "lesson_score", "quiz_score", "competition_score", "indicator",
    "democratic_score", "democratic_weight", "veto", "veto_reason", "veto_reference", "de_score", "grade",
]  # fmt: skip
ERRORS = {
    "not_number": "de.err.not_number",
    "out_of_range": "de.err.out_of_range",
    "no_id": "de.err.no_id",
    "unknown_id": "de.err.unknown_id",
    "no_header": "de.err.no_header",
    "not_workbook": "de.err.not_workbook",
    "empty": "de.err.empty",
    "required": "de.err.required",
}


def show_problems(e: MoralEntryError) -> None:
    lines = list(dict.fromkeys(t(ERRORS[code], row=row, value=value) for code, row, value in e.details))
    st.error("\n".join([t("de.nothing_imported"), *(f"- {x}" for x in lines)]))


me = access()
me.require("leader", "organizer")
cat = catalog()
rule = rule_of(cat)
st.title(t("de.title"))
veto = t("de.veto.fail") if rule.veto == "fail" else t("de.veto.cap", cap=f"{rule.veto_cap:g}")
b = rule.bands
st.caption(
    t("de.rules", i=f"{1 - rule.democratic_weight:g}", w=f"{rule.democratic_weight:g}", veto=veto, e=f"{b.excellent:g}", q=f"{b.qualified:g}", b=f"{b.basic:g}")
)  # fmt: skip
period = period_picker(cat.assessment.period if cat.assessment else "quarter", key="de")
table = me.moral_table(cat, period)
lock = table.attrs.get("locked")
if lock:
    st.info(t("de.locked", by=lock["locked_by"], at=local_time(lock["locked_at"])), icon=":material/lock:")
for w in table.attrs.get("quota", []):
    st.warning(t("de.quota", unit=w.unit, n=w.excellent, heads=w.headcount, share=f"{w.share:.0%}", allowed=w.allowed))
view = table[[c for c in COLUMNS if c in table.columns]].copy()
view.attrs.clear()  # the lock and quota are shown above; the browser gets the table alone
shown = view.copy()  # on screen a missing 民主测评 is "—" (Streamlit would write None); the export keeps numbers
shown["democratic_score"] = ["—" if pd.isna(x) else f"{x:g}" for x in view["democratic_score"]]
config = column_config(shown) | {"democratic_score": st.column_config.TextColumn(header("democratic_score"))}
st.dataframe(shown, column_config=config, hide_index=True, width="stretch")
people = {r.employee_id: f"{r.employee_id} {r.name}" for r in view.itertuples()}
if people:
    pick = st.selectbox(t("de.detail"), list(people), format_func=people.get, key="de_detail")
    row = view.set_index("employee_id").loc[pick]
    demo = "—" if pd.isna(row["democratic_score"]) else f"{row['democratic_score']:g}"
    veto_text = (
        t("de.detail_veto", reason=row["veto_reason"], ref=row["veto_reference"]) if row["veto"] else t("de.detail_no_veto")
    )
    st.markdown(
        t("de.detail_line", ind=f"{row['indicator']:g}", demo=demo, w=f"{row['democratic_weight']:.0%}", veto=veto_text,
          score=f"{row['de_score']:g}", grade=row["grade"])
    )  # fmt: skip
log = me.veto_log(period.key)
downloads(ReportOutput(f"de-{period.key}", {t("de.title"): view, t("de.log"): log}, {t("report.period"): period.key}), "de")

if me.account.role in ("leader", "admin") and not lock:
    left, right = st.columns(2)
    with left.form("de_score"):
        st.subheader(t("de.enter"))
        who = st.selectbox(t("de.employee"), list(people), format_func=people.get, key="de_who")
        score = st.number_input(t("de.score"), min_value=0.0, max_value=100.0, value=85.0, step=0.5, key="de_value")
        if st.form_submit_button(t("de.save"), type="primary"):
            with saving():
                saved = me.set_democratic_score(period.key, who, score)
                st.success(t("de.saved", name=people[who], score=f"{saved:g}"))
                st.rerun()
    with right.form("de_veto"):
        st.subheader(t("de.veto_add"))
        target = st.selectbox(t("de.employee"), list(people), format_func=people.get, key="veto_who")
        reason = st.text_input(t("de.veto_reason"), max_chars=200, key="veto_reason")
        reference = st.text_input(t("de.veto_reference"), max_chars=200, key="veto_reference")
        if st.form_submit_button(t("de.veto_save")):
            try:
                with saving():
                    me.add_veto(period.key, target, reason, reference)
                    st.rerun()
            except MoralEntryError:
                st.error(t("de.err.required"))
    st.subheader(t("de.import"))
    st.caption(t("de.import_help"))
    upload = st.file_uploader(t("de.import"), type=["xlsx"], key="de_upload", label_visibility="collapsed")
    if upload is not None and st.button(t("de.import_go"), key="de_import"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            try:
                with saving():
                    n = me.import_democratic_scores(period.key, path)
                    st.success(t("de.imported", n=n))
            except MoralEntryError as e:
                show_problems(e)
    in_force = log[log["withdrawn_at"].isna()] if len(log) else log
    if len(in_force):
        with st.form("de_withdraw"):
            st.subheader(t("de.veto_withdraw"))
            labels = {int(r.veto_id): f"{people.get(r.employee_id, r.employee_id)} · {r.reason}" for r in in_force.itertuples()}
            which = st.selectbox(t("de.veto_which"), list(labels), format_func=labels.get)
            why = st.text_input(t("de.withdraw_reason"), max_chars=200)
            if st.form_submit_button(t("de.withdraw_go")):
                try:
                    with saving():
                        me.withdraw_veto(which, why)
                        st.rerun()
                except MoralEntryError:
                    st.error(t("de.err.required"))
if len(log):
    st.subheader(t("de.log"))
    st.dataframe(log.astype(object).where(log.notna(), ""), column_config=column_config(log), hide_index=True, width="stretch")
