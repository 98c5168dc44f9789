"""The registry's pages: the child list (filters, search, audit of full numbers) and one child's record."""

import re

import pytest
from django.urls import reverse

from tongxin.audit.models import AuditEntry
from tongxin.orgs.models import SchoolClass
from tongxin.people.models import Child

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def list_views(user):
    return AuditEntry.objects.filter(action="view", actor=user, target_type="people.Child", target_id="")


def test_teacher_list_shows_only_her_class_with_masked_ids(login, demo_user):
    teacher = demo_user("teacher")
    class_id = teacher.assignments.get().school_class_id
    page = login("teacher").get(reverse("children")).text
    ids = re.findall(r"<code>([0-9X*]{18})</code>", page)
    pupils = Child.objects.filter(school_class_id=class_id)
    assert len(ids) == pupils.count() > 30
    assert all(re.fullmatch(r"\d{4}\*{10}[\dX]{4}", i) for i in ids)
    assert f"共 {pupils.count()} 名" in page
    for child in pupils:
        assert child.id_number not in page
    assert AuditEntry.objects.filter(action="view", actor=teacher).count() == 0  # a list is not a full read


def test_community_worker_sees_full_ids_in_her_community(login):
    page = login("community").get(reverse("children")).text
    ids = re.findall(r"<code>([0-9X*]{18})</code>", page)
    assert ids and all("*" not in i for i in ids)


def test_search_by_name_initials_and_id(login, demo_user):
    client = login("leader")
    child = Child.objects.filter(school__code="3611990001").order_by("id")[5]
    for query in (child.name, child.initials, child.id_number[-4:], child.id_number, child.id_masked):
        page = client.get(reverse("children"), {"q": query}).text
        assert f'href="/children/{child.pk}/"' in page, query
    outsider = Child.objects.exclude(school__code="3611990001").first()
    page = client.get(reverse("children"), {"q": outsider.id_number}).text
    assert "没有符合条件的儿童" in page


def test_detail_is_audited_and_masked_by_role(login, demo_user):
    teacher = demo_user("teacher")
    child = Child.objects.filter(school_class_id=teacher.assignments.get().school_class_id).first()
    client = login("teacher")
    page = client.get(reverse("child_detail", args=[child.pk]), REMOTE_ADDR="10.1.2.3").text
    assert child.id_masked in page and child.id_number not in page
    guardian = child.guardianships.first().guardian
    assert guardian.phone in page  # class teachers may call the family
    entry = AuditEntry.objects.get(action="view", actor=teacher, target_id=str(child.pk))
    assert entry.ip == "10.1.2.3" and entry.child_id == child.pk and entry.path == f"/children/{child.pk}/"


def test_parent_sees_own_children_but_not_others(login, demo_user):
    parent = demo_user("parent")
    own = Child.objects.filter(guardianships__guardian__user=parent)
    client = login("parent")
    page = client.get(reverse("children")).text
    assert f"共 {own.count()} 名" in page
    detail = client.get(reverse("child_detail", args=[own.first().pk])).text
    assert own.first().id_number in detail
    other = Child.objects.exclude(pk__in=own).first()
    assert client.get(reverse("child_detail", args=[other.pk])).status_code == 403
    assert client.get(reverse("child_detail", args=[999999])).status_code == 404


def test_out_of_scope_detail_is_forbidden_and_not_audited_as_a_read(login, demo_user):
    outsider = Child.objects.exclude(family__community__code="361199100001").first()
    response = login("community").get(reverse("child_detail", args=[outsider.pk]))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="view", target_id=str(outsider.pk)).exists()


def test_leader_can_filter_by_class_and_care_status(login):
    client = login("leader")
    page = client.get(reverse("children"), {"care": "left_behind"}).text
    expected = Child.objects.filter(school__code="3611990001", care_status="left_behind").count()
    assert f"共 {expected} 名" in page


