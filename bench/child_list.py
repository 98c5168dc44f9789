"""Time the scoped child list and the audited detail read for every demo role."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL"):
    folder = Path(tempfile.mkdtemp(prefix="tongxin-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxin.settings")
os.environ.setdefault("TONGXIN_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from tongxin.demo import DEMO_LOGINS  # noqa: E402
from tongxin.orgs.models import User  # noqa: E402
from tongxin.people import selectors  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def timed(fn):
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main():
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    print(f"database: {django.db.connection.vendor}, repeat {REPEAT}")
    print(f"{'role':<14}{'visible':>9}{'list median ms':>16}{'max':>8}{'detail median ms':>18}")
    for username, *_ in DEMO_LOGINS:
        user = User.objects.get(username=username)

        def page():
            u = User.objects.get(pk=user.pk)  # a fresh request: no cached assignments
            qs = selectors.visible_children(u)
            qs.count()
            selectors.child_rows(u, list(qs[:50]))

        visible = selectors.visible_children(user).count()
        med, worst = timed(page)
        first = selectors.visible_children(user).first()
        detail = f"{timed(lambda: selectors.read_child(User.objects.get(pk=user.pk), first.pk))[0]:>18.1f}" if first else f"{'-':>18}"
        print(f"{username:<14}{visible:>9}{med:>16.1f}{worst:>8.1f}{detail}")


if __name__ == "__main__":
    main()
