"""Two parents taking a class's last seat at the same moment: one gets it (PostgreSQL; SQLite serialises writers)."""

import datetime as dt

import pytest
from django.db import connection

from tongxin.nursery.models_classes import Seat
from tongxin.nursery.services import classes as svc

from .conftest import TODAY, at
from .test_concurrency import race


@pytest.mark.django_db(transaction=True)
def test_two_parents_taking_the_last_seat_at_once_get_it_once(net, django_user_model):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: the race needs a server database")
    found = svc.class_create(actor=net.manager, centre_id=net.centre.pk, kind="talk", title="睡眠答疑", speaker="周医生",
                             starts_at=at(TODAY + dt.timedelta(days=5), 9), minutes=60, place="多功能室",
                             online=False, seats=1, now=at(TODAY))
    parents = []
    for i in range(2):
        net.parent = django_user_model.objects.create(username=f"race_parent_{i}")
        net.infant(10)
        parents.append(net.parent)

    def book(user):
        return lambda: svc.seat_book(actor=user, class_id=found.pk, now=at(TODAY))

    results = race(book(parents[0]), book(parents[1]))
    assert sorted(results) == ["ok", "「睡眠答疑」名额已满（1 人）"]
    assert Seat.objects.filter(parent_class=found).count() == 1
