"""The demo county's holiday handovers (P-27): last summer's from every school, received by the villages but one
list in 石门乡 never confirmed; this winter's from 石门中心小学 already handed over, part received.

Written through the services with the dates passed in."""

import datetime as dt

from django.utils import timezone

from tongxin.care.handover_models import HandoverList, Holiday
from tongxin.care.services import handovers as svc
from tongxin.orgs.models import Role, School, User


def _worker(community_id: int) -> User | None:
    return (User.objects.filter(assignments__role=Role.COMMUNITY_WORKER, assignments__region_id=community_id)
            .order_by("pk").first())


def build_handovers_demo(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    summer = dt.date(today.year if today.month > 7 else today.year - 1, 7, 4)
    made = 0
    for school in School.objects.order_by("code"):
        leader = (User.objects.filter(assignments__role=Role.SCHOOL_LEADER, assignments__school=school)
                  .order_by("pk").first())
        if leader is None:
            continue
        found = svc.handover_create(leader, school_id=school.pk, holiday=Holiday.SUMMER, year=summer.year,
                                    holiday_start=summer, school_start=dt.date(summer.year, 9, 1),
                                    today=summer - dt.timedelta(days=10))
        made += 1
        for i, handover in enumerate(HandoverList.objects.filter(round=found).order_by("community__path")):
            worker = _worker(handover.community_id)
            if worker is None or (school.name == "石门中心小学" and handover.community.name == "枫树坪村"):
                continue
            svc.handover_receive(worker, handover, note="已转交各村民小组长" if i % 2 else "",
                                 now=timezone.make_aware(dt.datetime.combine(summer - dt.timedelta(days=3 - i % 3),
                                                                             dt.time(15, 20))))
    winter_year = today.year + 1 if today.month >= 3 else today.year
    shimen = School.objects.get(name="石门中心小学")
    leader = User.objects.filter(assignments__role=Role.SCHOOL_LEADER, assignments__school=shimen).first()
    if leader is not None and today < dt.date(winter_year, 1, 20):
        found = svc.handover_create(leader, school_id=shimen.pk, holiday=Holiday.WINTER, year=winter_year,
                                    holiday_start=dt.date(winter_year, 1, 23), school_start=dt.date(winter_year, 2, 24),
                                    today=today)
        made += 1
        first = HandoverList.objects.filter(round=found).order_by("community__path").first()
        worker = _worker(first.community_id) if first else None
        if first and worker:
            svc.handover_receive(worker, first, note="", now=timezone.now())
    return made
