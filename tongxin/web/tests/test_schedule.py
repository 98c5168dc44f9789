"""`manage.py schedule`: the table's entries enqueued at their periods, failures reported without stopping the loop,
one scheduler per PostgreSQL database (advisory lock), and the database task backend's round trip."""

import datetime as dt
import signal
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.tasks import task
from django.utils import timezone

from tongxin.web import schedule
from tongxin.web.schedule import Entry, ScheduleLock, Scheduler

pytestmark = pytest.mark.django_db

RAN: list[str] = []


@task()
def every_ten_task() -> int:
    RAN.append("ten")
    return 1


@task()
def every_thirty_task() -> int:
    RAN.append("thirty")
    return 0


@task()
def failing_task() -> int:
    raise RuntimeError("boom")


def never(now) -> bool:
    return False


def raising_when(now) -> bool:
    raise RuntimeError("when failed")


HERE = __name__
TEN = Entry("十秒", f"{HERE}.every_ten_task", every=10)
THIRTY = Entry("三十秒", f"{HERE}.every_thirty_task", every=30)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Rounds(threading.Event):
    """A stop event for `Scheduler.run` whose waits advance the fake clock, set after `rounds` waits;
    `on_wait(n)` runs at the n-th wait."""

    def __init__(self, clock: Clock, rounds: int, on_wait=None) -> None:
        super().__init__()
        self.clock, self.rounds, self.waits, self.on_wait, self.pauses = clock, rounds, 0, on_wait, []

    def wait(self, timeout=None) -> bool:
        self.waits += 1
        self.pauses.append(timeout)
        self.clock.now += timeout or 0
        if self.on_wait:
            self.on_wait(self.waits)
        if self.waits >= self.rounds:
            self.set()
        return self.is_set()


@pytest.fixture(autouse=True)
def _fresh():
    RAN.clear()
    yield
    RAN.clear()


def scheduler(entries, clock, **kw):
    out, err = [], []
    return Scheduler(entries, out=out.append, err=err.append, clock=clock, **kw), out, err


def test_each_entry_is_enqueued_at_start_and_then_every_its_own_period():
    clock = Clock()
    s, _, _ = scheduler([TEN, THIRTY], clock)
    assert s.run_due() == 10  # both ran at start; the next is the ten-second one
    assert RAN == ["ten", "thirty"]
    for _ in range(6):  # 60 seconds on, in steps of 10
        clock.now += 10
        s.run_due()
    assert RAN.count("ten") == 7 and RAN.count("thirty") == 3  # at 0, 30, 60


def test_nothing_is_enqueued_before_its_time_and_a_late_round_does_not_catch_up_in_a_burst():
    clock = Clock()
    s, _, _ = scheduler([TEN], clock)
    s.run_due()
    clock.now += 9.5
    assert s.run_due() == pytest.approx(0.5) and RAN == ["ten"]
    clock.now += 45  # the machine slept: one round, then every ten seconds from now
    s.run_due()
    assert RAN == ["ten", "ten"]
    assert s.run_due() == pytest.approx(10)


def test_the_scale_shortens_every_period_but_not_below_a_second():
    clock = Clock()
    s, _, _ = scheduler([TEN, THIRTY], clock, scale=0.05)
    assert s.periods == [1.0, 1.5]
    assert schedule.period_of(Entry("x", "y", every=60), 0.05) == 3


def test_a_failing_task_a_bad_import_path_and_a_raising_condition_do_not_stop_the_others_or_the_loop():
    clock = Clock()
    entries = [Entry("会失败", f"{HERE}.failing_task", every=10), Entry("拼错的", f"{HERE}.no_such_task", every=10),
               Entry("条件出错", f"{HERE}.every_thirty_task", every=10, when=f"{HERE}.raising_when"), TEN]
    s, out, err = scheduler(entries, clock)
    stop = Rounds(clock, rounds=3)
    s.run(stop, ScheduleLock())
    assert RAN == ["ten"] * 3  # rounds at 0, 10 and 20 s
    assert len(err) == 9
    assert sum("会失败：执行失败（builtins.RuntimeError）" in line for line in err) == 3
    assert sum(line.startswith("拼错的：提交失败（ImportError") for line in err) == 3
    assert sum(line.startswith("条件出错：提交失败（RuntimeError：when failed") for line in err) == 3


def test_an_entry_runs_only_when_its_condition_says_so():
    clock = Clock()
    s, _, _ = scheduler([Entry("从不", f"{HERE}.every_ten_task", every=10, when=f"{HERE}.never"), THIRTY], clock)
    s.run_due()
    assert RAN == ["thirty"]


def test_a_round_that_raised_nothing_is_quiet_and_one_that_did_says_so():
    clock = Clock()
    s, out, err = scheduler([TEN, THIRTY], clock)
    s.run_due()
    assert out == ["十秒：完成（1）"] and err == []  # the thirty-second task returned 0


