"""Time the custody placement run (priority + lottery + seats) and the day's alert scan at county scale:
every eligible pupil of the demo county applies to one programme."""

import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp(prefix='tongxin-bench-')) / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxin.settings")
os.environ.setdefault("TONGXIN_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from tongxin.custody import services  # noqa: E402
from tongxin.custody.models import Application, Programme  # noqa: E402
from tongxin.orgs.models import Site, User  # noqa: E402
from tongxin.people.models import Child  # noqa: E402


def main():
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    leader = User.objects.get(username="leader")
    school = leader.assignments.get().school
    programme = services.create_programme(leader, name="基准测试托管", school=school, fee_per_day=Decimal("20"),
                                           eligible_grades=[1, 2, 3, 4, 5, 6], status=Programme.Status.OPEN)
    period = services.add_period(leader, programme, name="第一期", start=dt.date(2027, 7, 5), end=dt.date(2027, 7, 16))
    site = Site.objects.filter(school=school).first()
    for i in range(8):
        services.add_group(leader, period, site=site, name=f"{i + 1}组")
    now = timezone.now()
    apps = []
    for child in Child.objects.filter(school=school).select_related("family"):
        tier, reasons = services.priority_of(child, [])
        apps.append(Application(programme=programme, child=child, applicant=leader, agreement_signed_at=now,
                                commitment_signed_at=now, signature="x", state=Application.State.APPROVED, tier=tier,
                                tier_reasons=reasons))
    Application.objects.bulk_create(apps)
    for app in apps:
        app.periods.add(period)
    start = time.perf_counter()
    run = services.run_placement(leader, period, seed="bench")
    took = time.perf_counter() - start
    print(f"database: {django.db.connection.vendor}")
    print(f"run_placement: {len(apps)} applications, {run.placed} placed, {run.waiting} waiting in {took * 1000:.0f} ms")
    scan_at = dt.datetime(2027, 7, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    start = time.perf_counter()
    raised = services.scan_alerts(programme, now=scan_at)
    print(f"scan_alerts: {len(raised)} missing-child alerts raised in {(time.perf_counter() - start) * 1000:.0f} ms")
    start = time.perf_counter()
    services.scan_alerts(programme, now=scan_at)
    print(f"scan_alerts again (nothing new): {(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
