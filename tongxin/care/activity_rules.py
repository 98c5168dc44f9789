"""What a term's activities should hold (P-64, P-68): pure functions. Legal education by a 法制报告员 once or twice
a term; safety education and a drill every term; left-behind pupils take part at least as often as the others
(活动上优先安排)."""

from collections.abc import Iterable
from dataclasses import dataclass

from .activity_models import ActivityKind

# kind -> (at least, at most or None) per term
PER_TERM = {ActivityKind.LEGAL: (1, 2), ActivityKind.SAFETY: (1, None), ActivityKind.DRILL: (1, None)}


@dataclass(frozen=True)
class TermCheck:
    kind: str
    label: str
    held: int
    least: int
    most: int | None

    @property
    def ok(self) -> bool:
        return self.held >= self.least and (self.most is None or self.held <= self.most)

    @property
    def text(self) -> str:
        wanted = f"{self.least}–{self.most} 次" if self.most else f"至少 {self.least} 次"
        return f"{self.label}：本学期 {self.held} 次（应 {wanted}）"


def term_checks(kinds_held: Iterable[str]) -> list[TermCheck]:
    held = list(kinds_held)
    return [TermCheck(kind, ActivityKind(kind).label, held.count(kind), least, most)
            for kind, (least, most) in PER_TERM.items()]


@dataclass(frozen=True)
class Priority:
    left_behind: int
    left_behind_took_part: int
    others: int
    others_took_part: int

    @staticmethod
    def _share(part: int, whole: int) -> float:
        return round(100 * part / whole, 1) if whole else 0.0

    @property
    def left_behind_share(self) -> float:
        return self._share(self.left_behind_took_part, self.left_behind)

    @property
    def others_share(self) -> float:
        return self._share(self.others_took_part, self.others)

    @property
    def first(self) -> bool:
        """Left-behind pupils took part at least as often as the others."""
        return self.left_behind_share >= self.others_share


def priority(left_behind: set[int], others: set[int], took_part: set[int]) -> Priority:
    return Priority(len(left_behind), len(left_behind & took_part), len(others), len(others & took_part))