def test_the_figures_are_refreshed_by_the_schedule_only_when_due(settings):
    from tongxin.custody.services.figures import refresh_figures

    entry = next(e for e in schedule.ENTRIES if e.task == "tongxin.custody.tasks.refresh_figures_task")
    assert entry.when == "tongxin.web.schedule.custody_figures_due"
    refresh_figures()
    assert not schedule.custody_figures_due(timezone.now())
    settings.CUSTODY_FIGURES_EVERY_MINUTES = 0
    assert schedule.custody_figures_due(timezone.now())


def test_every_entry_of_the_table_imports_as_a_task_without_arguments():
    from django.tasks import Task
    from django.utils.module_loading import import_string

    for entry in schedule.ENTRIES:
        assert isinstance(import_string(entry.task), Task), entry.task
        assert entry.every >= 1


def test_the_command_once_runs_every_entry_of_the_table_inline_on_the_immediate_backend(capsys):
    call_command("schedule", "--once")
    out = capsys.readouterr()
    assert "托管预警检查：完成（" in out.out and "强制报告逾期检查：完成（" in out.out and out.err == ""


def test_the_database_backend_queues_the_entries_for_db_worker_which_runs_them(settings, monkeypatch):
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker closes connections that are not in autocommit between tasks: here that would be the test's own
    # transaction (scripts/smoke_prod.py runs the real worker processes against PostgreSQL).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["database"]}}
    call_command("schedule", "--once")
    queued = DBTaskResult.objects.filter(task_path__in=[e.task for e in schedule.ENTRIES])
    assert queued.count() >= 2 and set(queued.values_list("status", flat=True)) == {"READY"}
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert set(queued.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_old_task_results_are_pruned_and_recent_ones_and_failures_kept_longer():
    from django_tasks_db.models import DBTaskResult

    from tongxin.web.tasks import prune_task_results_task

    now = timezone.now()

    def row(status, days_ago):
        return DBTaskResult.objects.create(task_path=f"{HERE}.every_ten_task", status=status, backend_name="default",
                                           args_kwargs={"args": [], "kwargs": {}},
                                           finished_at=now - dt.timedelta(days=days_ago))

    old, recent = row("SUCCESSFUL", 8), row("SUCCESSFUL", 6)
    old_failure, failure = row("FAILED", 31), row("FAILED", 8)
    assert prune_task_results_task.call() == 2
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) >= {recent.pk, failure.pk}
    assert not DBTaskResult.objects.filter(pk__in=[old.pk, old_failure.pk]).exists()


def test_the_admin_does_not_show_the_task_queue_in_english(login):
    page = login("admin").get("/admin/").text
    assert "Task Result" not in page and "django_tasks" not in page


# ---------------------------------------------------------------- one scheduler per PostgreSQL database

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")


@postgres_only
def test_only_one_scheduler_holds_the_lock_and_another_gets_it_once_released():
    first, second = ScheduleLock(), ScheduleLock()
    try:
        assert first.acquire() and first.acquire()  # held, and still held at the next round
        assert not second.acquire()
        first.release()
        assert second.acquire()
    finally:
        first.release()
        second.release()


@postgres_only
def test_a_second_scheduler_idles_while_the_first_runs_and_takes_over_when_it_stops():
    first = ScheduleLock()
    assert first.acquire()
    clock = Clock()
    s, out, _ = scheduler([TEN], clock)
    stop = Rounds(clock, rounds=4, on_wait=lambda n: first.release() if n == 2 else None)
    try:
        s.run(stop, ScheduleLock())
    finally:
        first.release()
    assert stop.pauses[:2] == [schedule.LOCK_RETRY] * 2  # two tries while the first held it
    assert RAN == ["ten", "ten"]  # then rounds at take-over and ten seconds later
    assert out[0].startswith("另一个调度进程正在运行") and "已接替调度" in out


class DownThenUp:
    """A lock whose database is away for the first `down` tries."""

    def __init__(self, down: int) -> None:
        self.down, self.failure = down, ""

    def acquire(self) -> bool:
        self.down -= 1
        self.failure = "OperationalError：connection refused" if self.down >= 0 else ""
        return not self.failure

    def release(self) -> None:
        pass


def test_a_scheduler_without_its_database_says_so_once_waits_and_resumes():
    clock = Clock()
    s, out, err = scheduler([TEN], clock)
    s.run(Rounds(clock, rounds=4), DownThenUp(down=2))
    assert err == ["调度锁的数据库连接失败（OperationalError：connection refused），10 秒后重试"]
    assert out == ["已恢复调度", "十秒：完成（1）", "十秒：完成（1）"]


@postgres_only
def test_the_lock_reports_a_database_it_cannot_reach(monkeypatch):
    from django.db import OperationalError

    def refuse(alias):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections, "create_connection", refuse)
    lock = ScheduleLock()
    assert not lock.acquire() and lock.failure == "OperationalError：connection refused"


@postgres_only
def test_a_scheduler_that_lost_its_lock_connection_tries_for_the_lock_again():
    lock = ScheduleLock()
    try:
        assert lock.acquire()
        with lock.connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert not lock.acquire()  # the check at the next round notices, and lets the connection go
        assert lock.acquire()  # a new connection, the lock again
    finally:
        lock.release()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_on_sqlite_there_is_no_lock_to_take_and_every_scheduler_runs():
    assert ScheduleLock().acquire() and ScheduleLock().acquire()
