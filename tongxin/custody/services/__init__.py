"""Writes of the custody line. Each is one transaction that checks who may do it and writes its audit entry.

One module per stage of a programme's life; callers use `services.<name>` for all of them.
"""

from ..selectors import eligibility_problem
from ._common import LIVE, period_days
from .applications import apply, class_review, organiser_decision, priority_of
from .daily import (
    OUTSIDER_REFUSAL,
    authorised_pickups,
    check_in,
    check_in_by_code,
    check_out,
    close_incident,
    handle_alert,
    leader_on_duty,
    mark_absent,
    record_follow_up,
    record_health_check,
    record_incident,
    scan_alerts,
)
from .evaluation import submit_evaluation
from .fees import (
    EXEMPTION_ELIGIBLE,
    certify_hardship,
    decide_exemption,
    hardship_facts,
    request_exemption,
    waive_as_of_right,
)
from .figures import refresh_figures
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
from .roster import (
    add_shift,
    answer_shift,
    custody_days,
    days_without_leader,
    decide_sign_up,
    publish_roster,
    remove_shift,
    sign_shift,
)
from .survey import answer_survey, offer_to_serve, open_survey, report_survey

__all__ = [
    "DEFAULT_DAY", "EXEMPTION_ELIGIBLE", "LIVE", "OUTSIDER_REFUSAL", "add_group", "add_period", "add_shift",
    "answer_shift", "answer_survey", "apply", "authorised_pickups", "borrow_venue", "certify_hardship", "check_in",
    "check_in_by_code", "check_out", "class_review", "close_incident", "create_programme", "custody_days",
    "days_without_leader", "decide_exemption", "decide_sign_up", "eligibility_problem", "handle_alert",
    "hardship_facts", "leader_on_duty", "mark_absent", "offer_to_serve", "open_survey", "organiser_decision",
    "period_days", "place_late_application", "priority_of", "publish_roster", "record_follow_up",
    "record_health_check", "record_incident", "refresh_figures", "remove_shift", "report_survey", "request_exemption", "run_placement",
    "save_timetable", "scan_alerts", "sign_shift", "submit_evaluation", "update_programme", "validate_timetable",
    "waive_as_of_right", "withdraw"
]
