"""What the home page shows each role: its scopes, counts inside them (staff only), and what it can do."""

from django.db.models import Count, Q

from tongxin.orgs import scope
from tongxin.orgs.models import Role
from tongxin.orgs.selectors import describe_assignments
from tongxin.people.models import Child

from .navigation import actions_for

# Who sees only their own or their paired children, or none of the registry's school-age children (a childcare
# centre's staff and the health bureau work with infants): the registry's statistics are of no use to them.
_NO_STATISTICS = {Role.PARENT, Role.VOLUNTEER, Role.SUBJECT_TEACHER, Role.NURSERY_MANAGER, Role.NURSERY_CARER,
                  Role.COUNTY_HEALTH}


def home_for(user) -> dict:
    stats = None
    if scope.roles(user) - _NO_STATISTICS:  # a parent, a volunteer or a subject teacher sees only a few children
        stats = scope.children(user).aggregate(
            total=Count("id"),
            left_behind=Count("id", filter=Q(care_status=Child.CareStatus.LEFT_BEHIND)),
            vulnerable=Count("id", filter=Q(care_status=Child.CareStatus.VULNERABLE)),
            disability=Count("id", filter=Q(disability=True)),
        )
    return {"assignments": describe_assignments(user), "stats": stats, "actions": actions_for(user)}
