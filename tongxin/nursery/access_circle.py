"""Who opens the 15-minute childcare circle (N-10): the area's offices (社区、乡镇（街道）、县教育局、县民政局、
县卫生健康局) for the communities of their area, and the administrator for all — through `orgs.scope`."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from tongxin.orgs import scope
from tongxin.orgs.models import Region, Role

READERS = frozenset({Role.ADMIN}) | scope.NURSERY_AREA_ROLES


def is_reader(user) -> bool:
    return bool(scope.roles(user) & READERS)


def require_reader(user) -> None:
    if not is_reader(user):
        raise PermissionDenied("只有社区、乡镇（街道）和县里的主管部门可以查看15分钟托育服务圈")


def communities_q(user) -> Q:
    """The communities (villages) whose figures the user reads."""
    return Q(level=Region.Level.COMMUNITY) & scope.nursery_area_q(user)


def visible_townships(user) -> list[Region]:
    """The townships (streets) with at least one community the user reads, in the tree's order."""
    parents = Region.objects.filter(communities_q(user)).values("parent_id")
    return list(Region.objects.filter(level=Region.Level.TOWNSHIP, pk__in=parents).order_by("path"))


def access_township(user, township_id: int) -> Region:
    """The township, if the user reads one of its communities; 404 when there is none, 403 otherwise."""
    require_reader(user)
    found = Region.objects.filter(pk=township_id, level=Region.Level.TOWNSHIP).first()
    if found is None:
        raise Http404("未找到该乡镇（街道）")
    if not Region.objects.filter(communities_q(user), parent=found).exists():
        raise PermissionDenied("无权查看该乡镇（街道）的托育服务圈")
    return found
