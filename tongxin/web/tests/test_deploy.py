"""Production settings: `check --deploy` is clean with the environment the README documents, a demo never runs on
the public development key, and the Content-Security-Policy holds on every template."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)

# The production set of the README's 「生产部署」 section (placeholders there, real-looking values here).
PRODUCTION_ENV = {
    "TONGXIN_SECRET_KEY": "k7Qv2x9LmRt4ZpW8cYf1HsN6bJd3Ga5EuTo0KiXyVqPlMnBvCx-_Zr8sTw2yQe4uIo",
    "TONGXIN_ALLOWED_HOSTS": "tongxin.example.gov.cn",
    "TONGXIN_CSRF_TRUSTED_ORIGINS": "https://tongxin.example.gov.cn",
    "DATABASE_URL": "postgres://tongxin:secret@127.0.0.1:5432/tongxin",
    "TONGXIN_FIELD_KEYS": Fernet.generate_key().decode(),
    "TONGXIN_HASH_KEY": "c1f0e6b2a94d4b1f8e3a7d25c6b9f0e4",
    "TONGXIN_HTTPS": "1",
    "TONGXIN_PROXY_COUNT": "1",
    "TONGXIN_TASK_BACKEND": "database",
    "TONGXIN_DB_CONN_MAX_AGE": "60",
}


def run_manage(*args, **env):
    """manage.py in a fresh process with only the given TONGXIN_* settings (not under pytest's exemptions)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("TONGXIN_", "DJANGO_")) and k not in {"PYTEST_VERSION", "DATABASE_URL"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def readme_production_section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## 生产部署")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def test_check_deploy_is_clean_with_the_documented_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_every_production_variable_is_documented_in_the_readme():
    section = readme_production_section()
    table = (ROOT / "README.md").read_text().split("## Configuration (environment)")[1].split("\n## ")[0]
    for name in PRODUCTION_ENV:
        assert f"{name}=" in section, name
        assert f"`{name}`" in table, name
    for name in ("TONGXIN_HSTS_SECONDS", "TONGXIN_LOGIN_FAILURE_LIMIT", "TONGXIN_LOGIN_COOLOFF_MINUTES"):
        assert f"`{name}`" in table, name


def test_check_deploy_warns_when_https_is_left_off():
    env = {**PRODUCTION_ENV, "TONGXIN_HTTPS": "0"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


def test_demo_mode_without_a_secret_key_refuses_to_start():
    result = run_manage("check", TONGXIN_DEMO_MODE="1")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "TONGXIN_SECRET_KEY" in result.stderr
    assert "scripts/dev.sh demo" in result.stderr


def test_a_debug_server_may_use_the_development_key():
    result = run_manage("check", TONGXIN_DEBUG="1", TONGXIN_DEMO_MODE="1")
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- Content-Security-Policy

@pytest.mark.django_db
def test_pages_send_a_policy_without_unsafe_inline(client):
    policy = client.get(reverse("login")).headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # the nonce is added only to responses that use it
    assert directives["style-src"] == "'self'" and directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


@pytest.mark.django_db
def test_the_duty_page_script_carries_the_nonce_of_its_response(login):
    from tongxin.custody.models import Programme

    programme = Programme.objects.get(name="青溪县实验小学2026年秋季课后托管")
    response = login("leader").get(reverse("custody:today", args=[programme.pk]))  # its organiser, any day
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])[1]
    scripts = re.findall(r"<script([^>]*)>", response.text)
    assert scripts and all("src=" in attrs or f'nonce="{nonce}"' in attrs for attrs in scripts)


def test_no_template_has_inline_scripts_event_handlers_or_style_attributes():
    offenders = []
    for path in sorted((ROOT / "tongxin").rglob("templates/**/*.html")):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\b(?:src|nonce)=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style(?![^>]*nonce=)",
                        r"javascript:"):
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in re.finditer(pattern, text, re.I)]
    assert offenders == []


# ---------------------------------------------------------------- in the browser

@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_report_bars_and_duty_page_work_under_the_policy(demo_site, browser):
    from tongxin.custody.models import Programme
    from tongxin.e2e import login, new_page

    violations = []
    page = new_page(browser, mobile=False)
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, demo_site, "leader")
    summer = Programme.objects.get(name="青溪县实验小学2026年暑期托管")
    page.goto(f"{demo_site}{reverse('custody:report', args=[summer.pk])}")
    bar = page.locator(".bar.placed").first
    assert bar.evaluate("el => el.style.width").endswith("%")
    assert bar.evaluate("el => el.getBoundingClientRect().width") > 0
    page.goto(f"{demo_site}{reverse('password_change')}")
    page.goto(f"{demo_site}/admin/")
    assert violations == []
