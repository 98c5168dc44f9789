"""How the backup commands report what went wrong: a refusal, the database or the file system, in Chinese."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.core.management.base import CommandError

from .archive import BackupError


@contextmanager
def as_command_errors() -> Iterator[None]:
    try:
        yield
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    except psycopg.Error as exc:
        raise CommandError(f"PostgreSQL 出错：{exc}") from exc
    except OSError as exc:
        raise CommandError(f"读写文件出错：{exc}") from exc
