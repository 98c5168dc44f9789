"""The notification pages: a person's inbox and settings, binding WeChat, and the administrator's outbox."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import access, selectors
from .channels.base import Failure
from .forms import OutboxFilterForm, PreferenceForm
from .models import Notice, OutboundMessage
from .services import prefs
from .services.outbox import outbox_retry

BIND_SESSION = "notifications.wechat_bind"
BIND_MAX_AGE = 600


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = selectors.inbox(request.user, page=request.GET.get("page") or 1, unread_only=unread_only)
    return render(request, "notifications/inbox.html", {
        "page": page, "unread_only": unread_only, "unread": selectors.unread_count(request.user)})


@login_required
@require_POST
def notice_open(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Mark one of one's own notices read and go to its page."""
    notice = Notice.objects.filter(pk=notice_id, user=request.user).only("pk", "link").first()
    if notice is None:
        raise Http404("没有这条消息")
    prefs.notices_read(request.user, notice_ids=[notice.pk], now=timezone.now())
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect(notice.link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    n = prefs.notices_read(request.user, notice_ids=None, now=timezone.now())
    messages.success(request, f"已将 {n} 条消息标为已读" if n else "没有未读消息")
    return redirect("notifications:inbox")


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            prefs.preference_set(request.user, channels=form.ticked, quiet_start=form.cleaned_data["quiet_start"],
                                 quiet_end=form.cleaned_data["quiet_end"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "消息设置已保存")
            return redirect("notifications:settings")
    enabled = selectors.enabled_channels()
    current = selectors.settings_of(request.user, enabled=enabled)
    return render(request, "notifications/settings.html", {
        "form": form, "current": current, "wechat_ready": "wechat" in enabled, "sms_ready": "sms" in enabled,
        "times": [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)]}, status=400 if form.errors else 200)


def _wechat_ready() -> bool:
    return "wechat" in selectors.enabled_channels()


@login_required
def wechat_bind(request: HttpRequest) -> HttpResponse:
    """Send the person to WeChat's authorisation (opened inside WeChat), with a signed state naming them."""
    if not _wechat_ready():
        messages.error(request, "本平台尚未开通微信通知，请使用短信接收")
        return redirect("notifications:settings")
    from .channels.wechat import oauth_url

    state = secrets.token_urlsafe(24)  # WeChat takes [A-Za-z0-9_-] only: a nonce kept in the session, not a signature
    request.session[BIND_SESSION] = {"state": state, "at": timezone.now().timestamp()}
    return redirect(oauth_url(request.build_absolute_uri(reverse("notifications:wechat_callback")), state))


@login_required
def wechat_callback(request: HttpRequest) -> HttpResponse:
    """WeChat's answer: the code turned into the person's openid and bound, if the state is theirs and fresh."""
    pending = request.session.pop(BIND_SESSION, None) or {}
    fresh = timezone.now().timestamp() - float(pending.get("at", 0)) <= BIND_MAX_AGE
    state, code = request.GET.get("state", ""), request.GET.get("code", "")
    if (not fresh or not pending.get("state") or not secrets.compare_digest(str(pending["state"]), state)
            or not code or len(code) > 128 or not _wechat_ready()):
        messages.error(request, "绑定链接已失效，请回到「消息设置」重新绑定")
        return redirect("notifications:settings")
    from .channels.wechat import openid_from_code

    try:
        openid = openid_from_code(code)
        prefs.wechat_bind(request.user, openid=openid, now=timezone.now())
    except Failure as exc:
        messages.error(request, f"微信绑定失败：{exc.reason}")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已绑定微信，通知将同时发到微信")
    return redirect("notifications:settings")


@login_required
@require_POST
def wechat_unbind(request: HttpRequest) -> HttpResponse:
    if prefs.wechat_unbind(request.user):
        messages.success(request, "已解除微信绑定")
    return redirect("notifications:settings")


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    access.require_outbox(request.user)
    form = OutboxFilterForm(request.GET)
    state = form.cleaned_data.get("state", "") if form.is_valid() else ""
    page = selectors.outbox(request.user, page=(form.cleaned_data.get("page") if form.is_valid() else None) or 1,
                            state=state)
    counts = selectors.outbox_counts(request.user)
    total = sum(counts.values())
    states = [(value, label, counts.get(value, 0) if value else total)
              for value, label in OutboundMessage.State.choices if counts.get(value) or value == state]
    return render(request, "notifications/outbox.html", {
        "page": page, "state": state, "total": total, "states": [("", "全部", total), *states]})


@login_required
def outbox_message(request: HttpRequest, outbox_id: int) -> HttpResponse:
    access.require_outbox(request.user)
    message = selectors.outbox_message(request.user, outbox_id)
    if message is None:
        raise Http404("没有这条外发消息")
    if request.method == "POST":
        try:
            outbox_retry(request.user, message_id=message.pk, now=timezone.now())
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已重新排队发送")
        return redirect("notifications:outbox_message", message.pk)
    return render(request, "notifications/outbox_message.html", {"m": message})
