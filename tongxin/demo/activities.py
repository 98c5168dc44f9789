"""The demo county's activities this term (P-64…P-71): safety and legal education, drills, a Mid-Autumn event,
mental-health lessons and parent meetings at the schools, the village children's homes' weekly activities; 滨河小学
without its legal education yet (its page says so); left-behind pupils first in most, not at 城关第二小学.

Written in bulk through the models (the services' rules are what the tests exercise)."""

import datetime as dt
import random

from django.utils import timezone

from tongxin.care import rules
from tongxin.care.activity_models import Activity, ActivityChild, ActivityKind
from tongxin.care.choices import Category, Window
from tongxin.care.models import CareFile
from tongxin.orgs.models import Region, Role, School, User
from tongxin.people.models import Child

PLAN = [  # kind, title, venue, run by, days after the term's start
    (ActivityKind.SAFETY, "防溺水、交通安全教育", "学校报告厅", "安全副校长", 8),
    (ActivityKind.LEGAL, "法治进校园：预防校园欺凌", "学校报告厅", "县检察院法制副校长", 30),
    (ActivityKind.FESTIVAL, "中秋“五个一”：给爸妈打一次电话", "留守儿童之家", "少先队大队辅导员", 24),
    (ActivityKind.MENTAL_HEALTH, "心理健康课：说出我的心里话", "留守儿童之家", "心理辅导老师", 45),
    (ActivityKind.DRILL, "消防疏散演练", "操场", "安全副校长", 60),
    (ActivityKind.PARENT_MEETING, "家长学校：隔代教育讲座", "学校礼堂", "县关工委讲师", 70),
]


def build_activities_demo(rng: random.Random, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    start, _ = rules.window_of(Window.TERM, today)
    left = set(CareFile.objects.filter(category=Category.LEFT_BEHIND).values_list("child_id", flat=True))
    made = 0
    for school in School.objects.order_by("code"):
        leader = User.objects.filter(assignments__role=Role.SCHOOL_LEADER, assignments__school=school).first()
        if leader is None:
            continue
        pupils = list(Child.objects.filter(school=school, school_class__isnull=False).order_by("pk")
                      .values_list("pk", flat=True))
        lb = [p for p in pupils if p in left]
        others = [p for p in pupils if p not in left]
        for kind, title, venue, run_by, after in PLAN:
            on = start + dt.timedelta(days=after)
            if on > today or (school.name == "滨河小学" and kind == ActivityKind.LEGAL):
                continue
            if school.name == "城关第二小学":
                taking = rng.sample(others, min(len(others), 60)) + rng.sample(lb, min(len(lb), 2))
            else:
                taking = lb[:] if kind in (ActivityKind.FESTIVAL, ActivityKind.MENTAL_HEALTH) else (
                    lb[:] + rng.sample(others, min(len(others), 40)))
            activity = Activity.objects.create(school=school, kind=kind, title=title, venue=venue, on=on,
                                               run_by=run_by, in_charge="值周老师", recorded_by=leader,
                                               note="活动有序，学生参与积极。")
            ActivityChild.objects.bulk_create([ActivityChild(activity=activity, child_id=c,
                                                             handed_over=kind == ActivityKind.PARENT_MEETING,
                                                             escorted_home=False) for c in taking])
            made += 1
    for village in Region.objects.filter(name__in=["石门村", "桃源村"]).order_by("code"):
        worker = User.objects.filter(assignments__role=Role.COMMUNITY_WORKER, assignments__region=village).first()
        kids = list(Child.objects.filter(family__community=village, pk__in=left).order_by("pk")
                    .values_list("pk", flat=True))[:15]
        if worker is None or not kids:
            continue
        for week in range(0, (today - start).days // 7, 2):
            on = start + dt.timedelta(days=7 * week + 5)  # a Saturday-ish afternoon at the children's home
            activity = Activity.objects.create(community=village, kind=ActivityKind.ARTS_SPORTS,
                                               title="儿童之家周末活动：阅读与手工", venue="村儿童之家", on=on,
                                               run_by=worker.display_name, in_charge=worker.display_name,
                                               recorded_by=worker)
            ActivityChild.objects.bulk_create([ActivityChild(activity=activity, child_id=c, handed_over=True,
                                                             escorted_home=i % 4 == 0) for i, c in enumerate(kids)])
            made += 1
    return made
