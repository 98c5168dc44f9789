"""Who reads and records a child's growth: the staff of a centre that knows the child (a contract, a temporary-care
booking, a waiting-list entry or a health record there: `selectors.health.knows_child`), and the child's own
guardians (a parent sees only their own child). Raises on denial."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tongxin.orgs import scope
from tongxin.orgs.models import Role, User
from tongxin.people.models import Child

from .models import Centre
from .selectors.health import knows_child


def is_guardian(user: User, child_id: int) -> bool:
    return Child.objects.filter(scope.child_q(user, roles_allowed=frozenset({Role.PARENT})), pk=child_id).exists()


def staff_centre_ids(user: User, child_id: int) -> set[int]:
    """The centres where the user works that know the child (a temporary-care child included)."""
    return {c.pk for c in Centre.objects.filter(scope.nursery_staff_q(user, "site__")).order_by("pk")
            if knows_child(c, child_id)}


def access_child(user: User, child_id: int) -> Child:
    """The child, if the user may read their growth; 404 when there is none, 403 otherwise."""
    child = Child.objects.filter(pk=child_id).first()
    if child is None:
        raise Http404("未找到该幼儿")
    if not (staff_centre_ids(user, child_id) or is_guardian(user, child_id)):
        raise PermissionDenied("无权查看该幼儿的生长发育记录")
    return child


def require_recorder(user: User, centre: Centre) -> None:
    if not Centre.objects.filter(scope.nursery_staff_q(user, "site__"), pk=centre.pk).exists():
        raise PermissionDenied("只有本托育机构的工作人员可以记录身长体重")
