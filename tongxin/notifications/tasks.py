"""Background work of notifications (Django's tasks framework): the outbox sent by a worker, never a request, and
the care line's weekly digest. The scheduler runs `deliver_outbox_task` every few seconds and `digest_task` hourly;
a write that queues messages also asks for a round at once when a real worker is running."""

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from .channels.registry import configured
from .services.delivery import outbox_deliver


@task()
def deliver_outbox_task() -> int:
    """Send what is due in the outbox; returns how many messages changed state. Safe in several workers at once."""
    report = outbox_deliver(now=timezone.now(), channels=configured(), base_url=settings.SITE_URL,
                            clock=timezone.now)
    return report.touched


@task()
def digest_task() -> int:
    """The care helpers' weekly digest, once a week however often it runs; returns how many were queued."""
    from tongxin.care.services.digest import digest_send

    return digest_send(now=timezone.now())
