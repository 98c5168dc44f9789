"""The nursery pages: thin — parse with a form, call one service or selector, render. Who may open what is
`access` over `orgs.scope`; a service's refusal is shown in Chinese and stores nothing."""

from .bills import bill_paid, bills, bills_xlsx
from .circle import circle, circle_township
from .circle_positions import community_positions, positions
from .classes import (
    activities,
    centre_classes,
    class_book,
    family_week,
    my_classes,
    parent_class,
    plan_remove,
    plans,
    seat_cancel,
    seat_feedback,
)
from .day import child_day, day_centre, day_room
from .families import book, booking_cancel, mine
from .growth import centre_growth, child_growth, growth_mine
from .health import centre_health, child_health
from .network import centre, centres, contract_end, contracts, roster, shift_remove, waitlist, waitlist_answer
from .settings import county, prices
from .setup import centre_new, centre_settings

__all__ = [
    "bill_paid",
    "bills",
    "bills_xlsx",
    "book",
    "booking_cancel",
    "centre",
    "centre_health",
    "centre_new",
    "centre_settings",
    "centres",
    "child_health",
    "contract_end",
    "contracts",
    "county",
    "mine",
    "prices",
    "roster",
    "shift_remove",
    "waitlist",
    "waitlist_answer",
    "child_day",
    "day_centre",
    "day_room",
    "centre_growth",
    "child_growth",
    "growth_mine",
    "activities",
    "centre_classes",
    "class_book",
    "family_week",
    "my_classes",
    "parent_class",
    "plan_remove",
    "plans",
    "seat_cancel",
    "seat_feedback",
    "circle",
    "circle_township",
    "positions",
    "community_positions",
]
