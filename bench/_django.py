"""What every database bench does before importing the project: the repository on the path, a fresh temporary
SQLite database unless DATABASE_URL names one, Django set up with DEBUG off (no SQL log: the benches time the code,
not Django's debug cursor). Import it first: `import _django  # noqa: F401` (the bench's folder is on sys.path)."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp(prefix='tongxin-bench-')) / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxin.settings")
os.environ.setdefault("TONGXIN_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.DEBUG = False


def fresh_database(scale: int = 1) -> None:
    """Migrate an empty database and load the demo county (multiplied `scale` times). A PostgreSQL database is
    emptied first, and only one whose name contains "bench"."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        if "bench" not in name:
            sys.exit(f"拒绝清空数据库 {name}：基准测试只使用名称含 bench 的数据库")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, **({"scale": scale} if scale > 1 else {}))
