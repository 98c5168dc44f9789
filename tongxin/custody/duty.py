"""Custody's duty rule, registered with `orgs.scope`: who works with which children on a custody day.

A rostered volunteer works with the children placed in the group of their shift, on that day only; a volunteer
shift without a group gives no children (the organiser assigns the group). A rostered teacher or the leader on
duty works with every child placed in the programme that day.
"""

import datetime as dt

from django.db.models import Q

from tongxin.orgs import scope

from .models import Placement, RosterShift


def custody_duty(user, prefix: str, day: dt.date) -> Q:
    shifts = RosterShift.objects.filter(staff=user, date=day, state=RosterShift.State.ACCEPTED)  # C-02: accepted only
    placed_today = Placement.objects.filter(state=Placement.State.PLACED, period__start__lte=day, period__end__gte=day)
    children = placed_today.filter(
        Q(group_id__in=shifts.filter(duty=RosterShift.Duty.VOLUNTEER, group__isnull=False).values("group_id"))
        | Q(period__programme_id__in=shifts.exclude(duty=RosterShift.Duty.VOLUNTEER).values("programme_id"))
    ).values("child_id")
    return Q(**{f"{prefix}pk__in": children})


def register() -> None:
    scope.register_duty_provider(custody_duty)
