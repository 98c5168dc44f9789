"""The background scans' loop (custody's alerts, care's report escalation): one round now, or a round every N
seconds until Ctrl+C or SIGTERM; a failed round is reported and the next one runs anyway."""

import signal
import threading
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections


def run_every(command: BaseCommand, every: int | None, scan: Callable[[bool], None], *, name: str,
              quiet: bool) -> None:
    """Run `scan(quiet)` once (every=None) or every `every` seconds (at least 10) until asked to stop."""
    if every is None:
        scan(False)
        return
    if every < 10:
        raise CommandError("--every 至少为 10 秒")
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    command.stdout.write(f"{name}：每 {every} 秒一次（Ctrl+C 停止）")
    try:
        while not stop.is_set():
            try:
                scan(quiet)
            except CommandError as exc:
                command.stderr.write(str(exc))
            finally:
                close_old_connections()
            stop.wait(every)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    command.stdout.write(f"{name}已停止")
