"""The notification pages for every demo role (who opens what, from the raw rows), and what each does."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.notifications.models import Notice, OutboundMessage, Preference
from tongxin.orgs.models import Role, RoleAssignment, User

pytestmark = pytest.mark.django_db

ROLES = ["parent", "teacher", "subject", "counsellor", "leader", "volunteer", "community", "township", "county_edu",
         "county_civil", "admin"]


@pytest.fixture(autouse=True)
def sms_on(monkeypatch):
    from tongxin.notifications import selectors

    monkeypatch.setattr(selectors, "enabled_channels", lambda: frozenset({"sms"}))


def _is_admin(username: str) -> bool:
    user = User.objects.get(username=username)
    return user.is_superuser or RoleAssignment.objects.filter(user=user, role=Role.ADMIN, active=True).exists()


def _notice(user, key="k1", **kw):
    return Notice.objects.create(user=user, kind="custody.missing", key=key, title="张小明未到托且未请假",
                                 text="请联系家长", link=kw.pop("link", "/custody/alerts/"), urgent=True,
                                 created_at=timezone.now(), **kw)


def _outbox(**kw):
    now = timezone.now()
    values = {"key": "evt-sms-1", "channel": "sms", "kind": "custody.missing", "to_label": "值班领导",
              "address": "13900000001", "address_masked": "139****0001", "title": "张小明未到托且未请假",
              "text": "请联系家长", "next_attempt_at": now, "created_at": now} | kw
    return OutboundMessage.objects.create(**values)


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(client, demo_user, role):
    user = demo_user(role)
    client.force_login(user)
    message = _outbox()
    admin = _is_admin(role)
    assert client.get(reverse("notifications:inbox")).status_code == 200
    assert client.get(reverse("notifications:settings")).status_code == 200
    assert client.get(reverse("notifications:outbox")).status_code == (200 if admin else 403)
    assert client.get(reverse("notifications:outbox_message", args=[message.pk])).status_code == (200 if admin else 403)


def test_nobody_opens_anothers_notice(client, demo_user):
    theirs = _notice(demo_user("leader"))
    client.force_login(demo_user("teacher"))
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, demo_user):
    user = demo_user("leader")
    notice = _notice(user)
    client.force_login(user)
    page = client.get(reverse("notifications:inbox"))
    assert "张小明未到托且未请假" in page.content.decode() and "1 条未读" in page.content.decode()
    response = client.post(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/custody/alerts/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_notice_never_redirects_off_site(client, demo_user):
    user = demo_user("leader")
    notice = _notice(user, link="https://evil.example/")
    client.force_login(user)
    assert client.post(reverse("notifications:open", args=[notice.pk]))["Location"] == reverse("notifications:inbox")


def test_the_top_bar_shows_the_unread_count(client, demo_user):
    user = demo_user("teacher")
    Notice.objects.filter(user=user).update(read_at=timezone.now())
    _notice(user, "a")
    _notice(user, "b")
    client.force_login(user)
    assert "消息（2）" in client.get(reverse("home")).content.decode()
    client.post(reverse("notifications:read_all"))
    assert "消息（2）" not in client.get(reverse("home")).content.decode()


def test_staff_cannot_switch_off_sms_for_urgent_notices(client, demo_user):
    user = demo_user("leader")
    client.force_login(user)
    response = client.post(reverse("notifications:settings"), {"quiet_start": "21:30", "quiet_end": "06:30"})
    assert response.status_code == 302
    pref = Preference.objects.get(user=user)
    assert pref.channels["custody.missing"] == ["sms"] and pref.channels["care.digest"] == []
    assert (pref.quiet_start, pref.quiet_end) == (dt.time(21, 30), dt.time(6, 30))
    assert AuditEntry.objects.filter(actor=user, reason="修改消息通知设置").exists()


def test_a_parent_may_switch_everything_off(client, demo_user):
    user = demo_user("parent")
    client.force_login(user)
    client.post(reverse("notifications:settings"), {"quiet_start": "22:00", "quiet_end": "07:00"})
    assert Preference.objects.get(user=user).channels["custody.missing"] == []


@pytest.mark.parametrize(("values", "message"), [
    ({"quiet_start": "25:00", "quiet_end": "07:00"}, "时间格式应为"),
    ({"quiet_start": "", "quiet_end": "07:00"}, "请填写免打扰开始时间"),
    ({"quiet_start": "22:00\x00", "quiet_end": "07:00"}, "时间格式应为"),
])
def test_bad_settings_are_refused_in_chinese_and_nothing_is_stored(client, demo_user, values, message):
    user = demo_user("teacher")
    client.force_login(user)
    response = client.post(reverse("notifications:settings"), values)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Preference.objects.filter(user=user).exists()


def test_unknown_channel_values_are_ignored(client, demo_user):
    user = demo_user("parent")
    client.force_login(user)
    client.post(reverse("notifications:settings"), {"quiet_start": "22:00", "quiet_end": "07:00",
                                                    "on": ["custody.missing:fax", "nope:sms", "care.absence:sms"]})
    assert Preference.objects.get(user=user).channels["care.absence"] == ["sms"]


def test_the_administrator_resends_a_failed_message_audited(client, demo_user):
    admin = demo_user("admin")
    failed = _outbox(state=OutboundMessage.State.FAILED, attempts=8, reason="超时")
    client.force_login(admin)
    page = client.get(reverse("notifications:outbox_message", args=[failed.pk])).content.decode()
    assert "重新发送" in page and "139****0001" in page and "13900000001" not in page
    client.post(reverse("notifications:outbox_message", args=[failed.pk]))
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (OutboundMessage.State.QUEUED, 0)
    assert AuditEntry.objects.filter(actor=admin, reason__startswith="重发外发消息").exists()


def test_a_sent_message_cannot_be_resent(client, demo_user):
    admin = demo_user("admin")
    sent = _outbox(state=OutboundMessage.State.SENT)
    client.force_login(admin)
    client.post(reverse("notifications:outbox_message", args=[sent.pk]))
    sent.refresh_from_db()
    assert sent.state == OutboundMessage.State.SENT


def test_a_refused_resend_writes_nothing(client, demo_user):
    failed = _outbox(state=OutboundMessage.State.FAILED)
    client.force_login(demo_user("teacher"))
    before = AuditEntry.objects.count()
    assert client.post(reverse("notifications:outbox_message", args=[failed.pk])).status_code == 403
    failed.refresh_from_db()
    assert failed.state == OutboundMessage.State.FAILED and AuditEntry.objects.count() == before


def test_wechat_binding_without_wechat_set_up_says_so(client, demo_user):
    client.force_login(demo_user("teacher"))
    response = client.get(reverse("notifications:wechat_bind"), follow=True)
    assert "尚未开通微信通知" in response.content.decode()


def test_without_channels_the_settings_page_says_only_the_inbox_works(client, demo_user, monkeypatch):
    from tongxin.notifications import selectors

    monkeypatch.setattr(selectors, "enabled_channels", lambda: frozenset())
    client.force_login(demo_user("teacher"))
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "尚未开通短信和微信通知" in page and 'name="quiet_start"' not in page


def test_the_api_lists_ones_own_notices_and_marks_them_read(client, demo_user):
    user, other = demo_user("teacher"), demo_user("leader")
    Notice.objects.filter(user=user).update(read_at=timezone.now())
    mine = _notice(user, "mine")
    _notice(other, "theirs")
    client.force_login(user)
    body = client.get("/api/notices?unread=true").json()
    assert body["unread"] == 1 and [n["id"] for n in body["notices"]] == [mine.pk]
    assert client.post("/api/notices/read", {"ids": [mine.pk]}, content_type="application/json").json() == {"marked": 1}
    assert client.get("/api/notices").json()["unread"] == 0


def test_the_api_refuses_a_bad_page_in_chinese(client, demo_user):
    client.force_login(demo_user("teacher"))
    response = client.get("/api/notices?page=abc")
    assert response.status_code == 400 and "page" in response.json()["detail"]


def test_a_parent_is_offered_only_the_notices_about_their_child(client, demo_user):
    client.force_login(demo_user("parent"))
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "托管儿童超时未接" in page and "孩子未到校" in page
    assert "强制报告" not in page and "每周待办" not in page


def test_a_township_officer_is_offered_the_reports_not_the_childs_absence(client, demo_user):
    client.force_login(demo_user("township"))
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "强制报告逾期未签收" in page and "孩子未到校" not in page and "托管儿童" not in page


def test_saving_leaves_the_kinds_one_does_not_receive_at_their_defaults(client, demo_user):
    user = demo_user("parent")
    client.force_login(user)
    client.post(reverse("notifications:settings"), {"quiet_start": "22:00", "quiet_end": "07:00"})
    assert "care.report" not in Preference.objects.get(user=user).channels
