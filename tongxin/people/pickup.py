"""Who may take a child home: the check every hand-over makes, whichever service keeps the child (custody's
after-school groups, the nursery's rooms). The family's registry says who may pick the child up
(`Guardianship.can_pickup`); anyone else is refused, and a person outside the family stays unnamed, so that
staff cannot learn the names of guardians across the county by trying ids."""

from dataclasses import dataclass

from . import selectors
from .models import Guardian

OUTSIDER_REFUSAL = "所选接送人不在{child}的监护人名单中，不能交接"
NOT_AUTHORISED_REFUSAL = "{who} 不是 {child} 的授权接送人，不能接走孩子"


@dataclass(frozen=True)
class PickupCheck:
    """The answer for one person presented to take one child."""

    guardian: Guardian | None  # the family's guardian presented (None: not one of this child's guardians)
    allowed: bool

    @property
    def outsider(self) -> bool:
        return self.guardian is None

    def refusal(self, child: str) -> str:
        """What the member of staff reads when the hand-over is refused (empty when allowed)."""
        if self.allowed:
            return ""
        if self.guardian is None:
            return OUTSIDER_REFUSAL.format(child=child)
        return NOT_AUTHORISED_REFUSAL.format(who=self.guardian.name, child=child)

    def report(self, child: str) -> str:
        """The line a refused hand-over leaves for whoever must know (e.g. the leader on duty)."""
        if self.allowed:
            return ""
        if self.guardian is None:
            return f"有人以不在{child}监护人名单中的身份办理接送，已拒绝交接"
        return f"{self.guardian.name}不是{child}的授权接送人，已拒绝交接"


def pickup_check(child_id: int, guardian_id: int | None) -> PickupCheck:
    """May the guardian `guardian_id` take the child `child_id` home?"""
    link = selectors.guardianship_of(child_id, guardian_id)
    if link is None:
        return PickupCheck(guardian=None, allowed=False)
    return PickupCheck(guardian=link.guardian, allowed=bool(link.can_pickup))
