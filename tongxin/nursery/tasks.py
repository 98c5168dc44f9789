"""Background work of the childcare line. The scheduler (`manage.py schedule`, tongxin/web/schedule.py) enqueues
`expire_offers_task` every hour."""

from django.tasks import task
from django.utils import timezone

from .services.waitlist import waitlist_expire


@task()
def expire_offers_task() -> int:
    """Close the waiting-list offers whose families did not answer in time and pass the places on; returns how many
    lapsed. Idempotent."""
    now = timezone.now()
    return waitlist_expire(today=timezone.localdate(now), now=now)
