"""Reads of the custody line: bills, roster gaps, workload, the day's roll, summaries, surveys. Scope first.

One module per area; callers use `selectors.<name>`. Selectors never import services."""

from .day import (
    CheckFlag,
    DutyDay,
    RollRow,
    duty_day,
    health_check_gaps,
    illness_follow_ups,
    open_incidents,
    todays_roll,
)
from .fees import BillRow, _bills, bill_for, fee_report, hardship_certificates, pending_exemptions
from .hub import hub, my_alerts
from .programmes import (
    ParentOffer,
    ProgrammeOverview,
    VenueRow,
    applications_for,
    eligibility_problem,
    live_application,
    open_programmes_for_parent,
    organiser_choices,
    period_days,
    periods_days,
    placement_board,
    programme_overview,
    venues_to_borrow,
)
from .reports import (
    OUTCOMES,
    AreaOverview,
    Figures,
    Summary,
    area_overview,
    figures_as_of,
    figures_data,
    figures_due,
    overview_unit,
    programme_figures,
    programme_summary,
    satisfaction,
)
from .roster import (
    DayRoster,
    GroupGap,
    SignedDuty,
    leader_on_duty,
    month_window,
    my_shifts,
    roster,
    shifts_to_answer,
    sign_ups_to_decide,
    signed_duties,
    upcoming_counts,
    workload,
)
from .survey import (
    OpenSurvey,
    SurveyFigures,
    may_offer_to_serve,
    open_surveys_for,
    organises_survey,
    survey_children,
    survey_figures,
    surveys_overseen,
)

__all__ = [
    "BillRow", "CheckFlag", "DayRoster", "DutyDay", "GroupGap", "OUTCOMES", "OpenSurvey", "ParentOffer",
    "ProgrammeOverview", "RollRow", "Summary", "SurveyFigures", "VenueRow", "_bills", "applications_for",
    "bill_for", "duty_day", "eligibility_problem", "fee_report", "hardship_certificates",
    "health_check_gaps", "hub", "my_alerts", "illness_follow_ups", "leader_on_duty", "live_application", "may_offer_to_serve", "month_window", "my_shifts",
    "open_incidents", "open_programmes_for_parent", "open_surveys_for", "organiser_choices", "organises_survey",
    "overview_unit", "pending_exemptions", "period_days", "placement_board", "programme_overview", "programme_summary", "roster", "satisfaction",
    "shifts_to_answer", "sign_ups_to_decide", "survey_children", "survey_figures", "surveys_overseen",
    "todays_roll", "venues_to_borrow", "workload", "SignedDuty", "signed_duties", "upcoming_counts",
    "AreaOverview", "Figures", "area_overview", "figures_as_of", "figures_data", "figures_due", "periods_days", "programme_figures",
]
