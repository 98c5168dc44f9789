"""C-21/C-22: the sign-up survey before a holiday programme, answered on phones, and its dated report upward."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from tongxin.custody import selectors, services
from tongxin.custody.models import DemandSurvey, SurveyAnswer
from tongxin.people.models import Child

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def survey(leader, school):
    return services.open_survey(leader, school=school, kind="summer", title="2027年暑期托管需求摸底",
                                opens=TODAY, closes=TODAY + dt.timedelta(days=7),
                                report_due=TODAY + dt.timedelta(days=9), today=TODAY)


def test_only_the_schools_leader_opens_a_survey_and_dates_must_make_sense(leader, school, demo_user):
    with pytest.raises(PermissionDenied):
        services.open_survey(demo_user("leader"), school=school, kind="summer", title="x", opens=TODAY,
                             closes=TODAY, report_due=TODAY, today=TODAY)
    with pytest.raises(ValidationError, match="上报期限"):
        services.open_survey(leader, school=school, kind="summer", title="x", opens=TODAY,
                             closes=TODAY + dt.timedelta(days=3), report_due=TODAY, today=TODAY)
    assert not DemandSurvey.objects.filter(title="x").exists()


def test_figures_add_up_as_parents_and_teachers_answer(survey, pupils, parent_of, teacher_of, demo_user):
    first, second, third = pupils(3, only_children=True)
    services.answer_survey(parent_of(first), survey, child=first, needs_custody=True, needs=["dual_earner"],
                           lunch=True, today=TODAY)
    services.answer_survey(teacher_of(second), survey, child=second, needs_custody=False, needs=[], today=TODAY)
    with pytest.raises(ValidationError, match="托管需求"):
        services.answer_survey(parent_of(third), survey, child=third, needs_custody=True, needs=[], today=TODAY)
    with pytest.raises(PermissionDenied):
        services.answer_survey(parent_of(first), survey, child=third, needs_custody=True, needs=["nobody_home"],
                               today=TODAY)
    services.offer_to_serve(demo_user("t221"), survey, willing=True, today=TODAY)
    f = selectors.survey_figures(survey)
    assert (f.answered, f.need, f.lunch, f.teachers_willing) == (2, 1, 1, 1)
    assert f.asked == sum(g["asked"] for g in f.by_grade) == f.answered + f.unanswered
    assert f.reasons == [("父母双方上班", 1)]


def test_answers_close_with_the_survey(survey, pupils, parent_of):
    child = pupils(1)[0]
    with pytest.raises(ValidationError, match="已于"):
        services.answer_survey(parent_of(child), survey, child=child, needs_custody=False, needs=[],
                               today=TODAY + dt.timedelta(days=8))


def test_the_report_is_frozen_dated_and_late_reports_say_so(survey, leader, pupils, parent_of):
    child = pupils(1)[0]
    services.answer_survey(parent_of(child), survey, child=child, needs_custody=True, needs=["nobody_home"], today=TODAY)
    late = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.timezone.utc)
    services.report_survey(leader, survey, now=late)
    survey.refresh_from_db()
    assert survey.report["need"] == 1 and survey.reported_at == late
    from tongxin.audit.models import AuditEntry

    assert AuditEntry.objects.filter(target_type="custody.DemandSurvey", reason="逾期上报").exists()
    with pytest.raises(ValidationError, match="已于"):
        services.report_survey(leader, survey, now=late)


def test_parent_answers_on_the_hub_and_the_organiser_reports_on_the_page(login, demo_user):
    spring = DemandSurvey.objects.get(title="2027年春季课后托管需求摸底")
    parent = demo_user("parent")
    child = selectors.survey_children(spring).filter(guardianships__guardian__user=parent).first()
    client = login("parent")
    assert "2027年春季课后托管需求摸底" in client.get("/custody/").text
    response = client.post(f"/custody/surveys/{spring.pk}/answer/", {"child": child.pk, "needs_custody": "yes",
                                                                    "needs": ["dual_earner"], "lunch": "on"}, follow=True)
    assert "已收到" in response.text and SurveyAnswer.objects.get(survey=spring, child=child).needs_custody
    bad = client.post(f"/custody/surveys/{spring.pk}/answer/", {"child": "abc", "needs_custody": "maybe"}, follow=True)
    assert bad.status_code == 200 and "整数" in bad.text
    stranger = Child.objects.exclude(guardianships__guardian__user=parent).first()
    assert client.post(f"/custody/surveys/{spring.pk}/answer/", {"child": stranger.pk, "needs_custody": "no"}).status_code == 404
    leader = login("leader")
    page = leader.get(f"/custody/surveys/{spring.pk}/").text
    assert "上报摸底结果" in page and "需要托管" in page
    leader.post(f"/custody/surveys/{spring.pk}/")
    spring.refresh_from_db()
    assert spring.reported_at is not None
    book = load_workbook(BytesIO(leader.get(f"/custody/surveys/{spring.pk}.xlsx").content))
    rows = {r[0]: r[1] for r in book["摸底情况"].iter_rows(min_row=4, values_only=True)}
    assert rows["需要托管（人）"] == spring.report["need"]


def test_township_sees_the_report_state_and_a_volunteer_cannot_open_it(login):
    winter = DemandSurvey.objects.get(title="2027年寒假托管需求摸底")
    assert "已于 11月16日 10:30 上报" in login("township").get(f"/custody/surveys/{winter.pk}/").text
    assert login("volunteer").get(f"/custody/surveys/{winter.pk}/").status_code == 403


def test_the_hub_offers_everyone_the_same_open_surveys_as_looking_through_every_survey_of_the_county(demo_user):
    """The hub looks only at the surveys that may concern a person (their children's schools and villages, the
    schools they serve, a volunteer's township): the same list as asking every open survey of the county."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from tongxin.custody.models import DemandSurvey
    from tongxin.custody.selectors import survey as surveys
    from tongxin.orgs.models import Region
    from tongxin.people.models import Guardian

    day = dt.date(2026, 12, 1)
    for region in Region.objects.filter(level=Region.Level.COMMUNITY).order_by("pk")[:3]:
        DemandSurvey.objects.create(community=region, title=f"{region.name}寒假摸底", opens=day, closes=day,
                                    report_due=day)

    def every_survey(user):
        own = list(surveys.people.children_of_login(user)) if surveys.Role.PARENT in surveys.scope.roles(user) else []
        found = []
        for s in DemandSurvey.objects.filter(opens__lte=day, closes__gte=day):
            mine = list(surveys.survey_children(s).filter(pk__in=[c.pk for c in own]).order_by("pk")) if own else []
            if mine or surveys.may_offer_to_serve(user, s):
                found.append((s.pk, [c.pk for c in mine]))
        return found

    for n, region in enumerate(Region.objects.filter(custody_surveys__isnull=False, level=Region.Level.COMMUNITY)):
        guardian = Guardian.objects.filter(user__isnull=True, family__community=region).order_by("pk").first()
        guardian.user = get_user_model().objects.create(username=f"village-parent-{n}")
        guardian.save(update_fields=["user"])
    users = list(get_user_model().objects.filter(is_active=True).order_by("pk"))
    assert any(every_survey(u) for u in users)
    for user in users:
        shown = [(row.survey.pk, [c.pk for c, _ in row.children]) for row in surveys.open_surveys_for(user, day)]
        assert shown == every_survey(user), user.username
