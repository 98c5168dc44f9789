"""The demo schools' care leadership groups (P-73): the principal heads it, the teacher of the first class reports
the data, the rest of the class teachers are members; 滨河小学 has not set one up (its page says so)."""

import datetime as dt

from django.utils import timezone

from tongxin.care.choices import PairingKind
from tongxin.care.models import ContactRecord, Pairing
from tongxin.care.org_models import GroupMember, GroupRole
from tongxin.care.rules import add_months, month_start
from tongxin.care.selectors.work import school_staff
from tongxin.care.work_rules import NEGLECT_MONTHS
from tongxin.orgs.models import School


def build_group_demo(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    since = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    rows = []
    for school in School.objects.order_by("code"):
        if school.name == "滨河小学":
            continue
        staff = school_staff(school)
        leaders = [pk for pk, duty in staff.items() if duty == "学校领导"]
        teachers = [pk for pk, duty in staff.items() if duty != "学校领导"]
        if not leaders:
            continue
        rows.append(GroupMember(school=school, user_id=leaders[0], role=GroupRole.HEAD, since=since))
        for i, pk in enumerate(teachers):
            rows.append(GroupMember(school=school, user_id=pk, role=GroupRole.DEPUTY if i == 0 else GroupRole.MEMBER,
                                    since=since))
    GroupMember.objects.bulk_create(rows)
    _one_neglect(today)
    return len(rows)


def _one_neglect(today: dt.date) -> None:
    """One proxy parent at 石门中心小学 who has not contacted a paired child for two whole months (the work sheet
    flags it for the one-vote veto)."""
    start = add_months(month_start(today), -NEGLECT_MONTHS)
    pairing = (Pairing.objects.filter(kind=PairingKind.PROXY_PARENT, end__isnull=True, start__lt=start,
                                      child__school__name="石门中心小学").order_by("-child__school_class__grade__year",
                                                                            "pk").first())
    if pairing is not None:
        ContactRecord.objects.filter(by_id=pairing.helper_id, child_id=pairing.child_id, day__gte=start).delete()
