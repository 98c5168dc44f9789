"""Custody pages. Thin: read the form, call one service or selector, show the result."""

from .applications import applications, placement, review
from .fees import fees, request_exemption
from .incidents import incident_close, incidents
from .parents import apply, evaluate, qr, withdraw
from .partners import (
    accounts,
    accounts_xlsx,
    bookings,
    guests,
    income_edit,
    partner,
    partner_edit,
    partners,
    spending_edit,
    venue_edit,
)
from .programmes import alerts, hub, programme, programme_edit, programme_new
from .reports import county, county_xlsx, report, report_xlsx
from .roster import roster, workload_xlsx
from .survey import survey, survey_answer, survey_new, survey_offer, survey_xlsx
from .timetable import timetable
from .today import incident, today, today_action

__all__ = [
    "accounts", "accounts_xlsx", "bookings", "guests", "income_edit", "partner", "partner_edit", "partners",
    "spending_edit", "venue_edit",
    "alerts", "applications", "apply", "county", "county_xlsx", "evaluate", "fees", "hub", "incident", "incident_close",
    "incidents", "placement", "programme", "programme_edit", "programme_new", "qr", "report", "report_xlsx",
    "request_exemption", "review", "roster", "survey", "survey_answer", "survey_new", "survey_offer", "survey_xlsx",
    "timetable", "today", "today_action", "withdraw", "workload_xlsx",
]
