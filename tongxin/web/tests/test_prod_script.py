"""`scripts/dev.sh prod` refuses what a demo may fall back to, and the ways of running production (the script, the
Procfile, compose) start commands that exist. The script's run itself is CI's smoke test, scripts/smoke_prod.py."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

ROOT = Path(settings.BASE_DIR)
KEYS = {"TONGXIN_SECRET_KEY": "s" * 50, "TONGXIN_FIELD_KEYS": "f", "TONGXIN_HASH_KEY": "h"}
POSTGRES = "postgres://tongxin:secret@127.0.0.1:5432/tongxin"


def prod(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TONGXIN_") and k != "DATABASE_URL"}
    return subprocess.run(["bash", "scripts/dev.sh", "prod"], cwd=ROOT, env={**clean, **env}, capture_output=True,
                          text=True, timeout=30)


@pytest.mark.parametrize("env, says", [
    ({}, "需要 PostgreSQL：请设置 DATABASE_URL"),
    ({"DATABASE_URL": "sqlite:///var/tongxin.sqlite3"}, "DATABASE_URL 必须指向 PostgreSQL"),
    ({"DATABASE_URL": POSTGRES, "TONGXIN_SECRET_KEY": "s" * 50}, "缺少密钥：TONGXIN_FIELD_KEYS TONGXIN_HASH_KEY"),
    ({"DATABASE_URL": POSTGRES, **KEYS, "TONGXIN_DEBUG": "1"}, "生产环境不能开启调试"),
    ({"DATABASE_URL": POSTGRES, **KEYS, "TONGXIN_TASK_BACKEND": "immediate"}, "须使用数据库任务后端"),
])
def test_production_refuses_to_start_without_postgresql_and_its_keys_or_with_debug(env, says):
    result = prod(**env)
    assert result.returncode == 2 and says in result.stderr
    assert not result.stdout  # refused before installing or starting anything


def commands_in(text: str) -> set[str]:
    return set(re.findall(r"manage\.py[\"',\s]+([a-z_]+)", text))


def test_every_production_launcher_starts_management_commands_that_exist():
    known = set(get_commands())
    for launcher in ("scripts/dev.sh", "Procfile", "compose.yaml"):
        used = commands_in((ROOT / launcher).read_text())
        assert {"db_worker", "schedule"} <= used, launcher
        assert used <= known, (launcher, used - known)


def test_compose_runs_one_scheduler_workers_web_and_a_migrate_step_before_them():
    text = (ROOT / "compose.yaml").read_text()
    for service in ("postgres", "migrate", "web", "worker", "scheduler"):
        assert re.search(rf"^  {service}:$", text, re.M), service
    scheduler = text.split("\n  scheduler:\n")[1]
    assert "replicas: 1" in scheduler
    assert text.count("condition: service_completed_successfully") == 1  # in the anchor every app service shares
