"""Aid (P-62, P-63): the guide's shares and the receipt threshold, recording aid and its refusals, each school's
shares against counts made here from the raw rows, aid by category, the pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tongxin.care import aid_rules as ar
from tongxin.care.aid_models import AidKind, AidRecord
from tongxin.care.selectors import aid as sel
from tongxin.care.services import aid as svc
from tongxin.orgs.models import RoleAssignment, School
from tongxin.people.models import Child

TODAY = dt.date(2026, 12, 4)


# ---------------------------------------------------------------- rules


def test_shares_count_each_child_once_against_the_guide():
    s = ar.shares(100, {1, 2, 3}, {3, 4, 5, 6})
    assert (s.cash_percent, s.material_percent, s.either_percent) == (3.0, 4.0, 6.0)
    assert not s.over_cap and s.notes() == []


def test_more_than_half_aided_is_flagged():
    s = ar.shares(10, {1, 2, 3}, {4, 5, 6})
    assert s.over_cap and any("超过指导比例上限 50%" in n for n in s.notes())
    assert any("现金帮扶占 30.0%" in n for n in s.notes())


def test_no_pupils_means_no_division_by_zero():
    assert ar.shares(0, set(), set()).either_percent == 0.0


def test_receipts_from_200_yuan():
    assert not ar.needs_receipt(Decimal("199.99")) and ar.needs_receipt(Decimal("200"))


@pytest.mark.parametrize(("on", "start"), [(dt.date(2026, 8, 31), dt.date(2025, 9, 1)),
                                           (dt.date(2026, 9, 1), dt.date(2026, 9, 1)),
                                           (dt.date(2027, 1, 1), dt.date(2026, 9, 1))])
def test_the_school_year_runs_from_september(on, start):
    assert ar.school_year(on) == (start, dt.date(start.year + 1, 8, 31))


# ---------------------------------------------------------------- recording


def _pupil_of(username):
    a = RoleAssignment.objects.get(user__username=username)
    return Child.objects.filter(school_class=a.school_class).order_by("pk").first()


def _add(user, child, **kw):
    values = {"kind": AidKind.CASH, "donor": "县慈善总会", "what": "助学金", "amount": "500", "given_on": TODAY} | kw
    return svc.aid_add(user, child_id=child.pk, today=TODAY, **values)


def test_a_gift_of_200_or_more_gets_the_next_receipt_number_of_the_school_and_year(demo_user):
    child = _pupil_of("teacher")
    first = _add(demo_user("teacher"), child, given_on=dt.date(2025, 12, 1))
    second = _add(demo_user("teacher"), child, given_on=dt.date(2025, 12, 2))
    assert first.receipt_no.startswith(f"JZ-{child.school.code}-2025-")
    assert int(second.receipt_no[-4:]) == int(first.receipt_no[-4:]) + 1


@pytest.mark.parametrize(("kind", "amount"), [(AidKind.CASH, "199.99"), (AidKind.SUBSIDY, "1000"),
                                              (AidKind.NUTRITION, "0")])
def test_small_gifts_and_policy_aid_get_no_receipt(demo_user, kind, amount):
    assert _add(demo_user("teacher"), _pupil_of("teacher"), kind=kind, amount=amount).receipt_no == ""


@pytest.mark.parametrize(("values", "message"), [
    ({"kind": "gold"}, "请选择资助类别"), ({"donor": " "}, "请填写资助方"), ({"what": "有\x00"}, "无效字符"),
    ({"what": "字" * 129}, "最多 128 字"), ({"amount": "abc"}, "金额应为数字"), ({"amount": "-1"}, "0 到 100 万"),
    ({"amount": "0"}, "现金帮扶请填写金额"), ({"given_on": TODAY + dt.timedelta(days=1)}, "不能晚于今天"),
])
def test_bad_aid_is_refused_in_chinese_and_nothing_stored(demo_user, values, message):
    before = AidRecord.objects.count()
    with pytest.raises(ValidationError, match=message):
        _add(demo_user("teacher"), _pupil_of("teacher"), **values)
    assert AidRecord.objects.count() == before


def test_only_those_keeping_the_ledger_record_aid_for_their_own_children(demo_user):
    child = _pupil_of("teacher")
    for username in ("volunteer", "parent", "county_edu", "leader4"):
        with pytest.raises(PermissionDenied):
            _add(demo_user(username), child)
    assert _add(demo_user("leader"), child).school == child.school


# ---------------------------------------------------------------- figures


def test_each_schools_shares_match_counts_from_the_rows(demo_user):
    found = sel.aid_page(demo_user("county_civil"), today=TODAY)
    year = ar.school_year(TODAY)
    assert len(found.schools) == School.objects.count()
    for row in found.schools:
        school = School.objects.get(name=row.school)
        enrolled = Child.objects.filter(school=school, school_class__isnull=False).count()
        records = AidRecord.objects.filter(school=school, given_on__range=year)
        cash = set(records.filter(kind=AidKind.CASH).values_list("child_id", flat=True))
        material = set(records.filter(kind=AidKind.MATERIAL).values_list("child_id", flat=True))
        assert (row.shares.enrolled, row.shares.cash, row.shares.material, row.shares.either) == (
            enrolled, len(cash), len(material), len(cash | material))
    assert any(r.shares.over_cap for r in found.schools)  # the demo's 城关第二小学


def test_aid_by_category_adds_up_to_the_records(demo_user):
    found = sel.aid_page(demo_user("county_civil"), today=TODAY)
    year = ar.school_year(TODAY)
    records = AidRecord.objects.filter(given_on__range=year)
    assert sum(r.amount for r in found.by_category) == sum(r.amount for r in records)
    for kind in (AidKind.CASH, AidKind.MATERIAL):
        label = AidKind(kind).label
        assert sum(r.children for r in found.by_category if r.kind == label) == (
            records.filter(kind=kind).values("child_id").distinct().count())


def test_a_leader_sees_only_their_schools_shares(demo_user):
    found = sel.aid_page(demo_user("leader"), today=TODAY)
    assert [s.school for s in found.schools] == ["青溪县实验小学"] and found.by_category == []


# ---------------------------------------------------------------- pages


def test_recording_on_the_page_opens_the_receipt(login):
    child = _pupil_of("teacher")
    client = login("teacher")
    response = client.post(reverse("care:aid") + f"?child={child.pk}", {
        "kind": "cash", "donor": "在外乡贤 王先生", "what": "助学金", "amount": "600",
        "given_on": TODAY.isoformat()})
    found = AidRecord.objects.filter(child=child, donor="在外乡贤 王先生").get()
    assert response.status_code == 302 and response.url == reverse("care:aid_receipt", args=[found.pk])
    page = client.get(response.url).content.decode()
    assert "捐赠收据" in page and found.receipt_no in page and child.name in page


@pytest.mark.parametrize("query", [{"child": "x"}, {"page": "0"}, {"q": "\x00"}])
def test_bad_aid_page_input_is_400(login, query):
    assert login("teacher").get(reverse("care:aid"), query).status_code == 400


def test_a_form_with_a_bad_amount_is_400(login):
    child = _pupil_of("teacher")
    response = login("teacher").post(reverse("care:aid") + f"?child={child.pk}", {
        "kind": "cash", "donor": "x", "what": "y", "amount": "1e309", "given_on": TODAY.isoformat()})
    assert response.status_code == 400


def test_a_receipt_for_aid_without_one_is_404(login):
    plain = AidRecord.objects.filter(receipt_no="", school__name="青溪县实验小学").first()
    assert login("leader").get(reverse("care:aid_receipt", args=[plain.pk])).status_code == 404


def test_the_roles_that_do_not_keep_records_cannot_post(login):
    child = _pupil_of("teacher")
    assert login("county_edu").post(reverse("care:aid") + f"?child={child.pk}", {}).status_code == 403
