"""The sign-up survey before a holiday programme (报名摸底, C-21) and its dated report upward (C-22)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tongxin.audit.services import record
from tongxin.orgs.models import Region, School, User
from tongxin.people import selectors as people
from tongxin.people.models import Child

from .. import permissions, selectors
from ..models import DemandSurvey, Need, Programme, SurveyAnswer, SurveyVolunteer
from ._common import A


@transaction.atomic
def open_survey(actor: User, *, title: str, kind: str, opens: dt.date, closes: dt.date, report_due: dt.date,
                school: School | None = None, community: Region | None = None, today: dt.date | None = None) -> DemandSurvey:
    today = today or timezone.localdate()
    if (school is None) == (community is None):
        raise ValidationError("需求摸底须由一所学校或一个社区（村）发起")
    if kind not in Programme.Kind.values:
        raise ValidationError({"kind": "托管类型无效"})
    if closes < opens:
        raise ValidationError({"closes": "截止日期不能早于开始日期"})
    if closes < today:
        raise ValidationError({"closes": "截止日期已过，请选择今天或以后的日期"})
    if report_due < closes:
        raise ValidationError({"report_due": "上报期限不能早于摸底截止日期"})
    survey = DemandSurvey(title=title.strip(), kind=kind, opens=opens, closes=closes, report_due=report_due,
                          school=school, community=community, created_by=actor)
    survey.save()
    if not selectors.organises_survey(actor, survey):  # raising here rolls the creation back
        raise PermissionDenied("只有学校领导或社区儿童主任可以发起需求摸底")
    record(actor, A.CREATE, survey, fields=["title", "opens", "closes", "report_due"])
    return survey


def _require_open(survey: DemandSurvey, today: dt.date) -> None:
    if today < survey.opens:
        raise ValidationError(f"摸底将于 {survey.opens:%-m月%-d日} 开始")
    if today > survey.closes:
        raise ValidationError(f"摸底已于 {survey.closes:%-m月%-d日} 截止")


@transaction.atomic
def answer_survey(actor: User, survey: DemandSurvey, *, child: Child, needs_custody: bool, needs: list[str], lunch: bool = False,
                  note: str = "", today: dt.date | None = None) -> SurveyAnswer:
    """A guardian answers for their child (or the class teacher enters a family's paper answer)."""
    _require_open(survey, today or timezone.localdate())
    if not (people.is_guardian_of(actor, child.pk) or permissions.teaches(actor, child)):
        raise PermissionDenied("只有孩子的监护人或班主任可以填写")
    if not selectors.survey_children(survey).filter(pk=child.pk).exists():
        raise ValidationError(f"{child.name}不在本次摸底范围内")
    unknown = set(needs) - set(Need.values)
    if unknown:
        raise ValidationError("托管需求选项无效")
    if needs_custody and not needs:
        raise ValidationError("需要托管时请选择托管需求，如父母双方上班、白天家中无人看护")
    answer, _ = SurveyAnswer.objects.update_or_create(
        survey=survey, child=child,
        defaults={"needs_custody": needs_custody, "needs": list(needs) if needs_custody else [],
                  "lunch": lunch and needs_custody, "note": note.strip(), "answered_by": actor})
    record(actor, A.UPDATE, answer, child_id=child.pk, fields=["needs_custody", "needs", "lunch"])
    return answer


@transaction.atomic
def offer_to_serve(actor: User, survey: DemandSurvey, *, willing: bool, note: str = "",
                   today: dt.date | None = None) -> SurveyVolunteer:
    """A teacher of the organising school (or a volunteer of its area) says whether they will serve (C-02)."""
    _require_open(survey, today or timezone.localdate())
    if not selectors.may_offer_to_serve(actor, survey):
        raise PermissionDenied("只有本校教师或本地志愿者可以填写志愿意向")
    offer, _ = SurveyVolunteer.objects.update_or_create(survey=survey, staff=actor,
                                                        defaults={"willing": willing, "note": note.strip()})
    record(actor, A.UPDATE, offer, fields=["willing"])
    return offer


@transaction.atomic
def report_survey(actor: User, survey: DemandSurvey, *, now: dt.datetime | None = None) -> DemandSurvey:
    """Freeze the survey's figures as the report to the bureau, dated; a report after the due date says so."""
    if not selectors.organises_survey(actor, survey):
        raise PermissionDenied("只有发起单位可以上报摸底结果")
    now = now or timezone.now()
    if survey.reported_at is not None:
        raise ValidationError(f"已于 {timezone.localtime(survey.reported_at):%-m月%-d日 %H:%M} 上报")
    figures = selectors.survey_figures(survey)
    survey.report = figures.as_report()
    survey.reported_at, survey.reported_by = now, actor
    survey.save(update_fields=["report", "reported_at", "reported_by"])
    late = timezone.localtime(now).date() > survey.report_due
    record(actor, A.UPDATE, survey, fields=["reported_at"], reason="逾期上报" if late else "按期上报")
    return survey
