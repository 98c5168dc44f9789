"""Writes of the custody line. Each is one transaction that checks who may do it and writes its audit entry.

One module per stage of a programme's life; callers use `services.<name>` for all of them.
"""

from ..selectors import eligibility_problem
from ._common import LIVE, period_days
from .applications import apply, class_review, organiser_decision, priority_of
from .daily import (
    authorised_pickups,
    check_in,
    check_in_by_code,
    check_out,
    handle_alert,
    leader_on_duty,
    mark_absent,
    record_health_check,
    record_incident,
    scan_alerts,
)
from .evaluation import submit_evaluation
from .fees import EXEMPTION_ELIGIBLE, decide_exemption, request_exemption
from .placement import place_late_application, run_placement, withdraw
from .programmes import (
    DEFAULT_DAY,
    add_group,
    add_period,
    borrow_venue,
    create_programme,
    save_timetable,
    update_programme,
    validate_timetable,
)
from .roster import add_shift, remove_shift, sign_shift
from .survey import answer_survey, offer_to_serve, open_survey, report_survey

__all__ = [
    "DEFAULT_DAY", "EXEMPTION_ELIGIBLE", "LIVE", "add_group", "answer_survey", "offer_to_serve", "open_survey", "report_survey", "add_period", "add_shift", "apply", "authorised_pickups", "borrow_venue",
    "check_in", "check_in_by_code", "check_out", "class_review", "create_programme", "decide_exemption",
    "eligibility_problem", "handle_alert", "leader_on_duty", "mark_absent", "organiser_decision", "period_days",
    "place_late_application", "priority_of", "record_health_check", "record_incident", "remove_shift",
    "request_exemption", "run_placement", "save_timetable", "scan_alerts", "sign_shift", "submit_evaluation",
    "update_programme", "validate_timetable", "withdraw",
]
