"""What runs on a timer, in one table: `manage.py schedule` enqueues each entry's task every `every` seconds.

With the database task backend (production) the scheduler only enqueues and the `manage.py db_worker` processes
run the tasks; with the immediate backend (the SQLite demo, the tests) each task runs inline in the scheduler's
own process. Run exactly one scheduler per deployment: on PostgreSQL it holds an advisory lock
(`pg_try_advisory_lock`), so a second one started by mistake idles and takes over only once the first has stopped.

Adding periodic work is one line in ENTRIES: a name for the log, the task's import path, its period in seconds and,
if it should run only sometimes, the import path of a `when(now) -> bool` asked each period. A task must be
idempotent (a round may run twice, e.g. when a scheduler restarts); the scheduler does not remember rounds across
restarts, so every entry is due once at its start. TONGXIN_SCHEDULE_SCALE multiplies every period (the smoke test
uses 0.05: a minute becomes three seconds); no period is shorter than a second.
"""

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, close_old_connections, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

MIN_PERIOD = 1.0  # seconds, whatever the scale
LOCK_RETRY = 10.0  # seconds between a waiting scheduler's tries for the lock
LOCK_KEY = 0x746F6E6778696E  # the advisory lock's key ("tongxin"); unique within the database


@dataclass(frozen=True)
class Entry:
    name: str  # for the log, in Chinese
    task: str  # import path of a django.tasks Task taking no arguments
    every: int  # seconds between two enqueues
    when: str = ""  # import path of a callable(now) -> bool; the task is enqueued only when it returns True


def custody_figures_due(now) -> bool:
    """The area overviews' figures are older than TONGXIN_FIGURES_EVERY_MINUTES (as `custody_scan` checks)."""
    from tongxin.custody.selectors import figures_due

    return figures_due(now, settings.CUSTODY_FIGURES_EVERY_MINUTES)


ENTRIES: tuple[Entry, ...] = (
    Entry("托管预警检查", "tongxin.custody.tasks.scan_alerts_task", every=60),
    Entry("托管汇总数据更新", "tongxin.custody.tasks.refresh_figures_task", every=60,
          when="tongxin.web.schedule.custody_figures_due"),
    Entry("强制报告逾期检查", "tongxin.care.tasks.escalate_reports_task", every=60),
    Entry("发送短信和微信", "tongxin.notifications.tasks.deliver_outbox_task", every=10),
    Entry("关爱工作每周待办", "tongxin.notifications.tasks.digest_task", every=3600),
    Entry("托育入托通知逾期处理", "tongxin.nursery.tasks.expire_offers_task", every=3600),
    Entry("清理已完成的后台任务记录", "tongxin.web.tasks.prune_task_results_task", every=3600),
)


def period_of(entry: Entry, scale: float) -> float:
    return max(MIN_PERIOD, entry.every * scale)


