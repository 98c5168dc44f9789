"""No place sold twice: two families booking the class's last place at the same moment, and two managers signing
the last place, on PostgreSQL (SQLite serialises writers: the race cannot happen there)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tongxin.nursery.choices import CareType
from tongxin.nursery.models import Booking, Contract
from tongxin.nursery.services import bookings as booking_svc
from tongxin.nursery.services import contracts as contract_svc

from .conftest import TODAY, at, t

TUE = TODAY.replace(day=2)


def race(*calls):
    """Run the calls in threads released together; each returns "ok" or the refusal."""
    barrier = threading.Barrier(len(calls))
    results: list[str] = []

    def run(call):
        try:
            barrier.wait()
            call()
            results.append("ok")
        except ValidationError as exc:
            results.append("；".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_families_booking_the_last_place_at_once_get_it_once(net):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: the race needs a server database")
    net.shift("托小班", TUE, 0, "07:30", "18:00")  # one carer: five children
    for _ in range(4):
        booking_svc.booking_create(net.manager, centre_id=net.centre.pk, child_id=net.infant(18).pk, day=TUE,
                                   start=t("09:00"), end=t("12:00"), today=TODAY, now=at(TODAY))
    a, b = net.infant(18), net.infant(18)

    def booking(child):
        return lambda: booking_svc.booking_create(net.manager, centre_id=net.centre.pk, child_id=child.pk, day=TUE,
                                                  start=t("10:00"), end=t("11:00"), today=TODAY, now=at(TODAY))

    results = race(booking(a), booking(b))
    assert sorted(results) == ["10:00–11:00 托小班在岗保育人员 1 人，最多照护 5 名幼儿，已有 5 名", "ok"]
    assert Booking.objects.filter(room=net.rooms["托小班"], day=TUE).count() == 5


@pytest.mark.django_db(transaction=True)
def test_two_contracts_for_the_last_place_at_once_are_signed_once(net):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: the race needs a server database")
    room = net.rooms["乳儿班"]
    room.places = 1
    room.save()
    a, b = net.infant(8), net.infant(8)

    def contract(child):
        return lambda: contract_svc.contract_create(net.manager, room_id=room.pk, child_id=child.pk,
                                                    care_type=CareType.FULL_DAY, starts_on=TODAY, today=TODAY,
                                                    now=at(TODAY))

    results = race(contract(a), contract(b))
    assert sorted(results) == ["3月1日 07:30–18:00 乳儿班已满：最多 1 名幼儿，已有 1 名", "ok"]
    assert Contract.objects.filter(room=room).count() == 1
