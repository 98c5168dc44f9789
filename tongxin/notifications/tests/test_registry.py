"""Which outbound channels an installation has: those whose credentials its environment sets, checked when the
settings load."""

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tongxin.notifications.channels.registry import configured
from tongxin.notifications.testing.fakes import FakeAliyunSms, FakeWechat

ROOT = Path(__file__).resolve().parents[3]
NONE = {"NOTIFY_SMS_ACCESS_KEY_ID": "", "NOTIFY_SMS_ACCESS_KEY_SECRET": "",
        "NOTIFY_WECHAT_APP_ID": "", "NOTIFY_WECHAT_APP_SECRET": ""}


def start(env: dict[str, str], code: str = "") -> subprocess.CompletedProcess:
    """Load the settings (and run `code`) in a fresh interpreter with these variables, as a process starts."""
    clean = {name: value for name, value in os.environ.items()
             if not name.startswith(("TONGXIN_SMS_", "TONGXIN_WECHAT_", "TONGXIN_NOTIFY_"))}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"], cwd=ROOT, capture_output=True, text=True,
        timeout=60, env={**clean, "DJANGO_SETTINGS_MODULE": "tongxin.settings", "TONGXIN_DEBUG": "1", **env})


def test_without_credentials_there_is_no_channel():
    with override_settings(**NONE):
        assert configured() == {}


def test_with_both_credentials_there_are_both_channels():
    with FakeAliyunSms() as sms, FakeWechat() as wx, override_settings(**sms.settings(), **wx.settings()):
        channels = configured()

    assert sorted(channels) == ["sms", "wechat"]
    assert channels["sms"].can_find and not channels["wechat"].can_find


def test_half_set_credentials_are_refused():
    with override_settings(**{**NONE, "NOTIFY_SMS_ACCESS_KEY_ID": "LTAI-only-the-id"}):
        with pytest.raises(ImproperlyConfigured, match="TONGXIN_SMS_ACCESS_KEY_SECRET"):
            configured()


@pytest.mark.parametrize("env, named", [
    ({"TONGXIN_SMS_TEMPLATES": "custody.late_pickup SMS_1"}, "TONGXIN_SMS_TEMPLATES"),
    ({"TONGXIN_WECHAT_TEMPLATES": "custody.late_pickup=T1,custody.late_pickup=T2"}, "TONGXIN_WECHAT_TEMPLATES"),
    ({"TONGXIN_SMS_ACCESS_KEY_ID": "LTAI-only-the-id"}, "TONGXIN_SMS_ACCESS_KEY_SECRET"),
    ({"TONGXIN_WECHAT_APP_ID": "wx1", "TONGXIN_WECHAT_APP_SECRET": "s"}, "TONGXIN_WECHAT_DEFAULT_TEMPLATE"),
    ({"TONGXIN_SMS_ENDPOINT": "http://sms.example.com"}, "TONGXIN_SMS_ENDPOINT"),
    ({"TONGXIN_NOTIFY_READ_TIMEOUT": "five"}, "TONGXIN_NOTIFY_READ_TIMEOUT"),
])
def test_mis_set_variables_stop_the_start_with_a_message_naming_them(env, named):
    started = start(env)

    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and named in started.stderr


def test_the_standalone_fakes_print_the_environment_that_sends_to_them_and_record_what_was_sent(tmp_path):
    record = tmp_path / "sent.jsonl"
    fakes = subprocess.Popen([sys.executable, "-m", "tongxin.notifications.testing.fakes", "--record", str(record)],
                             cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        env = {}
        for line in fakes.stdout:
            if line.startswith("#"):
                break
            name, _, value = shlex.split(line.removeprefix("export "))[0].partition("=")
            env[name] = value
        sent = start({**env, "TONGXIN_NOTIFY_CACHE_DIR": str(tmp_path / "cache")}, code="\n".join([
            "from tongxin.notifications.channels.base import Outgoing",
            "from tongxin.notifications.channels.registry import configured",
            "channels = configured()",
            "channels['sms'].send(Outgoing(key='n-1', address='13800138000', kind='k', params={'a': '1'}, title='t', text='t'))",
            "channels['wechat'].send(Outgoing(key='n-2', address='oX', kind='k', params={'a': '1'}, title='t', text='t'))",
            "print(sorted(channels))",
        ]))
    finally:
        fakes.terminate()
        fakes.wait(timeout=10)

    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.strip() == "['sms', 'wechat']"
    lines = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    assert [(line["channel"], line.get("out_id") or line.get("openid")) for line in lines] == [("sms", "n-1"), ("wechat", "oX")]
    assert fakes.returncode == 0