class Scheduler:
    """Keeps each entry's next time on a monotonic clock and enqueues the entries that are due. A task that fails,
    an import path that does not import or a `when` that raises is reported and the other entries go on."""

    def __init__(self, entries: Sequence[Entry], *, scale: float = 1.0, out: Callable[[str], None] = print,
                 err: Callable[[str], None] = print, verbose: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.entries = list(entries)
        self.periods = [period_of(e, scale) for e in self.entries]
        self.next_at: list[float | None] = [None] * len(self.entries)  # None: due now (the first round)
        self.out, self.err, self.verbose, self.clock = out, err, verbose, clock

    def run_due(self) -> float:
        """Enqueue every entry that is due; return the seconds until the next one is."""
        for i, entry in enumerate(self.entries):
            due = self.next_at[i]
            if due is not None and due > self.clock():
                continue
            self.enqueue(entry)
            now = self.clock()
            following = (now if due is None else due) + self.periods[i]
            # Behind (an inline task took longer than its period, or the machine slept): no burst to catch up.
            self.next_at[i] = following if following > now else now + self.periods[i]
        return max(0.0, min(t for t in self.next_at if t is not None) - self.clock())

    def run_all(self) -> None:
        """Every entry once now (each `when` still asked), e.g. from cron or to try a deployment out."""
        for entry in self.entries:
            self.enqueue(entry)

    def enqueue(self, entry: Entry) -> None:
        try:
            if entry.when and not import_string(entry.when)(timezone.now()):
                return
            result = import_string(entry.task).enqueue()
        except Exception as exc:  # the database away, a task renamed…: reported, and the loop goes on
            logger.debug("schedule entry %s", entry.task, exc_info=True)
            self.err(f"{entry.name}：提交失败（{type(exc).__name__}：{str(exc)[:200]}）")
            return
        if result.status == TaskResultStatus.FAILED:  # the immediate backend ran it here and it raised
            self.err(f"{entry.name}：执行失败（" + "；".join(e.exception_class_path for e in result.errors) + "）")
        elif result.status == TaskResultStatus.SUCCESSFUL:
            if result.return_value or self.verbose:
                self.out(f"{entry.name}：完成（{result.return_value}）")
        elif self.verbose:
            self.out(f"{entry.name}：已提交后台任务 {result.id}")

    def run(self, stop: threading.Event, lock: "ScheduleLock") -> None:
        """Until `stop` is set: while this scheduler holds the lock, enqueue what is due and sleep until the next
        entry is; while another holds it, try again every LOCK_RETRY seconds."""
        waiting = ""  # why this scheduler is not running the table, as last reported
        try:
            while not stop.is_set():
                if not lock.acquire():
                    why = (f"调度锁的数据库连接失败（{lock.failure}），{LOCK_RETRY:g} 秒后重试" if lock.failure else
                           "另一个调度进程正在运行（PostgreSQL 咨询锁被占用）：本进程待命，待其停止后接替")
                    if why != waiting:
                        (self.err if lock.failure else self.out)(why)
                        waiting = why
                    stop.wait(LOCK_RETRY)
                    continue
                if waiting:
                    self.out("已接替调度" if "待命" in waiting else "已恢复调度")
                    waiting = ""
                try:
                    pause = self.run_due()
                finally:
                    close_old_connections()
                stop.wait(min(pause, LOCK_RETRY))
        finally:
            lock.release()


class ScheduleLock:
    """One scheduler per database. On PostgreSQL a session advisory lock taken on a connection of its own (so that
    closing the request connections between rounds does not drop it) and checked at every round: if that
    connection is lost the lock is gone with it, and the scheduler goes back to trying for it. Elsewhere (SQLite,
    a single machine's demo) there is nothing to take and it is always held."""

    def __init__(self, alias: str = DEFAULT_DB_ALIAS) -> None:
        self.alias = alias
        self.connection: BaseDatabaseWrapper | None = None
        self.held = False
        self.failure = ""  # the error of the last try, if it failed for want of the database

    def acquire(self) -> bool:
        if connections[self.alias].vendor != "postgresql":
            return True
        try:
            if self.connection is None:
                self.connection = connections.create_connection(self.alias)
            with self.connection.cursor() as cursor:
                if self.held:
                    cursor.execute("SELECT 1")  # still connected, so still ours
                else:
                    cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
                    self.held = bool(cursor.fetchone()[0])
        except Error as exc:
            self.release()
            self.failure = f"{type(exc).__name__}：{str(exc).strip()[:200]}"
            return False
        self.failure = ""
        return self.held

    def release(self) -> None:
        """Let go of the lock: unlocked first, so that another scheduler can take it at once (closing the
        connection ends the session that holds it too, but the server lets go of it only when that backend
        has exited, a moment later)."""
        if self.connection is not None:
            try:
                if self.held:
                    with self.connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
            except Error:
                pass
            try:
                self.connection.close()
            except Error:
                pass
        self.connection, self.held = None, False
