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
    for username in ("teacher", "subject", "leader", "community", "township", "county_edu", "county_civil", "volunteer",
                     "parent", "admin"):
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
    ("teacher", "本班学生"), ("subject", "每月谈心"), ("leader", "全校学生"), ("community", "辖区儿童"), ("township", "全镇儿童"),
    ("county_edu", "全县学生"), ("county_civil", "全县儿童"), ("volunteer", "结对儿童"), ("parent", "我的孩子"),
    ("admin", "系统管理"),
])
def test_home_page_per_role(login, username, expected):
    page = login(username).get(reverse("home")).text
    assert expected in page


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
