"""The backup file: one uncompressed tar holding `manifest.json` and the database dump (a gzipped SQLite copy, or
`pg_dump --format=custom`, compressed already). The manifest names the dump with its size and SHA-256, so a damaged
or altered dump is refused before anything is restored.

Written to a temporary file (mode 600) beside the destination, synced, then renamed: a backup file is complete or
absent, never half written."""

import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

FORMAT = "tongxin-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_MAX_MANIFEST = 16 * 1024 * 1024
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made or restored; the message is for the operator, in Chinese."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write(destination: Path, manifest: dict[str, Any], dump: Path, member: str) -> None:
    """Write the backup file atomically: manifest first, then the dump."""
    manifest = {**manifest, "dump": {"member": member, "bytes": dump.stat().st_size, "sha256": file_sha256(dump)}}
    body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    fd, temp = tempfile.mkstemp(prefix=".tongxin-backup-", suffix=".part", dir=destination.parent)  # mode 600
    try:
        with os.fdopen(fd, "wb") as out:
            with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
                now = time.time()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(body), 0o600, now
                tar.addfile(info, io.BytesIO(body))
                info = tarfile.TarInfo(member)
                info.size, info.mode, info.mtime = manifest["dump"]["bytes"], 0o600, now
                with open(dump, "rb") as f:
                    tar.addfile(info, f)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, destination)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    directory = os.open(destination.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


_NOT_A_BACKUP = "不是童心的备份文件，或文件已损坏"


def read(path: Path, workdir: Path) -> tuple[dict[str, Any], Path]:
    """The manifest and the dump (copied into `workdir`) of a backup file, checked against each other; BackupError
    when the file is not a backup of this format or is damaged."""
    if not path.is_file():
        raise BackupError(f"找不到备份文件：{path}")
    try:
        with tarfile.open(path, mode="r:") as tar:
            members = tar.getmembers()
            if not members or members[0].name != MANIFEST or not members[0].isfile() or members[0].size > _MAX_MANIFEST:
                raise BackupError(f"{_NOT_A_BACKUP}（没有清单 {MANIFEST}）：{path}")
            raw = tar.extractfile(members[0])
            assert raw is not None
            manifest = _parse_manifest(raw.read(), path)
            wanted = manifest["dump"]["member"]
            dumps = [m for m in members[1:] if m.name == wanted and m.isfile()]
            if len(members) != 2 or not dumps:
                raise BackupError(f"{_NOT_A_BACKUP}（内容与清单不符）：{path}")
            target = workdir / "dump"
            digest = hashlib.sha256()
            source = tar.extractfile(dumps[0])
            assert source is not None
            with open(target, "wb") as out:
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{_NOT_A_BACKUP}（{type(exc).__name__}）：{path}") from exc
    if target.stat().st_size != manifest["dump"]["bytes"] or digest.hexdigest() != manifest["dump"]["sha256"]:
        raise BackupError(f"备份文件已损坏：数据库转储的校验和与清单不符，不能恢复：{path}")
    return manifest, target


_REQUIRED = {"format": str, "format_version": int, "vendor": str, "created_at": str, "migrations": dict,
             "tables": dict, "keys": dict, "dump": dict}


def _parse_manifest(body: bytes, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackupError(f"{_NOT_A_BACKUP}（清单无法读取）：{path}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{_NOT_A_BACKUP}：{path}")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('format_version')} 不受支持（本程序读第 {FORMAT_VERSION} 版）：{path}")
    if any(not isinstance(manifest.get(k), t) for k, t in _REQUIRED.items()):
        raise BackupError(f"{_NOT_A_BACKUP}（清单不完整）：{path}")
    dump, keys, tables = manifest["dump"], manifest["keys"], manifest["tables"]
    well_formed = (
        isinstance(dump.get("member"), str) and isinstance(dump.get("bytes"), int)
        and isinstance(dump.get("sha256"), str)
        and isinstance(keys.get("field_keys"), list) and isinstance(keys.get("hash_key"), str)
        and all(isinstance(t, dict) and isinstance(t.get("rows"), int) and isinstance(t.get("sha256"), str)
                for t in tables.values())
        and all(isinstance(names, list) for names in manifest["migrations"].values())
    )
    if not well_formed:
        raise BackupError(f"{_NOT_A_BACKUP}（清单不完整）：{path}")
    return manifest


def workdir(near: Path | None) -> tempfile.TemporaryDirectory:
    """A private (mode 700) scratch directory, removed afterwards: in `near` (on the same disk as the backup being
    written), or in the system's temporary directory."""
    return tempfile.TemporaryDirectory(prefix=".tongxin-backup-", dir=near)


def copy_gzip(source: Path, target: Path) -> None:
    with open(source, "rb") as f, gzip.open(target, "wb", compresslevel=6) as out:
        shutil.copyfileobj(f, out, _CHUNK)


def copy_gunzip(source: Path, target: Path) -> None:
    try:
        with gzip.open(source, "rb") as f, open(target, "wb") as out:
            shutil.copyfileobj(f, out, _CHUNK)
    except (OSError, EOFError) as exc:
        raise BackupError("备份文件已损坏：SQLite 数据库副本无法解压") from exc
