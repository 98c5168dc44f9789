"""Background work of the care line (Django's tasks framework: inline on the default backend, on a real worker in
production). The scheduler (`manage.py schedule`, tongxin/web/schedule.py) enqueues `escalate_reports_task` every
minute; cron may run `manage.py care_scan` instead."""

from django.tasks import task
from django.utils import timezone

from .services.reports import reports_escalate


@task()
def escalate_reports_task() -> int:
    """Send every mandatory report nobody acknowledged in time to the next level; returns how many steps were sent.
    Idempotent: each level is sent once."""
    return reports_escalate(now=timezone.now())
