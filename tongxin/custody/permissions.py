"""Who may organise, review and run a custody programme. Built on `orgs.scope`; views never decide this."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

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


def overview_area_q(user) -> Q:
    """Records run by a school or community (programmes, surveys) inside the township or county of the user's
    overview roles (乡镇干部, 县教育局, 县民政局)."""
    q = scope.NOTHING
    for a in scope.assignments(user):
        if a.role in (Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU, Role.COUNTY_CIVIL):
            q |= Q(school__region__path__startswith=a.area.path) | Q(community__path__startswith=a.area.path)
    return q


def staff_oversight_q(user) -> Q:
    """Programmes the user reads as staff (their records: roster, fees, reports): those they run, those in
    their township or county, those of their school (class teachers). Not a volunteer's sign-up, not a shift."""
    if not getattr(user, "is_authenticated", False):
        return scope.NOTHING
    if Role.ADMIN in scope.roles(user):
        return Q()
    q = organiser_q(user) | overview_area_q(user)
    for a in scope.assignments(user):
        if a.role == Role.CLASS_TEACHER:
            q |= Q(school_id=a.school_class.school_id if a.school_class else None)
    return q


def oversight_q(user) -> Q:
    """Programmes the user may open: those they read as staff, the open ones a volunteer may sign up for,
    and those they are rostered in."""
    if not getattr(user, "is_authenticated", False):
        return scope.NOTHING
    if Role.ADMIN in scope.roles(user):
        return Q()  # not folded into the union below: Q() | Q(x) is Q(x), not "everything"
    q = staff_oversight_q(user)
    for a in scope.assignments(user):
        if a.role == Role.VOLUNTEER:
            # Volunteers find the open or running programmes of their township to sign up for duty.
            area = a.region.parent.path if a.region is not None and a.region.parent is not None else "/"
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
    """Only an accepted shift puts a person on duty (C-02)."""
    return RosterShift.objects.filter(programme=programme, date=date, staff=user, state=RosterShift.State.ACCEPTED).exists()


def require_duty_or_organiser(user, programme: Programme, date) -> None:
    if on_duty(user, programme, date) or is_organiser(user, programme):
        return
    raise PermissionDenied("您今天不在该项目的值班表上")


def require_records_reader(user, programme: Programme) -> None:
    """Applications, placement, fees, the summary: staff who read the programme (each sees the children of their
    own scope). A volunteer or a parent does not, even when rostered in it or applying to it."""
    if not staff_oversees(user, programme):
        raise PermissionDenied("只有主办单位和负责的教师、管理人员可以查看该项目的报名、安置和总结")


def runs_on(programme: Programme, day) -> bool:
    """Whether the programme has a custody day on `day` (a working day inside one of its periods)."""
    from tongxin.orgs import calendar

    return calendar.is_working_day(day) and programme.periods.filter(start__lte=day, end__gte=day).exists()


# ---------------------------------------------------------------- roster, fees, workload


def staff_oversees(user, programme: Programme) -> bool:
    return Programme.objects.filter(staff_oversight_q(user)).filter(pk=programme.pk).exists()


def require_roster_manager(user, programme: Programme) -> None:
    """Rostering others, approving sign-ups, publishing the roster: the organiser only."""
    if not is_organiser(user, programme):
        raise PermissionDenied("只有主办学校领导或社区儿童主任可以安排值班、审核报名和发布值班表")


def can_view_workload(user, programme: Programme) -> bool:
    """Everyone's duty hours (the basis of performance pay): the organiser and the township or county."""
    return is_organiser(user, programme) or (has_overview(user) and staff_oversees(user, programme))


def require_workload_reader(user, programme: Programme) -> None:
    if not can_view_workload(user, programme):
        raise PermissionDenied("工作量统计仅主办单位和上级主管部门可以查看")


def may_sign_up(user, programme: Programme) -> bool:
    """Who may offer themselves for duty: a volunteer of the area, or staff who read the programme, while the
    programme still has days to staff (not a finished one)."""
    if programme.status == Programme.Status.FINISHED:
        return False
    return oversees(user, programme) and (Role.VOLUNTEER in scope.roles(user) or staff_oversees(user, programme))


