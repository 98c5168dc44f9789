"""The background loops' shared parts: stopping on Ctrl+C or SIGTERM, and the scans' loop (custody's alerts, care's
report escalation, kept for cron users and `--every`): one round now, or a round every N seconds until asked to
stop; a failed round is reported and the next one runs anyway. `manage.py schedule` (tongxin/web/schedule.py)
uses `stop_on_signals` for its own loop."""

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event that SIGTERM or SIGINT (Ctrl+C) sets while inside, instead of ending the process at once; a loop
    waits on it between rounds (`stop.wait(seconds)`) and finishes the round it is in. The previous handlers are
    put back on leaving."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_every(command: BaseCommand, every: int | None, scan: Callable[[bool], None], *, name: str,
              quiet: bool) -> None:
    """Run `scan(quiet)` once (every=None) or every `every` seconds (at least 10) until asked to stop."""
    if every is None:
        scan(False)
        return
    if every < 10:
        raise CommandError("--every 至少为 10 秒")
    with stop_on_signals() as stop:
        command.stdout.write(f"{name}：每 {every} 秒一次（Ctrl+C 停止）")
        while not stop.is_set():
            try:
                scan(quiet)
            except CommandError as exc:
                command.stderr.write(str(exc))
            finally:
                close_old_connections()
            stop.wait(every)
    command.stdout.write(f"{name}已停止")
