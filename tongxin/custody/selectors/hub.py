"""The custody hub: what each person has to do or follow, gathered in one read."""

import datetime as dt

from django.db.models import QuerySet

from tongxin.orgs import scope
from tongxin.orgs.models import Role

from .. import permissions
from ..models import Alert, Application, Need, RosterShift
from .day import open_incidents
from .programmes import applications_for, open_programmes_for_parent
from .roster import my_shifts, shifts_to_answer
from .survey import open_surveys_for, surveys_overseen

ALERT_DAYS = 7  # alerts older than a week are past acting on; the programme's pages keep them
HUB_ALERTS = 5  # the hub shows the latest few alerts and their count; the rest are on the paged alert list
HUB_PROGRAMMES = 20  # programmes listed on the hub; a county's full list is on its overview


def my_alerts(user, today: dt.date) -> QuerySet:
    """Unhandled alerts addressed to this person (the leader on duty) in the last week."""
    return (Alert.objects.filter(notify=user, handled_at=None, date__gte=today - dt.timedelta(days=ALERT_DAYS))
            .select_related("programme").only("date", "kind", "message", "programme__name")
            .order_by("-date", "kind", "pk"))


def hub(user, today: dt.date) -> dict:
    roles = scope.roles(user)
    parent = Role.PARENT in roles
    alerts = my_alerts(user, today)
    return {
        "managed": permissions.managed_programmes(user).select_related("school", "community")[:HUB_PROGRAMMES],
        "overseen": permissions.overseen_programmes(user).select_related("school", "community")[:HUB_PROGRAMMES],
        "to_review": applications_for(user).filter(state=Application.State.SUBMITTED)
        if Role.CLASS_TEACHER in roles else [],
        "duty_today": my_shifts(user).filter(date=today, state=RosterShift.State.ACCEPTED)
        .select_related("programme", "group"),
        "to_accept": shifts_to_answer(user).select_related("programme", "group")[:20],
        "open_incidents": open_incidents(user)[:20],
        "my_alerts": alerts[:HUB_ALERTS],
        "alert_count": alerts.count(),
        "parent_rows": open_programmes_for_parent(user) if parent else [],
        "my_applications": Application.objects.filter(applicant=user).select_related("programme", "child")
        .prefetch_related("placements__period", "placements__group") if parent else [],
        "can_create": bool(roles & {Role.SCHOOL_LEADER, Role.COMMUNITY_WORKER, Role.ADMIN}),
        "open_surveys": open_surveys_for(user, today),
        "surveys": surveys_overseen(user)[:8],
        "county_view": permissions.has_overview(user),
        "today": today,
        "needs": Need.choices,
    }
