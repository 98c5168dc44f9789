"""Hours: signed custody duty and care contacts count; the township totals add them up; letters and training."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tongxin.care.models import ContactRecord
from tongxin.custody.models import RosterShift
from tongxin.volunteers import rules
from tongxin.volunteers.models import Letter, Person
from tongxin.volunteers.selectors import hours, newcomer
from tongxin.volunteers.services import training

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def _at(day, h, m=0):
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=TZ)


def test_a_signed_duty_counts_its_credited_hours_and_an_unsigned_one_nothing(demo_user, winter_period):
    volunteer = demo_user("volunteer")
    day1, day2 = dt.date(2027, 1, 18), dt.date(2027, 1, 19)
    RosterShift.objects.create(programme=winter_period.programme, date=day1, staff=volunteer, duty="volunteer",
                               start=dt.time(13, 30), end=dt.time(17, 30), state="accepted", rostered_by=volunteer,
                               signed_in_at=_at(day1, 13, 30), signed_out_at=_at(day1, 16, 30))
    RosterShift.objects.create(programme=winter_period.programme, date=day2, staff=volunteer, duty="volunteer",
                               start=dt.time(13, 30), end=dt.time(17, 30), state="accepted", rostered_by=volunteer,
                               signed_in_at=_at(day2, 13, 30))
    duties = [s for s in hours.services_of([volunteer.pk], until=day2)[volunteer.pk] if s.kind == "托管值班"
              and s.day >= day1]
    assert [(s.day, s.hours) for s in duties] == [(day1, Decimal("3.0"))]


def test_each_care_contact_counts_the_set_hours(demo_user):
    volunteer = demo_user("volunteer")
    contacts = ContactRecord.objects.filter(by=volunteer).count()
    care = [s for s in hours.services_of([volunteer.pk])[volunteer.pk] if s.kind == "关爱帮扶"]
    assert len(care) == contacts and all(s.hours == rules.CONTACT_HOURS for s in care)


def test_the_township_totals_add_up_the_peoples_hours(demo_user):
    county = demo_user("county_edu")
    table = hours.area_totals(county)
    rows = table.rows
    people = Person.objects.filter(state="accepted", home__path__startswith="/361199000000/")
    everyone = hours.services_of(list(people.values_list("user_id", flat=True)))
    assert sum(r.people for r in rows) == people.count()
    assert sum(r.hours for r in rows) == sum(hours.total(v) for v in everyone.values())
    assert {r.area for r in rows} == {"城关镇", "滨河街道", "石门乡"} and table.by == "乡镇（街道）"
    assert (table.total.people, table.total.hours) == (people.count(), sum(r.hours for r in rows))


def test_a_community_reads_its_hours_by_community_not_under_its_townships_name(demo_user):
    table = hours.area_totals(demo_user("community"))
    assert table.by == "居住社区（村）" and "城关镇" not in {r.area for r in table.rows}


def test_the_certificate_is_a_pdf(login):
    person = Person.objects.get(user__username="volunteer")
    response = login("volunteer").get(reverse("volunteers:certificate", args=[person.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_ledger_is_a_workbook(login):
    response = login("township").get(reverse("volunteers:ledger_xlsx"))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_a_letter_is_kept_with_the_text_signed(registered):
    person = registered()
    letter = training.letter_sign(actor=person.user, kind="safety", now=timezone.now())
    assert Letter.objects.get(pk=letter.pk).text == rules.LETTER_TEXTS["safety"]


def test_a_letter_already_signed_is_not_signed_twice_nor_offered_again(registered, client):
    person = registered()
    training.letter_sign(actor=person.user, kind="safety", now=timezone.now())
    with pytest.raises(ValidationError, match="无需重复签署"):
        training.letter_sign(actor=person.user, kind="safety", now=timezone.now())
    client.force_login(person.user)
    page = client.get(reverse("volunteers:mine")).content.decode()
    assert "我已阅读并签署服务质量责任书" in page and "我已阅读并签署服务安全责任书" not in page
    assert Letter.objects.filter(person=person).count() == 1


def test_a_newcomer_works_alongside_until_the_services_the_county_asks(registered, demo_user):
    person = registered()
    state = newcomer(person, on=dt.date(2026, 12, 5))
    assert not state.may_work_alone and state.services_before_alone == 3
    assert any("满 3 次后才能独立服务" in p for p in state.problems)


def test_the_county_sets_the_newcomer_rule(registered, demo_user):
    training.rule_set(actor=demo_user("county_edu"), training_hours_before=Decimal("4"), services_before_alone=5)
    state = newcomer(registered(), on=dt.date(2026, 12, 5))
    assert (state.training_needed, state.services_before_alone) == (Decimal("4.0"), 5)


def test_the_rule_form_shows_the_rule_in_force_the_default_and_then_the_countys(login, demo_user):
    def shown(response) -> tuple[str, str]:
        page = response.content.decode()
        return (re.search(r'name="training_hours_before" value="([^"]*)"', page).group(1),
                re.search(r'name="services_before_alone" value="([^"]*)"', page).group(1))

    client = login("county_edu")
    assert shown(client.get(reverse("volunteers:hours"))) == ("2", "3")
    training.rule_set(actor=demo_user("county_edu"), training_hours_before=Decimal("4.5"), services_before_alone=5)
    assert shown(client.get(reverse("volunteers:hours"))) == ("4.5", "5")


def test_a_training_in_the_future_is_refused(registered, demo_user):
    person = registered()
    with pytest.raises(ValidationError, match="晚于今天"):
        training.training_record(actor=demo_user("community"), person_id=person.pk, phase="before", title="岗前培训",
                                 held_on=dt.date(2026, 12, 6), hours=2, today=dt.date(2026, 12, 5))
