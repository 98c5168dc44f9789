"""The nursery pages: thin — parse with a form, call one service or selector, render. Who may open what is
`access` over `orgs.scope`; a service's refusal is shown in Chinese and stores nothing."""

from .bills import bill_paid, bills, bills_xlsx
from .circle import circle, circle_township
from .families import book, booking_cancel, mine
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
    "centre_new",
    "centre_settings",
    "centres",
    "contract_end",
    "contracts",
    "county",
    "mine",
    "prices",
    "roster",
    "shift_remove",
    "waitlist",
    "waitlist_answer",
    "circle",
    "circle_township",
]
