"""Widgets shared by the report pages: the period picker and the download buttons."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from quizzes.fields import SHANGHAI
from tracker.export import DECIMAL_COLUMNS, HOURS_COLUMNS, PERCENT_COLUMNS, to_csv_bytes, to_xlsx_bytes
from tracker.export import header as _header
from tracker.reports import Period, ReportOutput, date_period, month_period, quarter_period, year_period
from ui.state import lang, t

KINDS = ("month", "quarter", "year", "dates")


def period_picker(default: str = "quarter", key: str = "period") -> Period:
    """Month, quarter, year or explicit dates (Asia/Shanghai), defaulting to the current one."""
    today = dt.datetime.now(SHANGHAI).date()
    cols = st.columns([2, 2, 2])
    kind = cols[0].selectbox(
        t("period.kind"),
        KINDS,
        index=KINDS.index(default) if default in KINDS else 1,
        format_func=lambda k: t(f"period.{k}"),
        key=f"{key}:kind",
    )
    if kind == "dates":
        start = cols[1].date_input(t("period.from"), today.replace(month=1, day=1), key=f"{key}:from")
        end = cols[2].date_input(t("period.to"), today, key=f"{key}:to")
        if end < start:
            st.error(t("period.bad"))
            st.stop()
        return date_period(start, end)
    years = list(range(today.year, today.year - 6, -1))
    year = cols[1].selectbox(t("period.year"), years, key=f"{key}:year")
    if kind == "year":
        return year_period(year)
    if kind == "quarter":
        q = cols[2].selectbox(
            t("period.quarter"), [1, 2, 3, 4], index=(today.month - 1) // 3, key=f"{key}:q", format_func=lambda n: f"Q{n}"
        )
        return quarter_period(year, q)
    m = cols[2].selectbox(t("period.month"), list(range(1, 13)), index=today.month - 1, key=f"{key}:m")
    return month_period(year, m)


def header(column: object) -> str:
    """A report column's header in the page's language."""
    return _header(column, lang())


def chinese(df: pd.DataFrame) -> pd.DataFrame:
    """The same table with the export's Chinese column headers (for display)."""
    return df.rename(columns={c: header(c) for c in df.columns})


def column_config(df: pd.DataFrame) -> dict:
    """Chinese headers and number formats applied in the browser (cheap for thousands of rows,
    unlike a pandas Styler, which renders every cell on the server)."""
    config = {}
    for c in df.columns:
        if df[c].dtype == object:  # already text (``with_dashes``): the header only
            config[c] = st.column_config.Column(header(c))
        elif c in PERCENT_COLUMNS:
            config[c] = st.column_config.NumberColumn(header(c), format="percent")
        elif c in DECIMAL_COLUMNS:
            config[c] = st.column_config.NumberColumn(header(c), format="%.2f")
        elif c in HOURS_COLUMNS:
            config[c] = st.column_config.NumberColumn(header(c), format="%.1f")
        else:
            config[c] = st.column_config.Column(header(c))
    return config


def with_dashes(df: pd.DataFrame) -> pd.DataFrame:
    """The table as shown: a column with missing values gets them as "—" (Streamlit would write
    the English "None"), its numbers formatted as ``column_config`` would (percent, two decimals)."""
    out = df.copy()
    for c in df.columns:
        if not df[c].isna().any():
            continue
        if c in PERCENT_COLUMNS:
            out[c] = ["—" if pd.isna(v) else f"{v:.1%}" for v in df[c]]
        elif c in DECIMAL_COLUMNS:
            out[c] = ["—" if pd.isna(v) else f"{v:.2f}" for v in df[c]]
        elif c in HOURS_COLUMNS:
            out[c] = ["—" if pd.isna(v) else f"{v:.1f}" for v in df[c]]
        else:
            out[c] = ["—" if v is None or (isinstance(v, float) and pd.isna(v)) else v for v in df[c]]
    return out


def narrow_table(df: pd.DataFrame, columns: list[str], key: str) -> None:
    """The few columns of ``df`` that fit a phone's width, shown on narrow screens only; the full table
    (drawn by the caller inside ``wide(key)``) on wider ones. Both are drawn; CSS shows one."""
    keep = [c for c in columns if c in df.columns]
    with st.container(key=f"narrow-{key}"):
        st.caption(t("report.narrow"))
        st.dataframe(df[keep], column_config=column_config(df[keep]), hide_index=True, width="stretch")


def wide(key: str):
    """The container of a table shown on screens wider than a phone (see ``narrow_table``)."""
    return st.container(key=f"wide-{key}")


def download_name(out: ReportOutput, suffix: str) -> str:
    """A file name in the user's language: the main sheet's name (the library names it in the report's
    language) and the rest of the report's stem (period, grouping), e.g. 考核指标-2026Q4-按人员.xlsx."""
    words = {
        "employee": t("assess.by.employee"),
        "department": t("assess.by.department"),
        "team": t("part.by.team"),
    }
    head = next(iter(out.tables), "") or out.name
    rest = [words.get(part, part) for part in out.name.split("-")[1:]]
    stem = "-".join([head, *rest]).replace("/", "-").replace("\\", "-")
    return f"{stem}.{suffix}"


def downloads(out: ReportOutput, key: str) -> None:
    """Excel (every table of the report, and its notes) and CSV (the main table) download buttons:
    the same files as ``mingde report … --format xlsx|csv``."""
    c1, c2 = st.columns(2)
    # The files are built only when a button is clicked, not on every rerun of the page.
    c1.download_button(
        t("report.xlsx"),
        lambda: to_xlsx_bytes(out.tables, out.notes, lang()),
        file_name=download_name(out, "xlsx"),
        key=f"{key}:xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )
    c2.download_button(
        t("report.csv"),
        lambda: to_csv_bytes(out.main, lang()),
        file_name=download_name(out, "csv"),
        key=f"{key}:csv",
        mime="text/csv",
        on_click="ignore",
    )


def xlsx_download(out: ReportOutput, key: str, label: str) -> None:
    """One Excel download of every table of the report and its notes (``mingde report … --format xlsx``)."""
    st.download_button(
        label,
        lambda: to_xlsx_bytes(out.tables, out.notes, lang()),
        file_name=download_name(out, "xlsx"),
        key=f"{key}:xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        type="primary",
        icon=":material/download:",
    )