def can_hold_leader_duty(user, programme: Programme) -> bool:
    """C-24: the 值班领导 is a school-level leader: a 学校领导 of the programme's school, or for a community
    programme the community worker (儿童主任) of its community."""
    for a in scope.assignments(user):
        if programme.school_id and a.role == Role.SCHOOL_LEADER and a.school_id == programme.school_id:
            return True
        if programme.community_id and a.role == Role.COMMUNITY_WORKER and a.region_id == programme.community_id:
            return True
    return False


def can_certify_hardship(user, child) -> bool:
    """家庭经济困难 is certified by the child's school: its leader or the child's class teacher."""
    for a in scope.assignments(user):
        if a.role == Role.SCHOOL_LEADER and child.school_id and a.school_id == child.school_id:
            return True
        if a.role == Role.CLASS_TEACHER and child.school_class_id and a.school_class_id == child.school_class_id:
            return True
    return False


def require_hardship_certifier(user, child) -> None:
    if not can_certify_hardship(user, child):
        raise PermissionDenied("家庭经济困难须由该生所在学校的领导或班主任认定")


def can_close_incident(user, incident) -> bool:
    """The leader on duty that day, or the organiser."""
    programme = incident.placement.period.programme
    day = timezone.localtime(incident.occurred_at).date()
    return is_organiser(user, programme) or RosterShift.objects.filter(
        programme=programme, date=day, staff=user, duty=RosterShift.Duty.LEADER, state=RosterShift.State.ACCEPTED).exists()


def require_incident_closer(user, incident) -> None:
    if not can_close_incident(user, incident):
        raise PermissionDenied("安全事件须由当天值班领导或主办单位结案")


# ---------------------------------------------------------------- partners, accounts, guest sessions


def township_path(path: str) -> str:
    """The township (street) holding a region, by its path /county/township/community/."""
    parts = path.strip("/").split("/")
    return "/" + "/".join(parts[:2]) + "/" if len(parts) >= 2 else path


def partner_manage_q(user, path_field: str = "region__path") -> Q:
    """Partners an organiser keeps: those registered in the township of his school or her community (the
    township's organisers share one registry); an administrator all."""
    if not getattr(user, "is_authenticated", False):
        return scope.NOTHING
    if Role.ADMIN in scope.roles(user):
        return Q()
    q = scope.NOTHING
    for a in scope.assignments(user):
        if a.role == Role.COMMUNITY_WORKER and a.region is not None:
            q |= Q(**{f"{path_field}__startswith": township_path(a.region.path)})
        elif a.role == Role.SCHOOL_LEADER and a.school is not None:
            q |= Q(**{f"{path_field}__startswith": township_path(a.school.region.path)})
    return q


def partner_read_q(user, path_field: str = "region__path") -> Q:
    """Partners the user reads: those he keeps, and those in the township or county of his overview role."""
    if not getattr(user, "is_authenticated", False):
        return scope.NOTHING
    if Role.ADMIN in scope.roles(user):
        return Q()
    q = partner_manage_q(user, path_field)
    for a in scope.assignments(user):
        if a.role in (Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU, Role.COUNTY_CIVIL) and a.region is not None:
            q |= Q(**{f"{path_field}__startswith": a.area.path})
    return q


def may_keep_partners(user) -> bool:
    return bool(scope.roles(user) & {Role.ADMIN, Role.COMMUNITY_WORKER, Role.SCHOOL_LEADER})


def require_partner_manager(user, partner) -> None:
    from .models import Partner

    if not Partner.objects.filter(partner_manage_q(user)).filter(pk=partner.pk).exists():
        raise PermissionDenied("只有本乡镇（街道）的学校领导或社区儿童主任可以维护该合作单位")


def can_read_accounts(user, programme: Programme) -> bool:
    """A programme's account and statement: its organiser, and the township or county over it."""
    return can_view_workload(user, programme)


def require_accounts_reader(user, programme: Programme) -> None:
    if not can_read_accounts(user, programme):
        raise PermissionDenied("项目经费仅主办单位和上级主管部门可以查看")


def require_accounts_keeper(user, programme: Programme) -> None:
    if not is_organiser(user, programme):
        raise PermissionDenied("只有主办学校领导或社区儿童主任可以登记该项目的收支")
