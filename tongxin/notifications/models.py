"""Notifications: the in-app inbox, each person's choices, WeChat bindings, and the outbox of every message sent
outside the platform (SMS, WeChat) with its state and the provider's answer."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tongxin.people.crypto import EncryptedCharField

from . import rules

KIND_CHOICES = [(k.code, k.label) for k in rules.KINDS.values()]
CHANNEL_CHOICES = list(rules.CHANNELS.items())


class Notice(models.Model):
    """One item in a person's inbox. `key` makes a notice of one event arrive once however often it is sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                             related_name="notices")
    kind = models.CharField("类型", max_length=32, choices=KIND_CHOICES)
    key = models.CharField("事件标识", max_length=64)
    title = models.CharField("标题", max_length=64)
    text = models.CharField("内容", max_length=500)
    link = models.CharField("链接", max_length=200, blank=True)
    urgent = models.BooleanField("紧急", default=False)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notice_per_event")]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_unread"),
                   models.Index(fields=["user", "-created_at"], name="notice_recent")]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """A person's choices: the outbound channels per kind (a missing kind keeps its default) and quiet hours."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="notice_preference")
    channels = models.JSONField("各类消息的发送渠道", default=dict, blank=True)
    quiet_start = models.TimeField("免打扰开始", default=rules.QUIET_START)
    quiet_end = models.TimeField("免打扰结束", default=rules.QUIET_END)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息设置"


class WechatBinding(models.Model):
    """The official-account openid a person bound by opening the platform in WeChat."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="wechat_binding")
    openid = models.CharField("OpenID", max_length=64, unique=True)
    bound_at = models.DateTimeField("绑定时间")

    class Meta:
        verbose_name = verbose_name_plural = "微信绑定"


class OutboundMessage(models.Model):
    """One message to one address on one channel. `key` is the idempotency key: an event sent twice makes one
    row, and the provider is told the key so that a retry after a crash is recognised."""

    class State(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        UNKNOWN = "unknown", "结果未知（不再重发）"

    key = models.CharField("幂等键", max_length=64, unique=True)
    channel = models.CharField("渠道", max_length=8, choices=CHANNEL_CHOICES)
    kind = models.CharField("类型", max_length=32, choices=KIND_CHOICES)
    urgent = models.BooleanField("紧急", default=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    to_label = models.CharField("接收人", max_length=64)
    address = EncryptedCharField("号码/OpenID")
    address_masked = models.CharField("号码（脱敏）", max_length=32)
    params = models.JSONField("模板参数", default=dict)
    title = models.CharField("标题", max_length=64)
    text = models.CharField("内容", max_length=500)
    link = models.CharField("链接", max_length=200, blank=True)
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间")
    lease_until = models.DateTimeField("发送占用至", null=True, blank=True)
    provider_id = models.CharField("服务商消息编号", max_length=64, blank=True)
    answer = models.TextField("服务商应答", blank=True)
    reason = models.CharField("失败原因", max_length=255, blank=True)
    created_at = models.DateTimeField("创建时间")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "外发消息"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due",
                                condition=Q(state__in=["queued", "sending"]))]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to_label}：{self.title}"


class SentRound(models.Model):
    """A periodic batch done for its period (e.g. the care digest of week 2026-W49), so that an hourly task does
    its weekly work once."""

    name = models.CharField("批次", max_length=32)
    period = models.CharField("周期", max_length=16)
    done_at = models.DateTimeField("完成时间")

    class Meta:
        verbose_name = verbose_name_plural = "定期发送批次"
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="one_round_per_period")]
