"""Writing tables as CSV (UTF-8 with BOM for files) or Excel; no streamlit here."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def write_table(df: pd.DataFrame, fmt: str, output: Path | None, meta: dict[str, str]) -> str | None:
    """Write ``df`` as csv or xlsx to ``output``; return the CSV text when there is no output."""
    safe = df.map(neutralise)
    if fmt == "csv":
        if output is None:
            return safe.to_csv(index=False)
        safe.to_csv(output, index=False, encoding="utf-8-sig")
        return None
    with pd.ExcelWriter(output, engine="openpyxl") as writer:
        safe.to_excel(writer, sheet_name="report", index=False)
        pd.DataFrame({"key": list(meta), "value": list(meta.values())}).to_excel(writer, sheet_name="filters", index=False)
        ws = writer.sheets["report"]
        ws.freeze_panes = "A2"
    return None
