"""Local stand-ins for the notifications' providers (Alibaba Cloud SMS, WeChat's official-account API)."""

from .fakes import OK, Code, Delay, Drop, FakeAliyunSms, FakeWechat, Ok, Status

__all__ = ["OK", "Code", "Delay", "Drop", "FakeAliyunSms", "FakeWechat", "Ok", "Status"]
