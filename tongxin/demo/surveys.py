"""The demo's sign-up surveys at 青溪县实验小学: last month's winter survey, answered and reported on time, and the
spring after-school survey open now, half answered."""

import datetime as dt
import random
import zoneinfo

from django.contrib.auth import get_user_model

from tongxin.custody.models import DemandSurvey, Need, Programme, SurveyAnswer, SurveyVolunteer
from tongxin.custody.selectors import survey_children, survey_figures
from tongxin.orgs.models import Role, School

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
REASONS = [[Need.DUAL_EARNER], [Need.NOBODY_HOME], [Need.GRANDPARENT_UNABLE], [Need.DUAL_EARNER, Need.NOBODY_HOME],
           [Need.SINGLE_PARENT]]


def build_survey_demo(rng: random.Random) -> None:
    User = get_user_model()
    school = School.objects.get(code="3611990001")
    leader = User.objects.get(username="leader")
    teachers = list(User.objects.filter(assignments__role=Role.CLASS_TEACHER, assignments__school_class__school=school)
                    .order_by("pk"))
    winter = DemandSurvey.objects.create(
        school=school, kind=Programme.Kind.WINTER, title="2027年寒假托管需求摸底", opens=dt.date(2026, 11, 2),
        closes=dt.date(2026, 11, 13), report_due=dt.date(2026, 11, 16), created_by=leader)
    spring = DemandSurvey.objects.create(
        school=school, kind=Programme.Kind.AFTER_SCHOOL, title="2027年春季课后托管需求摸底",
        opens=dt.date(2026, 11, 16), closes=dt.date(2026, 12, 11), report_due=dt.date(2026, 12, 15), created_by=leader)
    demo_parent_children = set(survey_children(spring).filter(guardianships__guardian__user__username="parent")
                               .values_list("pk", flat=True))
    for survey, share in ((winter, 0.92), (spring, 0.45)):
        answers = []
        for child in survey_children(survey).order_by("pk"):
            if child.pk in demo_parent_children and survey is spring:
                continue  # the demo parent answers on the phone
            if rng.random() > share:
                continue
            needs = rng.random() < 0.3
            answers.append(SurveyAnswer(survey=survey, child=child, needs_custody=needs,
                                        needs=rng.choice(REASONS) if needs else [], lunch=needs and rng.random() < 0.7,
                                        answered_by=leader))
        SurveyAnswer.objects.bulk_create(answers)
        SurveyVolunteer.objects.bulk_create([SurveyVolunteer(survey=survey, staff=t, willing=rng.random() < 0.6)
                                             for t in teachers if rng.random() < share and t.username != "teacher"])
    winter.report = survey_figures(winter).as_report()
    winter.reported_at, winter.reported_by = dt.datetime(2026, 11, 16, 10, 30, tzinfo=TZ), leader
    winter.save(update_fields=["report", "reported_at", "reported_by"])
