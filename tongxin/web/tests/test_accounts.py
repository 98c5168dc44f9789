"""Login throttling (django-axes), the self-service password change, and the shell's error pages in Chinese."""

import json
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.views.defaults import bad_request, server_error

from tongxin.audit.models import AuditEntry
from tongxin.demo import DEMO_LOGINS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 5


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def visible_text(html):
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S))


def attempt(username, password, ip, path=None, **headers):
    return Client(REMOTE_ADDR=ip, **headers).post(path or reverse("login"), {"username": username, "password": password})


def fail(username, ip, times=LIMIT):
    return [attempt(username, "wrong-password", ip) for _ in range(times)]


def test_wrong_passwords_then_the_right_one_is_refused_once_the_account_is_locked():
    responses = fail("teacher", "10.0.0.1")
    assert [r.status_code for r in responses] == [200] * (LIMIT - 1) + [429]
    response = attempt("teacher", DEMO_PASSWORD, "10.0.0.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in response.client.session


def test_a_locked_account_is_locked_from_another_address_too():
    fail("teacher", "10.0.0.1")
    response = attempt("teacher", DEMO_PASSWORD, "10.0.0.2")
    assert response.status_code == 429
    assert attempt("leader", DEMO_PASSWORD, "10.0.0.2").status_code == 302  # the other address itself is free


def test_failures_from_one_address_lock_it_for_every_account():
    for username in ("teacher", "leader", "parent", "nobody", "admin"):
        attempt(username, "wrong-password", "10.0.0.3")
    assert attempt("community", DEMO_PASSWORD, "10.0.0.3").status_code == 429
    assert attempt("community", DEMO_PASSWORD, "10.0.0.4").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_address_lock(settings):
    settings.PROXY_COUNT = 0  # Django faces the clients directly: X-Forwarded-For is whatever the client wrote
    for n, username in enumerate(("teacher", "leader", "parent", "nobody", "admin")):
        attempt(username, "wrong-password", "10.0.0.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = attempt("community", DEMO_PASSWORD, "10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429
    assert set(AuditEntry.objects.filter(action="login_failed").values_list("ip", flat=True)) == {"10.0.0.5"}


def test_behind_a_proxy_the_address_the_proxy_saw_is_locked_and_audited(settings):
    settings.PROXY_COUNT = 1
    for n, username in enumerate(("teacher", "leader", "parent", "nobody", "admin")):
        attempt(username, "wrong-password", "127.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7")
    assert set(AuditEntry.objects.filter(action="login_failed").values_list("ip", flat=True)) == {"203.0.113.7"}
    assert attempt("community", DEMO_PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert attempt("community", DEMO_PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 302


def test_a_successful_login_clears_the_failures():
    fail("teacher", "10.0.0.6", times=LIMIT - 1)
    assert attempt("teacher", DEMO_PASSWORD, "10.0.0.6").status_code == 302
    fail("teacher", "10.0.0.6", times=LIMIT - 1)
    assert attempt("teacher", DEMO_PASSWORD, "10.0.0.6").status_code == 302


def test_the_lock_ends_after_the_cool_off():
    fail("teacher", "10.0.0.7")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert attempt("teacher", DEMO_PASSWORD, "10.0.0.7").status_code == 302


def test_the_lockout_page_says_in_chinese_how_long_and_whom_to_ask():
    fail("teacher", "10.0.0.8")
    response = attempt("teacher", DEMO_PASSWORD, "10.0.0.8")
    page = response.text
    assert response.status_code == 429
    assert "登录失败次数过多" in page and "15 分钟后再试" in page and "请联系系统管理员" in page
    assert '<input type="password" name="password"' in page  # the login form is still there for later
    assert "Account locked" not in page and "too many" not in page.lower()


def test_the_admin_login_is_throttled_as_well():
    fail("admin", "10.0.0.9")
    response = attempt("admin", DEMO_PASSWORD, "10.0.0.9", path="/admin/login/")
    assert response.status_code == 429 and "登录失败次数过多" in response.text


def test_a_lockout_writes_an_audit_row():
    fail("teacher", "10.0.0.10")
    entry = AuditEntry.objects.get(action="login_locked")
    assert entry.get_action_display() == "登录锁定"
    assert "teacher" in entry.reason and "15 分钟" in entry.reason and entry.ip == "10.0.0.10"
    attempt("teacher", DEMO_PASSWORD, "10.0.0.10")  # refused while locked: audited again
    assert AuditEntry.objects.filter(action="login_locked").count() == 2
    assert not AuditEntry.objects.filter(action="login").exists()


def test_the_login_form_warns_before_the_lock():
    page = attempt("teacher", "wrong-password", "10.0.0.11").text
    assert "用户名或密码不正确" in page and "连续多次输错将暂时锁定登录" in page


# ---------------------------------------------------------------- password change

def test_every_logged_in_user_finds_the_password_change_link_in_the_top_bar(login):
    for username, *_ in DEMO_LOGINS:
        page = login(username).get(reverse("home")).text
        assert f'<a href="{reverse("password_change")}">修改密码</a>' in page


def test_the_password_change_page_needs_a_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_changing_the_password_keeps_this_session_and_is_audited(login, demo_user):
    client = login("teacher")
    response = client.post(reverse("password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": "Qingxi-river-2027", "new_password2": "Qingxi-river-2027"})
    assert response.status_code == 302 and response.url == reverse("home")
    assert "密码已修改" in client.get(reverse("home")).text  # still logged in, with the message
    teacher = demo_user("teacher")
    assert teacher.check_password("Qingxi-river-2027") and not teacher.check_password(DEMO_PASSWORD)
    entry = AuditEntry.objects.get(action="password_change", actor=teacher)
    assert entry.get_action_display() == "修改密码" and entry.fields == ["password"]
    assert "Qingxi" not in str(entry.__dict__)
    assert attempt("teacher", "Qingxi-river-2027", "10.0.0.12").status_code == 302


@pytest.mark.parametrize("new, message", [
    ("12345678", "这个密码太常见了"),
    ("84629175", "密码只包含数字"),
    ("a1b2", "此密码太短，至少要包含 8 个字符"),
])
def test_a_weak_new_password_is_refused_in_chinese(login, demo_user, new, message):
    client = login("parent")
    response = client.post(reverse("password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 200 and message in response.text
    assert demo_user("parent").check_password(DEMO_PASSWORD)
    assert not AuditEntry.objects.filter(action="password_change").exists()


def test_a_wrong_current_password_or_a_mismatch_is_refused_in_chinese(login, demo_user):
    client = login("parent")
    page = client.post(reverse("password_change"), {
        "old_password": "not-it", "new_password1": "Qingxi-river-2027", "new_password2": "Qingxi-river-2027"}).text
    assert "旧密码不正确" in page
    page = client.post(reverse("password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": "Qingxi-river-2027", "new_password2": "Qingxi-river-2028"}).text
    assert "输入的两个密码不一致" in page
    assert demo_user("parent").check_password(DEMO_PASSWORD)


# ---------------------------------------------------------------- error pages and English leftovers

def test_the_server_error_page_is_chinese(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500 and "服务器出错了" in response.text and "Server Error" not in response.text


def test_the_bad_request_page_is_chinese(rf):
    response = bad_request(rf.get("/"), exception=None)
    assert response.status_code == 400 and "请求有误" in response.text and "Bad Request" not in response.text


def test_the_not_found_and_forbidden_pages_are_chinese(login):
    client = login("teacher")
    assert "您要找的页面或记录不存在" in client.get("/no-such-page/").text
    response = client.get("/admin/")
    assert response.status_code == 302  # not staff: the admin sends to its own login, which is the Chinese one
    assert "登录" in client.get(response.url).text


def test_a_failed_csrf_check_explains_in_chinese():
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "teacher", "password": "x"})
    assert response.status_code == 403 and "页面已过期" in response.text and "CSRF" not in response.text


def test_the_admin_says_select_in_chinese(login):
    page = login("admin").get("/admin/orgs/school/add/").text
    assert "请选择" in page and "Select an option" not in page and "---------" not in page


def test_form_labels_end_in_a_full_width_colon(login):
    text = visible_text(login("admin").get("/admin/orgs/school/add/").text)
    assert re.search(r"[\u4e00-\u9fff]：", text)
    assert not re.search(r"[\u4e00-\u9fff]:", text)


def test_the_admin_time_zone_note_is_chinese(login):
    catalog = login("admin").get("/admin/jsi18n/").text  # JSON: non-ASCII as \\uXXXX escapes
    for chinese in ("注意：请按 %(timezone)s 时区填写时间", "服务器"):
        assert json.dumps(chinese)[1:-1] in catalog


def test_the_administrator_sees_and_clears_locks_in_chinese(login):
    fail("teacher", "10.0.0.13")
    client = login("admin")
    index = visible_text(client.get("/admin/").text)
    assert "登录保护" in index and "登录尝试" in index and "审计日志" in index
    assert not re.search(r"[A-Za-z]{4,}", index.replace("API", "").replace("admin", ""))  # "Axes", "AUDIT"…
    page = visible_text(client.get("/admin/axes/accessattempt/").text)
    assert "teacher" in page and "已锁定" in page and "失败次数" in page and "Status" not in page
    attempt_id = AccessAttempt.objects.get(username="teacher").pk
    client.post("/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": [attempt_id],
                                               "post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert attempt("teacher", DEMO_PASSWORD, "10.0.0.13").status_code == 302


def test_the_audit_log_in_the_admin_names_models_fields_and_channels_in_chinese(login, demo_user):
    client = login("admin")
    client.post(reverse("password_change"), {
        "old_password": DEMO_PASSWORD, "new_password1": "Qingxi-river-2027", "new_password2": "Qingxi-river-2027"})
    entry = AuditEntry.objects.get(action="password_change")
    listing = visible_text(client.get("/admin/audit/auditentry/?action=password_change").text)
    assert "修改密码" in listing and "用户" in listing and "密码" in listing and "网页" in listing
    assert "orgs.User" not in listing and "password" not in listing
    detail = visible_text(client.get(f"/admin/audit/auditentry/{entry.pk}/change/").text)
    assert "本人修改密码" in detail and "orgs.User" not in detail and "对象类型：" in detail


def test_an_over_long_username_is_refused_by_the_form_before_anyone_authenticates(client):
    from axes.models import AccessAttempt

    before = AccessAttempt.objects.count()
    response = client.post("/login/", {"username": "长" * 10_000, "password": "x"})
    assert response.status_code == 200 and "用户名或密码不正确" in response.text
    assert AccessAttempt.objects.count() == before  # nothing reached the lockout's records
