"""Who may organise, review and run a custody programme. Built on `orgs.scope`; views never decide this."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.people import selectors as people
from tongxin.people.models import Guardianship

from .models import Programme, RosterShift


def organiser_q(user) -> Q:
    """Programmes the user runs: a school leader those of his school, a community worker those of her
    community, an administrator all."""
    if not getattr(user, "is_authenticated", False):
        return scope.NOTHING
    if Role.ADMIN in scope.roles(user):
        return Q()
    q = scope.NOTHING
    for a in scope.assignments(user):
        if a.role == Role.SCHOOL_LEADER:
            q |= Q(school_id=a.school_id)
        elif a.role == Role.COMMUNITY_WORKER:
            q |= Q(community_id=a.region_id)
    return q


def oversight_q(user) -> Q:
    """Programmes the user may read: those they run, those in their township or county, those of their
    school (class teachers), and those they are rostered in."""
    if not getattr(user, "is_authenticated", False):
        return scope.NOTHING
    if Role.ADMIN in scope.roles(user):
        return Q()  # not folded into the union below: Q() | Q(x) is Q(x), not "everything"
    q = organiser_q(user)
    for a in scope.assignments(user):
        if a.role in (Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU, Role.COUNTY_CIVIL):
            q |= Q(school__region__path__startswith=a.region.path) | Q(community__path__startswith=a.region.path)
        elif a.role == Role.CLASS_TEACHER:
            q |= Q(school_id=a.school_class.school_id)
        elif a.role == Role.VOLUNTEER:
            # Volunteers find the open or running programmes of their township to sign up for duty.
            area = a.region.parent.path if a.region_id and a.region.parent_id else "/"
            q |= Q(status__in=[Programme.Status.OPEN, Programme.Status.RUNNING]) & (
                Q(school__region__path__startswith=area) | Q(community__path__startswith=area))
    q |= Q(pk__in=RosterShift.objects.filter(staff=user).values("programme_id"))
    return q


def managed_programmes(user) -> QuerySet:
    return Programme.objects.filter(organiser_q(user))


def overseen_programmes(user) -> QuerySet:
    return Programme.objects.filter(oversight_q(user)).distinct()


def is_organiser(user, programme: Programme) -> bool:
    return managed_programmes(user).filter(pk=programme.pk).exists()


def oversees(user, programme: Programme) -> bool:
    return overseen_programmes(user).filter(pk=programme.pk).exists()


# Who gets the county (or township) view over all custody programmes.
OVERVIEW_ROLES = frozenset({Role.COUNTY_EDU, Role.COUNTY_CIVIL, Role.TOWNSHIP_OFFICER, Role.ADMIN})


def has_overview(user) -> bool:
    return bool(scope.roles(user) & OVERVIEW_ROLES)


def require_organiser(user, programme: Programme) -> None:
    if not is_organiser(user, programme):
        raise PermissionDenied("只有主办学校领导或社区儿童主任可以管理该托管项目")


def teaches(user, child) -> bool:
    """Whether the user is the class teacher of the child's class."""
    return bool(child.school_class_id) and any(
        a.role == Role.CLASS_TEACHER and a.school_class_id == child.school_class_id for a in scope.assignments(user))


def require_class_teacher_of(user, child) -> None:
    if not teaches(user, child):
        raise PermissionDenied("初审须由该生班主任办理")


def require_guardian_of(user, child) -> Guardianship:
    link = people.guardian_link(user, child.pk)
    if link is None:
        raise PermissionDenied("只有该儿童的监护人可以办理")
    return link


def on_duty(user, programme: Programme, date) -> bool:
    return RosterShift.objects.filter(programme=programme, date=date, staff=user).exists()


def require_duty_or_organiser(user, programme: Programme, date) -> None:
    if on_duty(user, programme, date) or is_organiser(user, programme):
        return
    raise PermissionDenied("您今天不在该项目的值班表上")


# Who reads a programme's records (applications, placement, fees, the summary): its organiser and the staff whose
# scope covers it. A volunteer or a parent does not, even when rostered in it or applying to it.
RECORD_READER_ROLES = frozenset({Role.CLASS_TEACHER, Role.SCHOOL_LEADER, Role.COMMUNITY_WORKER, Role.TOWNSHIP_OFFICER,
                                 Role.COUNTY_EDU, Role.COUNTY_CIVIL, Role.ADMIN})


def reads_records(user, programme: Programme) -> bool:
    return bool(scope.roles(user) & RECORD_READER_ROLES) and oversees(user, programme)


def require_records_reader(user, programme: Programme) -> None:
    if not reads_records(user, programme):
        raise PermissionDenied("只有主办单位和负责的教师、管理人员可以查看该项目的报名、安置和总结")


def runs_on(programme: Programme, day) -> bool:
    """Whether the programme has a custody day on `day` (a working day inside one of its periods)."""
    from tongxin.orgs import calendar

    return calendar.is_working_day(day) and programme.periods.filter(start__lte=day, end__gte=day).exists()