def test_search_by_a_full_width_or_arabic_indic_id_number_finds_the_child(login):
    client = login("leader")
    child = Child.objects.filter(school__code="3611990001").order_by("id")[7]
    for query in (child.id_number.translate(FULL_WIDTH),
                  child.id_number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
                  child.id_number[-4:].translate(FULL_WIDTH)):
        page = client.get(reverse("children"), {"q": query}).text
        assert f'href="/children/{child.pk}/"' in page, query


@pytest.mark.parametrize("params, notice", [
    ({"class": "abc"}, "班级"),
    ({"class": "9" * 30}, "班级"),
    ({"class": "-1"}, "班级"),
    ({"care": "none-such"}, "关爱类别"),
    ({"q": "王\x00"}, "空字符"),
    ({"q": "王" * 65}, "搜索内容"),
])
def test_a_bad_filter_gives_the_unfiltered_list_with_a_chinese_notice(login, params, notice):
    response = login("leader").get(reverse("children"), params)
    assert response.status_code == 400
    page = response.text
    assert notice in page and "已忽略该筛选条件" in page
    assert f"共 {Child.objects.filter(school__code='3611990001').count()} 名" in page


def test_a_class_outside_the_users_classes_is_not_a_filter(login, demo_user):
    teacher = demo_user("teacher")
    other = SchoolClass.objects.exclude(pk=teacher.assignments.get().school_class_id).first()
    response = login("teacher").get(reverse("children"), {"class": other.pk})
    assert response.status_code == 400 and "不在您的查看范围内" in response.text
    assert f"共 {Child.objects.filter(school_class_id=teacher.assignments.get().school_class_id).count()} 名" in response.text


def test_a_good_class_filter_still_applies_next_to_a_bad_care_status(login):
    child = Child.objects.filter(school__code="3611990001").exclude(school_class=None).first()
    page = login("leader").get(reverse("children"), {"class": child.school_class_id, "care": "bogus"}).text
    assert f"共 {Child.objects.filter(school_class_id=child.school_class_id).count()} 名" in page


def test_community_list_of_full_ids_writes_one_audit_row_per_page_naming_the_children(login, demo_user):
    worker = demo_user("community")
    client = login("community")
    page = client.get(reverse("children")).text
    shown = [int(i) for i in re.findall(r'href="/children/(\d+)/"', page)]
    assert shown and re.findall(r"<code>(\d{17}[\dX])</code>", page)
    entry = list_views(worker).get()
    assert sorted(entry.children) == sorted(shown) and entry.fields == ["id_number"]
    assert entry.path == reverse("children") and entry.channel != "api"
    client.get(reverse("children"), {"page": 2})
    assert list_views(worker).count() == 2


def test_masked_list_writes_no_audit_row(login, demo_user):
    login("teacher").get(reverse("children"))
    login("leader").get(reverse("children"))
    assert not AuditEntry.objects.filter(action="view", actor__username__in=["teacher", "leader"]).exists()


def test_empty_list_of_a_full_id_role_writes_no_audit_row(login, demo_user):
    login("community").get(reverse("children"), {"q": "不存在的名字"})
    assert not list_views(demo_user("community")).exists()


def test_detail_with_a_bad_reason_is_refused_and_not_audited(login, demo_user):
    teacher = demo_user("teacher")
    child = Child.objects.filter(school_class_id=teacher.assignments.get().school_class_id).first()
    response = login("teacher").get(reverse("child_detail", args=[child.pk]), {"reason": "核对\x00"})
    assert response.status_code == 400 and "空字符" in response.content.decode()
    assert not AuditEntry.objects.filter(action="view", target_id=str(child.pk)).exists()


def test_a_parent_reading_their_own_child_gets_no_audit_warning(login, demo_user):
    from tongxin.people.models import Child

    parent = demo_user("parent")
    child = Child.objects.filter(guardianships__guardian__user=parent).first()
    page = login("parent").get(f"/children/{child.pk}/").text
    assert "已记入审计日志" not in page and "← 我的孩子" in page
    staff = login("leader").get(f"/children/{child.pk}/").text
    assert "已记入审计日志" in staff
