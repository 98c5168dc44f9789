"""Who may do what in the pool: helpers over `orgs.scope`'s pool grants that raise on denial."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tongxin.orgs import scope
from tongxin.orgs.models import Region, Role

from .models import Person


def is_reader(user) -> bool:
    return bool(scope.roles(user) & scope.POOL_READER_ROLES)


def is_vetter(user) -> bool:
    return bool(scope.roles(user) & scope.POOL_VETTER_ROLES)


def require_reader(user) -> None:
    if not is_reader(user):
        raise PermissionDenied("当前角色不管理志愿者（师资）库")


def may_vet(user, person: Person) -> bool:
    return Person.objects.filter(scope.volunteer_pool_q(user, vet=True), pk=person.pk).exists()


def require_vetter(user, person: Person) -> None:
    if not may_vet(user, person):
        raise PermissionDenied("只有该人员所在社区（村）、乡镇（街道）或任职学校可以审核和登记查询")


def access_person(user, person_id: int) -> Person:
    """The person's record, if the user may open it (their own, or within their pool); 404 / 403 otherwise."""
    found = Person.objects.filter(pk=person_id).select_related("user", "home__parent", "school", "vetted_by").first()
    if found is None:
        raise Http404("未找到该人员")
    if found.user_id != user.pk and not Person.objects.filter(scope.volunteer_pool_q(user), pk=person_id).exists():
        raise PermissionDenied("无权查看该人员")
    return found


def office_county(user) -> Region | None:
    """The county whose pool rules the user sets (a county education or civil affairs office; the administrator:
    the first county), or None."""
    for a in scope.assignments(user):
        if a.role in (Role.COUNTY_EDU, Role.COUNTY_CIVIL) and a.region is not None:
            return a.region
    if Role.ADMIN in scope.roles(user):
        return Region.objects.filter(level=Region.Level.COUNTY).order_by("pk").first()
    return None


def access_office_county(user) -> Region:
    county = office_county(user)
    if county is None:
        raise PermissionDenied("只有县教育局、县民政局可以设置志愿服务规则")
    return county
