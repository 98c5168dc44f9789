"""What the nursery services share: reading a child's age and household through the registry's selectors, a text
checked before it is stored, the room locked for a check that must not race."""

import datetime as dt

from django.core.exceptions import ValidationError

from tongxin.db import stored_text as text  # noqa: F401 (the services import it from here)
from tongxin.people import selectors as people

from .. import rules
from ..models import Room


def birth_of(child_id: int) -> dt.date:
    found = people.birth_and_school([child_id]).get(child_id)
    if found is None:
        raise ValidationError("未找到该幼儿的登记信息")
    return found[0]


def age_on(child_id: int, day: dt.date) -> int:
    return rules.age_in_months(birth_of(child_id), day)


def locked_room(room_id: int) -> Room:
    """The room, its row locked until the transaction ends: every check of who fits in it, and the write that
    follows, run one at a time per room (no place is sold twice under concurrent requests). SQLite serialises
    writers by itself (IMMEDIATE transactions)."""
    room = Room.objects.select_for_update(of=("self",)).select_related("centre__site__region").filter(
        pk=room_id).first()
    if room is None:
        raise ValidationError("未找到该班级")
    return room


def locked_rooms(room_ids: list[int]) -> list[Room]:
    """Several rooms locked in one order (by id), so that two requests never wait on each other."""
    return [locked_room(pk) for pk in sorted(set(room_ids))]


def day_label(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"
