"""The sign-up survey before a programme (报名摸底, C-21/C-22)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from tongxin.orgs import scope
from tongxin.orgs.models import Role, grade_label
from tongxin.people import selectors as people
from tongxin.people.models import Child

from .. import permissions, rules
from ..models import DemandSurvey, Need, SurveyAnswer, SurveyVolunteer


def organises_survey(user, survey: DemandSurvey) -> bool:
    """The school leader of its school, the community worker of its community, an administrator."""
    return DemandSurvey.objects.filter(permissions.organiser_q(user), pk=survey.pk).exists()


def surveys_overseen(user) -> QuerySet:
    """Surveys the user organises or oversees (township and county offices see those of their area)."""
    surveys = DemandSurvey.objects.select_related("school", "community")
    if Role.ADMIN in scope.roles(user):
        return surveys.all()  # not folded into the union: Q() | Q(x) is Q(x), not "everything"
    return surveys.filter(permissions.organiser_q(user) | permissions.overview_area_q(user))


def survey_children(survey: DemandSurvey) -> QuerySet:
    """Who the survey asks about: a school's pupils of the grades a holiday programme takes, or the school-age
    children living in a community."""
    if survey.school_id:
        return people.pupils_of(survey.school_id, rules.default_eligible_grades())
    born_after = dt.date(survey.opens.year - rules.SCHOOL_AGE[1] - 1, survey.opens.month, 1)
    born_before = dt.date(survey.opens.year - rules.SCHOOL_AGE[0], survey.opens.month, 28)
    return people.residents_of(survey.organiser_region.pk).filter(birth_date__range=(born_after, born_before))


def may_offer_to_serve(user, survey: DemandSurvey) -> bool:
    for a in scope.assignments(user):
        school_id = a.school_class.school_id if a.school_class is not None else a.school_id
        if survey.school_id and a.role in (Role.CLASS_TEACHER, Role.SCHOOL_LEADER) and school_id == survey.school_id:
            return True
        if a.role == Role.VOLUNTEER and a.region is not None and survey.organiser_region.path.startswith(
                a.region.parent.path if a.region.parent is not None else a.region.path):
            return True
    return False


@dataclass
class SurveyFigures:
    """A survey's result: every figure in 人; asked = answered + not yet answered; need ≤ answered."""

    asked: int
    answered: int
    need: int
    lunch: int
    reasons: list[tuple[str, int]]
    priority: dict[str, int]
    by_grade: list[dict]
    teachers_willing: int
    teachers_declining: int

    @property
    def unanswered(self) -> int:
        return self.asked - self.answered

    def as_report(self) -> dict:
        return {"asked": self.asked, "answered": self.answered, "need": self.need, "lunch": self.lunch,
                "reasons": self.reasons, "priority": self.priority, "by_grade": self.by_grade,
                "teachers_willing": self.teachers_willing, "teachers_declining": self.teachers_declining}


def survey_figures(survey: DemandSurvey) -> SurveyFigures:
    asked = survey_children(survey)
    answers = list(SurveyAnswer.objects.filter(survey=survey, child__in=asked)
                   .values_list("child_id", "needs_custody", "needs", "lunch"))
    needing = [a for a in answers if a[1]]
    reasons = Counter(Need(n).label for _, _, needs, _ in needing for n in needs if n in Need.values)
    need_ids = [a[0] for a in needing]
    by_grade = []
    if survey.school_id:
        grade_of = dict(asked.values_list("id", "school_class__grade__year"))
        answered_ids = {a[0] for a in answers}
        for year in rules.default_eligible_grades():
            ids = {cid for cid, y in grade_of.items() if y == year}
            by_grade.append({"grade": grade_label(year), "asked": len(ids), "answered": len(ids & answered_ids),
                             "need": len(ids & set(need_ids))})
    offers = dict(SurveyVolunteer.objects.filter(survey=survey).values_list("willing").annotate(n=Count("id")))
    return SurveyFigures(
        asked=asked.count(), answered=len(answers), need=len(needing), lunch=sum(1 for a in needing if a[3]),
        reasons=reasons.most_common(), priority=people.care_counts(asked.filter(pk__in=need_ids)),
        by_grade=by_grade, teachers_willing=offers.get(True, 0), teachers_declining=offers.get(False, 0),
    )


@dataclass
class OpenSurvey:
    survey: DemandSurvey
    children: list[tuple[Child, SurveyAnswer | None]]
    my_offer: SurveyVolunteer | None
    may_serve: bool


NOTHING = Q(pk__in=[])


def _may_concern(user, own: list[Child]) -> Q:
    """The surveys that can ask this person anything: those of the schools of their own children or of the
    communities they live in, of the schools they teach or lead at, and (a volunteer) in their township. A
    superset of what `open_surveys_for` keeps, so the surveys it looks at one by one are the person's few, not a
    county's."""
    q = NOTHING
    schools: set[int | None] = {c.school_id for c in own if c.school_id}
    if own:
        q |= Q(community__in=people.family_communities([c.family_id for c in own]))
    for a in scope.assignments(user):
        if a.role in (Role.CLASS_TEACHER, Role.SCHOOL_LEADER):
            schools.add(a.school_class.school_id if a.school_class is not None else a.school_id)
        elif a.role == Role.VOLUNTEER and a.region is not None:
            path = a.region.parent.path if a.region.parent is not None else a.region.path
            q |= Q(school__region__path__startswith=path) | Q(community__path__startswith=path)
    if schools:
        q |= Q(school_id__in=schools)
    return q


def open_surveys_for(user, today: dt.date) -> list[OpenSurvey]:
    """Surveys open today that ask about this parent's children, or that this teacher may answer."""
    rows: list[OpenSurvey] = []
    own = list(people.children_of_login(user).only("pk", "school_id", "family_id")) if Role.PARENT in scope.roles(user) else []
    candidates = _may_concern(user, own)
    if candidates == NOTHING:
        return rows
    for survey in (DemandSurvey.objects.filter(opens__lte=today, closes__gte=today).filter(candidates)
                   .select_related("school__region__parent", "community")):
        mine = list(survey_children(survey).filter(pk__in=[c.pk for c in own]).order_by("pk")) if own else []
        may_serve = may_offer_to_serve(user, survey)
        if not mine and not may_serve:
            continue
        answers = {a.child_id: a for a in SurveyAnswer.objects.filter(survey=survey, child__in=mine)}
        rows.append(OpenSurvey(survey, [(c, answers.get(c.pk)) for c in mine],
                               SurveyVolunteer.objects.filter(survey=survey, staff=user).first(), may_serve))
    return rows
