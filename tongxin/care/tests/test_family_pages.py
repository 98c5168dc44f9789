"""The pages of 动态管理: the family-change form (bad input answered on the form with a 400, never a 500, nothing
stored — NUL characters and over-long text too, which PostgreSQL refuses), the review shown on the file page, the
to-do and the ledger."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.care import services
from tongxin.care.models import CareFile, FileVersion
from tongxin.orgs.models import RoleAssignment
from tongxin.orgs.services import issue_api_token
from tongxin.people.models import Guardian, Guardianship

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def file(demo_user) -> CareFile:
    """A left-behind file (set by hand) of the demo teacher's class, with a father who is at home and the child's
    main carer."""
    klass = RoleAssignment.objects.get(user=demo_user("teacher")).school_class
    found = CareFile.objects.filter(child__school_class=klass).order_by("pk").first()
    Guardianship.objects.filter(child=found.child).delete()
    father = Guardian.objects.create(family=found.child.family, name="页面父", gender="M", phone="13800138000")
    Guardianship.objects.create(child=found.child, guardian=father, relationship="father", is_primary=True)
    CareFile.objects.filter(pk=found.pk).update(override="left_behind", override_reason="村委核实")
    services.rederive(None, [CareFile.objects.get(pk=found.pk)], TODAY, note="测试准备")
    found = CareFile.objects.get(pk=found.pk)
    found.father = father
    return found


def _stored(file) -> tuple:
    return (list(Guardian.objects.filter(family=file.child.family).values()), FileVersion.objects.count(),
            CareFile.objects.filter(pk=file.pk).values_list("review_from", "category").get())


def _post(client, file, **data):
    return client.post(reverse("care:family_change", args=[file.pk]),
                       {"guardian": file.father.pk, "change": "away", "day": f"{TODAY:%Y-%m-%d}",
                        "work_city": "东莞", "note": ""} | data)


def test_the_form_lists_the_childs_parents_and_carers_and_preselects_the_one_asked_for(login, file):
    response = login("teacher").get(reverse("care:family_change", args=[file.pk]) + f"?guardian={file.father.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{file.father.pk}" selected>父亲页面父（主要照料人）</option>' in html
    assert "外出务工（或更换务工地）" in html and 'data-when="change"' in html


def test_a_parent_going_away_is_saved_and_the_file_page_and_the_to_do_ask_for_a_review(login, file):
    client = login("teacher")
    response = _post(client, file, note="家访得知")
    assert response.status_code == 302 and response.url == reverse("care:file", args=[file.pk])
    father = Guardian.objects.get(pk=file.father.pk)
    assert father.works_away and father.work_city == "东莞" and father.away_since == TODAY
    page = client.get(reverse("care:file", args=[file.pk])).content.decode()
    assert "情况变动，需复核" in page and "父亲页面父外出务工" in page and "请重新进行风险评估" in page
    assert "父亲页面父·外出务工" in page  # the version, with who and when
    todo = client.get(reverse("care:todo")).content.decode()
    assert 'id="reviews"' in todo and "父亲页面父外出务工" in todo
    ledger = client.get(reverse("care:ledger") + "?only=review").content.decode()
    assert file.child.name in ledger and "家庭变动待复核" in ledger


def test_the_to_do_api_lists_the_review_as_the_page_does(login, file, demo_user):
    _post(login("teacher"), file)
    _, key = issue_api_token(demo_user("teacher"), "test")
    body = Client(headers={"Authorization": f"Bearer {key}"}).get("/api/care/todo").json()
    assert body["reviews"] == [{"file_id": file.pk, "child": file.child.name, "school_class": body["reviews"][0][
        "school_class"], "since": f"{TODAY:%Y-%m-%d}", "reason": "父亲页面父外出务工"}]


LONG = "长" * 10_000


@pytest.mark.parametrize("data, field_text", [
    ({"change": ""}, "请选择发生了什么变动"),
    ({"change": "fly"}, "请选择发生了什么变动"),
    ({"guardian": "999999999"}, "请选择这名儿童的家长或监护人"),
    ({"guardian": "abc"}, "请选择这名儿童的家长或监护人"),
    ({"day": ""}, "请填写变动日期"),
    ({"day": "2026-13-40"}, "日期格式"),
    ({"day": f"{TODAY + dt.timedelta(days=1):%Y-%m-%d}"}, "不能晚于今天"),
    ({"day": "1900-01-01"}, "不合理"),
    ({"work_city": ""}, "请填写务工城市"),
    ({"work_city": LONG}, "32"),
    ({"work_city": "东\x00莞"}, "空"),
    ({"note": "a\x00b"}, "空"),
    ({"note": LONG}, "200"),
    ({"change": "phone", "phone": "12345"}, "手机号码应为11位"),
    ({"change": "phone", "phone": "１３９００１３９０００" + "\x00"}, "空"),
    ({"change": "address", "address": LONG}, "128"),
    ({"change": "health", "health": ""}, "请填写现在的身体状况"),
    ({"change": "returned"}, "目前未登记外出务工"),  # refused by the service: shown on the form too
])
def test_bad_input_is_answered_on_the_form_in_chinese_with_a_400_and_nothing_stored(login, file, data, field_text):
    before = _stored(file)
    response = _post(login("teacher"), file, **data)
    assert response.status_code == 400
    assert field_text in response.content.decode()
    assert _stored(file) == before


def test_opening_the_form_is_audited_as_a_read_of_the_carers_and_a_refused_post_writes_nothing(login, file):
    client = login("teacher")
    entries = AuditEntry.objects.filter(target_type="care.CareFile", target_id=str(file.pk), fields=["guardians"])
    client.get(reverse("care:family_change", args=[file.pk]))
    assert entries.count() == 1
    total = AuditEntry.objects.count()
    assert _post(client, file, work_city="").status_code == 400
    assert AuditEntry.objects.count() == total


def test_what_was_typed_into_a_field_the_change_does_not_need_neither_blocks_nor_is_saved(login, file):
    response = _post(login("teacher"), file, phone="12345", address="长" * 500, health="\x00")
    assert response.status_code == 302
    father = Guardian.objects.get(pk=file.father.pk)
    assert father.works_away and father.phone == "13800138000" and father.address == "" and father.health == ""


def test_someone_who_only_reads_the_file_cannot_open_or_post_the_form(login, file):
    for username in ("county_edu", "volunteer", "parent"):
        client = login(username)
        assert client.get(reverse("care:family_change", args=[file.pk])).status_code == 403
        assert _post(client, file).status_code == 403
    assert not Guardian.objects.get(pk=file.father.pk).works_away
