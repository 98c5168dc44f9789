"""Recording heights and weights, and the growth pages: who records, who reads, what is refused."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.nursery import rules_growth as G
from tongxin.nursery.choices import CareType
from tongxin.nursery.models import Measurement
from tongxin.nursery.selectors import growth
from tongxin.nursery.services import contracts as contract_svc
from tongxin.nursery.services import growth as growth_svc

from .conftest import TODAY, at

pytestmark = pytest.mark.django_db


def YESTERDAY() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


@pytest.fixture
def child(net):
    c = net.infant(22)
    start = min(TODAY, timezone.localdate()) - dt.timedelta(days=120)  # the pages run on the real day
    net.give_health(c, checked_on=start - dt.timedelta(days=10), doses=False)  # admitted after an entry check
    contract_svc.contract_create(net.manager, room_id=net.rooms["托小班"].pk, child_id=c.pk,
                                 care_type=CareType.FULL_DAY, starts_on=start, today=start, now=at(start))
    return c


def _median(measure, child, day):
    return G.value_at_z(G.lms_at(measure, child.gender, G.age_months_exact(child.birth_date, day)), 0)


def record(net, child, *, days_ago=0, z_w=0.0, who=None, h=None, w=None, today=TODAY):
    day = today - dt.timedelta(days=days_ago)
    lms = G.lms_at(G.WEIGHT, child.gender, G.age_months_exact(child.birth_date, day))
    weight = w if w is not None else Decimal(f"{G.value_at_z(lms, z_w):.2f}")
    height = h if h is not None else Decimal(f"{_median(G.HEIGHT, child, day):.1f}")
    return growth_svc.measurement_record(who or net.carers[0], centre_id=net.centre.pk, child_id=child.pk,
                                         measured_on=day, height_cm=height, weight_kg=weight, today=today)


def test_a_carer_records_a_measurement_with_one_audit_entry(net, child):
    before = AuditEntry.objects.count()
    m = record(net, child)
    assert m.measured_by == net.carers[0]
    assert AuditEntry.objects.count() == before + 1


def test_a_future_day_is_refused(net, child):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        record(net, child, days_ago=-1)


def test_a_second_measurement_the_same_day_is_refused(net, child):
    record(net, child)
    with pytest.raises(ValidationError, match="已有测量记录"):
        record(net, child)
    assert Measurement.objects.filter(child=child).count() == 1


def test_an_implausible_weight_for_the_age_is_refused(net, child):
    with pytest.raises(ValidationError, match="请核对"):
        record(net, child, w=Decimal("29.00"))


def test_a_weight_out_of_range_is_refused(net, child):
    with pytest.raises(ValidationError, match="体重应在"):
        record(net, child, w=Decimal("0.50"))


def test_a_day_before_the_child_was_in_care_is_refused(net, child):
    with pytest.raises(ValidationError, match="不在本机构托育"):
        record(net, child, days_ago=400)


def test_someone_not_working_at_the_centre_may_not_record(net, child, demo_user):
    with pytest.raises(PermissionDenied):
        record(net, child, who=demo_user("nursery"))
    assert not Measurement.objects.filter(child=child).exists()


def test_a_child_losing_two_centile_lines_shows_on_the_centres_list(net, child):
    record(net, child, days_ago=90, z_w=0.3)
    record(net, child, days_ago=0, z_w=-1.3)
    rows = growth.centre_children(net.centre, today=TODAY)
    assert [a.kind for a in rows[0].alerts] == ["down"]


def test_the_parent_reads_their_own_childs_page(net, child, client):
    record(net, child)
    client.force_login(net.parent)
    response = client.get(reverse("nursery:child_growth", args=[child.pk]))
    assert response.status_code == 200
    assert b"<svg" in response.content


def test_the_parent_may_not_record(net, child, client):
    client.force_login(net.parent)
    response = client.post(reverse("nursery:child_growth", args=[child.pk]),
                           {"measured_on": TODAY.isoformat(), "height_cm": "80.0", "weight_kg": "10.5"})
    assert response.status_code == 403
    assert not Measurement.objects.filter(child=child).exists()


def test_another_parent_may_not_read_the_child(net, child, client, demo_user):
    client.force_login(demo_user("nparent"))
    assert client.get(reverse("nursery:child_growth", args=[child.pk])).status_code == 403


def test_a_carer_records_on_the_page(net, child, client):
    client.force_login(net.carers[1])
    response = client.post(reverse("nursery:child_growth", args=[child.pk]),
                           {"measured_on": YESTERDAY().isoformat(), "height_cm": "81.0",
                            "weight_kg": "10.50"})
    assert response.status_code in (200, 302)
    assert Measurement.objects.filter(child=child).count() == 1


@pytest.mark.parametrize(("field", "value"), [("height_cm", "abc"), ("height_cm", "8\x000"), ("weight_kg", "99"),
                                              ("weight_kg", "10.555"), ("measured_on", "2027-13-01"),
                                              ("height_cm", "1" * 300)])
def test_bad_input_is_refused_in_chinese_and_nothing_stored(net, child, client, field, value):
    client.force_login(net.carers[1])
    data = {"measured_on": YESTERDAY().isoformat(), "height_cm": "81.0", "weight_kg": "10.50", field: value}
    response = client.post(reverse("nursery:child_growth", args=[child.pk]), data)
    assert response.status_code == 400
    messages = [m for errs in response.context["form"].errors.values() for m in errs]
    assert messages and all(re.search("[\u4e00-\u9fff]", m) for m in messages)
    assert not Measurement.objects.filter(child=child).exists()


def test_the_chart_draws_the_five_centile_lines_and_the_childs_points():
    from tongxin.nursery.growth_chart import chart
    svg = chart(G.WEIGHT, "M", [(3.0, 6.4), (6.0, 7.9)], "年龄别体重")
    assert svg.count("<polyline") == 6
    assert svg.count("<circle") == 2
    assert "<script" not in svg


def test_the_demo_measures_the_children_in_care_and_a_few_need_a_look(demo_user):
    from tongxin.nursery.models import Centre
    today = timezone.localdate()
    rows = [r for c in Centre.objects.order_by("pk") for r in growth.centre_children(c, today=today)]
    kinds = [a.kind for r in rows for a in r.alerts]
    assert sum(1 for r in rows if r.last_on) >= len(rows) // 2
    assert "down" in kinds and "low" in kinds
    assert sum(1 for r in rows if r.alerts) < len(rows) // 2


def test_the_centres_page_puts_the_children_to_look_at_first_and_the_rest_one_line_each(demo_user, client):
    from tongxin.nursery.models import Centre

    centre = Centre.objects.filter(kind="centre").order_by("pk").first()
    rows = growth.centre_children(centre, today=timezone.localdate())
    alerted = sum(1 for r in rows if r.alerts)
    assert 0 < alerted < len(rows)
    client.force_login(demo_user("nursery"))
    page = client.get(reverse("nursery:centre_growth", args=[centre.pk])).content.decode()
    assert page.count('<section class="card">') == alerted
    assert page.count("<tr>") - 1 == len(rows) - alerted  # the table's head row, then one a child
    assert page.index("需关注") < page.index("其他幼儿")
