"""Background work of the custody line (Django's tasks framework: inline on the default backend, on a real
worker in production). The scheduler (`manage.py schedule`, tongxin/web/schedule.py) enqueues `scan_alerts_task`
every minute and `refresh_figures_task` when the area overviews' figures are older than
TONGXIN_FIGURES_EVERY_MINUTES; cron may run `manage.py custody_scan` instead."""

from django.tasks import task

from .services.daily import scan_running_programmes
from .services.figures import refresh_figures


@task()
def scan_alerts_task() -> int:
    """Raise missing-child, late-pickup and health-check alerts for every programme running today, in a fixed
    number of statements for the whole county; returns how many were raised. Idempotent: an alert is raised
    once per child, day and kind, and two scans at once do not fail."""
    return len(scan_running_programmes())


@task()
def refresh_figures_task() -> int:
    """Recompute every programme's summary figures up to yesterday for the area overviews; returns how many."""
    return refresh_figures()
