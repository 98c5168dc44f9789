"""Who opens the 15-minute childcare circle (N-10): the area's offices (社区、乡镇（街道）、县教育局、县民政局、
县卫生健康局) for the communities of their area, and the administrator for all — through `orgs.scope`."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from tongxin.orgs import scope
from tongxin.orgs.models import Region, Role
from tongxin.people import selectors as people_sel

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


# ---------------------------------------------------------------- households' positions (家庭定位)
# The page that sets where a community's households with an infant live is read by the circle's readers for the
# communities of their area; only the community's own children's worker (and the administrator) sets positions
# (`people.selectors.may_locate_in`, over `orgs.scope`).


def access_community(user, community_id: int) -> Region:
    """The community (village), if the user reads the circle there; 404 when there is none, 403 otherwise."""
    require_reader(user)
    found = Region.objects.filter(pk=community_id, level=Region.Level.COMMUNITY).select_related("parent").first()
    if found is None:
        raise Http404("未找到该社区（村）")
    if not Region.objects.filter(communities_q(user), pk=found.pk).exists():
        raise PermissionDenied("无权查看该社区（村）的家庭定位")
    return found


def edits_positions(user, community: Region) -> bool:
    return people_sel.may_locate_in(user, community.pk)


def require_editor(user, community: Region) -> None:
    if not edits_positions(user, community):
        raise PermissionDenied("只有本社区（村）的儿童主任可以登记家庭住址位置")


def own_communities(user) -> list[Region]:
    """The communities whose households' positions the user sets as their children's worker."""
    ids = [a.region_id for a in scope.assignments(user) if a.role == Role.COMMUNITY_WORKER and a.region_id]
    return list(Region.objects.filter(pk__in=ids, level=Region.Level.COMMUNITY).order_by("path"))
