"""Who may do what in the nursery line: small helpers over `orgs.scope`'s nursery builders that raise on denial."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from tongxin.orgs import scope
from tongxin.orgs.models import Region, Role, User

from .models import Centre, Room

# Who opens the network's pages at all: the staff, the area's offices, parents, the administrator.
READERS = frozenset({Role.ADMIN, Role.PARENT}) | scope.NURSERY_STAFF_ROLES | scope.NURSERY_AREA_ROLES


def is_reader(user) -> bool:
    return bool(scope.roles(user) & READERS)


def require_parent(user, refusal: str = "只有家长可以为孩子预约托育") -> None:
    if Role.PARENT not in scope.roles(user):
        raise PermissionDenied(refusal)


def require_reader(user) -> None:
    if not is_reader(user):
        raise PermissionDenied("当前角色不使用社区托育")


def _has(q: Q, centre: Centre) -> bool:
    return Centre.objects.filter(q, pk=centre.pk).exists()


def manages(user, centre: Centre) -> bool:
    """The user runs this centre or point (its manager, the manager of its centre, or the administrator)."""
    return _has(scope.nursery_manage_q(user, "site__"), centre)


def works_at(user, centre: Centre) -> bool:
    return _has(scope.nursery_staff_q(user, "site__"), centre)


def may_open(user, centre: Centre) -> bool:
    return _has(scope.nursery_sites_q(user, "site__"), centre)


def require_manager(user, centre: Centre, refusal: str = "只有本托育机构的负责人可以办理") -> None:
    if not manages(user, centre):
        raise PermissionDenied(refusal)


def require_staff(user, centre: Centre) -> None:
    if not works_at(user, centre):
        raise PermissionDenied("只有本托育机构的工作人员可以查看")


def access_centre(user, centre_id: int) -> Centre:
    """The centre or point, if the user may open its page; 404 when there is none, 403 otherwise."""
    found = Centre.objects.filter(pk=centre_id).select_related("site__region__parent", "site__parent").first()
    if found is None:
        raise Http404("未找到该托育机构")
    if not may_open(user, found):
        raise PermissionDenied("无权查看该托育机构")
    return found


def access_room(user, room_id: int) -> Room:
    """A room, if the user works at its centre; 404 when there is none, 403 otherwise."""
    room = Room.objects.filter(pk=room_id).select_related("centre__site__region", "centre__site__parent").first()
    if room is None:
        raise Http404("未找到该班级")
    require_staff(user, room.centre)
    return room


def managed_centres(user) -> list[Centre]:
    return list(Centre.objects.filter(scope.nursery_manage_q(user, "site__")).select_related("site")
                .order_by("site__parent_id", "kind", "site__name"))


def staff_centres(user) -> list[Centre]:
    return list(Centre.objects.filter(scope.nursery_staff_q(user, "site__")).select_related("site")
                .order_by("site__parent_id", "kind", "site__name"))


def office_county(user: User) -> Region | None:
    """The county whose limits, affordable prices and subsidies the user sets: the county health bureau's, or for
    the administrator the first county; None for anyone else."""
    for a in scope.assignments(user):
        if a.role == Role.COUNTY_HEALTH and a.region is not None and a.region.level == Region.Level.COUNTY:
            return a.region
    if Role.ADMIN in scope.roles(user):
        return Region.objects.filter(level=Region.Level.COUNTY).order_by("path").first()
    return None


def require_office(user: User) -> Region:
    county = office_county(user)
    if county is None:
        raise PermissionDenied("只有县卫生健康局可以设置全县的托育标准、普惠价格和补贴")
    return county


def county_of(centre: Centre) -> Region | None:
    """The county a centre stands in (the first level of its community's path)."""
    parts = [p for p in centre.site.region.path.split("/") if p]
    return Region.objects.filter(path=f"/{parts[0]}/").first() if parts else None
