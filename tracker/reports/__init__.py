"""Leaders' reports: participation, assessment indicators (考核指标) with period locks (归档), item
analysis (试题分析). No streamlit here; aggregation runs in SQL, pandas only shapes the results.

Every public function takes the ``Tracker`` and the signed-in ``Account`` and checks the role itself:
leaders see every report; organizers see the participation, trend, heat-map and item reports of
the quizzes they run and of quizzes nobody runs (``quiz_owners``, set on the content page), and the
bureau-wide indicators; employees only their own figures (``my_indicator``); admins pass every check. Definitions are in docs/reports.md.

Modules: ``periods``, ``participation``, ``assessment`` (indicators and period locks), ``items``;
``common`` holds the role check, organizer scoping and query helpers.
"""

from __future__ import annotations

from tracker.reports.assessment import (
    DEPARTMENT_COLUMNS,
    EMPLOYEE_COLUMNS,
    assessment_indicators,
    department_indicators,
    lock_log,
    lock_period,
    my_indicator,
    period_lock,
    period_quizzes,
    unlock_period,
)
from tracker.reports.common import DEFAULT_TARGET, DEFAULT_WEIGHTS, REPORT_ROLES, TOTAL, PeriodLocked
from tracker.reports.items import DISCRIMINATION_METHOD, ITEM_COLUMNS, UPPER_LOWER, item_analysis
from tracker.reports.outputs import (
    ReportOutput,
    assessment_output,
    hours_requirement_output,
    items_output,
    participation_output,
)
from tracker.reports.participation import (
    event_attendance,
    non_participants,
    participation_report,
    participation_trend,
    score_matrix,
)
from tracker.reports.periods import (
    Period,
    as_period,
    current_period,
    date_period,
    month_period,
    parse_period,
    quarter_period,
    year_period,
)
from tracker.reports.teams import learning_team_pack, learning_teams

__all__ = [
    "DEFAULT_TARGET",
    "DEFAULT_WEIGHTS",
    "DEPARTMENT_COLUMNS",
    "DISCRIMINATION_METHOD",
    "EMPLOYEE_COLUMNS",
    "ITEM_COLUMNS",
    "REPORT_ROLES",
    "TOTAL",
    "UPPER_LOWER",
    "Period",
    "ReportOutput",
    "PeriodLocked",
    "as_period",
    "assessment_indicators",
    "assessment_output",
    "current_period",
    "date_period",
    "department_indicators",
    "event_attendance",
    "hours_requirement_output",
    "item_analysis",
    "items_output",
    "learning_team_pack",
    "learning_teams",
    "lock_log",
    "lock_period",
    "month_period",
    "my_indicator",
    "non_participants",
    "parse_period",
    "participation_output",
    "participation_report",
    "participation_trend",
    "period_lock",
    "period_quizzes",
    "quarter_period",
    "score_matrix",
    "unlock_period",
    "year_period",
]
