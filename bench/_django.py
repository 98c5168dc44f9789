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
