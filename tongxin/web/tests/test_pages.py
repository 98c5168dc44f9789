import re

import pytest
from django.urls import reverse

from tongxin.audit.models import AuditEntry
from tongxin.orgs.models import Region
from tongxin.people.models import Child

pytestmark = pytest.mark.django_db


def test_login_page_lists_demo_logins_only_in_demo_mode(client, settings):
    settings.DEMO_MODE = False
    assert "演示账号" not in client.get(reverse("login")).text
    settings.DEMO_MODE = True
    page = client.get(reverse("login")).text
    assert "演示账号" in page and "tongxin2026" in page
    for username in ("teacher", "leader", "community", "township", "county_edu", "county_civil", "volunteer", "parent", "admin"):
        assert f"<code>{username}</code>" in page


def test_login_with_password_and_audit(client):
    response = client.post(reverse("login"), {"username": "teacher", "password": "tongxin2026"})
    assert response.status_code == 302 and response.url == reverse("home")
    assert AuditEntry.objects.filter(action="login", actor__username="teacher").exists()
    client.logout()
    client.post(reverse("login"), {"username": "teacher", "password": "wrong"})
    assert AuditEntry.objects.filter(action="login_failed", reason__contains="teacher").exists()


def test_pages_require_login(client):
    for name in ("home", "children", "tokens"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("username, expected", [
    ("teacher", "本班学生"), ("leader", "全校学生"), ("community", "辖区儿童"), ("township", "全镇儿童"),
    ("county_edu", "全县学生"), ("county_civil", "全县儿童"), ("volunteer", "结对儿童"), ("parent", "我的孩子"),
    ("admin", "系统管理"),
])
def test_home_page_per_role(login, username, expected):
    page = login(username).get(reverse("home")).text
    assert expected in page


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


def test_admin_can_browse_audit_log(login):
    client = login("admin")
    client.get(reverse("child_detail", args=[Child.objects.first().pk]))
    page = client.get("/admin/audit/auditentry/").text
    assert "查看" in page and "系统管理员" in page


def test_admin_change_view_read_and_write_are_audited(login, demo_user):
    child = Child.objects.filter(family__community=Region.objects.get(code="361199100001")).first()
    client = login("admin")
    assert client.get(f"/admin/people/child/{child.pk}/change/").status_code == 200
    assert AuditEntry.objects.filter(action="view", target_id=str(child.pk), reason="后台查看").exists()


def test_api_tokens_page_issues_and_revokes(login, demo_user):
    client = login("leader")
    page = client.post(reverse("tokens"), {"name": "数据对接"}).text
    key = re.search(r"(txk_[\w-]+)", page).group(1)
    api = client.__class__()
    assert api.get("/api/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    token = demo_user("leader").api_tokens.get()
    client.post(reverse("tokens"), {"revoke": token.pk})
    assert api.get("/api/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401
