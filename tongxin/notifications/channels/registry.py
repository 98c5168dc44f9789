"""The outbound channels this installation has: those whose credentials are set (tongxin/settings.py, the
TONGXIN_SMS_* and TONGXIN_WECHAT_* variables). With none, only the in-app inbox delivers.

A provider's SDK is imported only for a channel that is on. Each call builds the channels anew (cheap: no request is
made), so that settings overridden in tests take effect; a delivery loop keeps one dict for its run."""

from django.conf import settings

from .base import Channel


def configured() -> dict[str, Channel]:
    """The configured channels by name ("sms", "wechat"). Settings that are set but incomplete raise
    ImproperlyConfigured (the environment's were already checked when the settings loaded)."""
    channels: dict[str, Channel] = {}
    if getattr(settings, "NOTIFY_SMS_ACCESS_KEY_ID", "") or getattr(settings, "NOTIFY_SMS_ACCESS_KEY_SECRET", ""):
        from .sms_aliyun import AliyunSms, SmsSettings

        sms = SmsSettings.from_settings()
        if sms is not None:
            channels["sms"] = AliyunSms(sms)
    if getattr(settings, "NOTIFY_WECHAT_APP_ID", "") or getattr(settings, "NOTIFY_WECHAT_APP_SECRET", ""):
        from .wechat import Wechat, WechatSettings

        wechat = WechatSettings.from_settings()
        if wechat is not None:
            channels["wechat"] = Wechat(wechat)
    return channels
