import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from tongxin.ops.backup import VENDORS, make_backup
from tongxin.ops.errors import as_command_errors


class Command(BaseCommand):
    help = ("备份整个数据库（SQLite 或 PostgreSQL）到一个文件：数据库转储加清单（迁移状态、每张表的行数和校验和、"
            "密钥指纹）。网站运行时也可备份。密钥本身不写入备份，须另行保管。")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="备份文件路径，或存放备份的目录（默认 var/backups/）")

    def handle(self, *args, path: str | None = None, **options):
        vendor = connection.vendor
        if path is None:
            folder = Path(settings.BASE_DIR) / "var" / "backups"
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            destination = folder / _name(vendor)
        else:
            destination = Path(path)
            if destination.is_dir():
                destination = destination / _name(vendor)
        started = time.monotonic()
        with as_command_errors():
            manifest = make_backup(destination=destination)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"已备份 {VENDORS[vendor]} 数据库到 {destination}：{len(manifest['tables'])} 张表、{rows} 行，"
            f"{manifest['bytes'] / 1024 / 1024:.1f} MB，用时 {time.monotonic() - started:.1f} 秒。"))
        self.stdout.write("密钥未写入备份（只记了指纹）：TONGXIN_FIELD_KEYS、TONGXIN_HASH_KEY、TONGXIN_SECRET_KEY "
                          "须与备份分开保管，恢复时要用同样的密钥。")


def _name(vendor: str) -> str:
    return f"tongxin-{vendor}-{timezone.localtime():%Y%m%d-%H%M%S}.tar"
