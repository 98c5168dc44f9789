"""Encryption at rest for personal fields, and the keyed hash used to find a record by its exact value.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`). Several keys may be
configured: the first encrypts, every key decrypts, so keys can be rotated by prepending a new one and
re-saving rows. The lookup hash is HMAC-SHA256 under a separate key, so the database alone reveals
neither the value nor a dictionary-attackable digest.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def _derive(label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tongxin-fields", info=label).derive(
        settings.SECRET_KEY.encode()
    )


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS) or [base64.urlsafe_b64encode(_derive(b"encrypt")).decode()]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:  # a malformed key must stop the start, never silently fall back
        raise ImproperlyConfigured(f"TONGXIN_FIELD_KEYS holds an invalid Fernet key: {exc}") from exc


@lru_cache(maxsize=1)
def _hash_key() -> bytes:
    return settings.FIELD_HASH_KEY.encode() if settings.FIELD_HASH_KEY else _derive(b"lookup-hash")


def clear_key_cache() -> None:
    _fernet.cache_clear()
    _hash_key.cache_clear()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("无法解密个人信息字段：加密密钥与数据不匹配") from exc


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalised value, for exact lookup and de-duplication."""
    normalised = value.strip().upper()
    return hmac.new(_hash_key(), normalised.encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.TextField):
    """A text field stored as a Fernet token. It cannot be filtered on: use its hash column instead."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise TypeError(f"加密字段 {self.name} 不能按 {lookup_name} 查询，请使用对应的哈希字段")
        return super().get_lookup(lookup_name)
