"""Fingerprints of the keys that personal fields are encrypted and looked up with.

A backup holds the fingerprints, never the keys (TONGXIN_FIELD_KEYS, TONGXIN_HASH_KEY and TONGXIN_SECRET_KEY stay
where the service's environment is kept). A fingerprint is HMAC-SHA256 keyed with one key's material over a fixed
label: it tells whether two keys are the same, and nothing about the key.

Restoring needs the lookup-hash key the backup was made with, and every field key it was made with (rotating by
prepending a new key keeps the old ones, so a backup from before a rotation still restores)."""

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings

from tongxin.people import crypto

_LABEL = b"tongxin backup key fingerprint v1"
FIELD_KEYS = "TONGXIN_FIELD_KEYS"
HASH_KEY = "TONGXIN_HASH_KEY"
SECRET_KEY = "TONGXIN_SECRET_KEY"


def fingerprint(material: bytes) -> str:
    return hmac.new(material, _LABEL, hashlib.sha256).hexdigest()


def _root(key: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(key)
    except (ValueError, binascii.Error):
        return key.encode()


def current() -> dict:
    """The fingerprints of the keys configured now, and which setting each set comes from."""
    if settings.FIELD_ENCRYPTION_KEYS:
        field_keys, field_from = [_root(k) for k in settings.FIELD_ENCRYPTION_KEYS], FIELD_KEYS
    else:  # derived from the secret key, as people.crypto does in development and tests
        field_keys, field_from = [crypto.derived_key(b"encrypt")], SECRET_KEY
    hash_key = settings.FIELD_HASH_KEY.encode() if settings.FIELD_HASH_KEY else crypto.derived_key(b"lookup-hash")
    return {
        "field_keys": [fingerprint(k) for k in field_keys],
        "field_keys_from": field_from,
        "hash_key": fingerprint(hash_key),
        "hash_key_from": HASH_KEY if settings.FIELD_HASH_KEY else SECRET_KEY,
    }


@dataclass(frozen=True)
class KeyMismatch:
    which: str  # the setting to restore: TONGXIN_FIELD_KEYS, TONGXIN_HASH_KEY or TONGXIN_SECRET_KEY
    text: str


def mismatches(backup: dict, now: dict) -> list[KeyMismatch]:
    """What differs between the keys a backup was made with and the keys configured now (empty: it may be restored)."""
    found = []
    missing = [fp for fp in backup["field_keys"] if fp not in now["field_keys"]]
    if missing:
        if backup["field_keys_from"] == FIELD_KEYS:
            what = (f"字段加密密钥（TONGXIN_FIELD_KEYS）不同：备份用到的 {len(backup['field_keys'])} 把密钥中有 "
                    f"{len(missing)} 把当前没有配置")
        else:
            what = "字段加密密钥不同：备份时未设置 TONGXIN_FIELD_KEYS，字段密钥由当时的 TONGXIN_SECRET_KEY 派生，与当前的不同"
        found.append(KeyMismatch(backup["field_keys_from"], what + "，恢复后证件号、电话、住址等个人信息将无法解密"))
    if backup["hash_key"] != now["hash_key"]:
        if backup["hash_key_from"] == HASH_KEY:
            what = "查找哈希密钥（TONGXIN_HASH_KEY）不同"
        else:
            what = "查找哈希密钥不同：备份时未设置 TONGXIN_HASH_KEY，它由当时的 TONGXIN_SECRET_KEY 派生，与当前的不同"
        found.append(KeyMismatch(backup["hash_key_from"], what + "，恢复后将无法按证件号查找和查重"))
    return found
