"""Local stand-ins for the notifications' providers (Alibaba Cloud SMS, WeChat's official-account API): see
fakes.py (`from tongxin.notifications.testing.fakes import FakeAliyunSms, FakeWechat, Code, ...`)."""
