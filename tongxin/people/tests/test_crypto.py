"""Personal-field encryption: AES-GCM tokens for new values, Fernet tokens from before still readable."""

import base64
from collections.abc import Callable, Iterator

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tongxin.orgs.models import Region
from tongxin.people import crypto
from tongxin.people.models import Family, Guardian

UNREADABLE = "无法解密个人信息字段：加密密钥与数据不匹配"
VALUE = "江西省某县东门社区人民路1号 · 高血压，需每日服药"

UseKeys = Callable[..., None]


@pytest.fixture
def use_keys(settings) -> Iterator[UseKeys]:
    """Configure TONGXIN_FIELD_KEYS for one test; the key cache is dropped before and after."""

    def use(*keys: bytes) -> None:
        settings.FIELD_ENCRYPTION_KEYS = [key.decode() for key in keys]
        crypto.clear_key_cache()

    yield use
    crypto.clear_key_cache()  # rebuilt lazily, after pytest-django has put the settings back


def raw_bytes(token: str) -> bytes:
    assert token.startswith("g1.")
    return base64.urlsafe_b64decode(token[3:])


def as_token(raw: bytes) -> str:
    return "g1." + base64.urlsafe_b64encode(raw).decode()


def test_new_value_is_written_as_gcm_token_and_round_trips(use_keys):
    use_keys(Fernet.generate_key())
    token = crypto.encrypt(VALUE)
    raw = raw_bytes(token)
    # key id (4) + nonce (12) + ciphertext (as long as the UTF-8 value) + tag (16)
    assert len(raw) == 4 + 12 + len(VALUE.encode()) + 16
    assert VALUE.encode() not in raw and "." not in token[3:]
    assert crypto.decrypt(token) == VALUE


def test_fernet_token_written_before_gcm_still_decrypts(use_keys):
    key = Fernet.generate_key()
    use_keys(key)
    old_token = Fernet(key).encrypt(VALUE.encode()).decode()
    assert old_token.startswith("gAAAAA")
    assert crypto.decrypt(old_token) == VALUE


def test_fernet_token_under_key_derived_from_secret_key_still_decrypts(use_keys, settings):
    """Development and demo databases were encrypted under the SECRET_KEY-derived Fernet key."""
    use_keys()
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tongxin-fields", info=b"encrypt").derive(
        settings.SECRET_KEY.encode())
    old_token = Fernet(base64.urlsafe_b64encode(derived)).encrypt(VALUE.encode()).decode()
    assert crypto.decrypt(old_token) == VALUE
    assert crypto.decrypt(crypto.encrypt(VALUE)) == VALUE


def test_tokens_under_older_key_decrypt_after_rotation_and_new_key_encrypts(use_keys):
    old_key, new_key = Fernet.generate_key(), Fernet.generate_key()
    use_keys(old_key)
    old_gcm = crypto.encrypt(VALUE)
    old_fernet = Fernet(old_key).encrypt(VALUE.encode()).decode()

    use_keys(new_key, old_key)
    assert crypto.decrypt(old_gcm) == VALUE
    assert crypto.decrypt(old_fernet) == VALUE
    new_gcm = crypto.encrypt(VALUE)
    assert raw_bytes(new_gcm)[:4] != raw_bytes(old_gcm)[:4]  # the key id tells the keys apart

    use_keys(new_key)  # the old key retired: its tokens are refused with the usual message
    assert crypto.decrypt(new_gcm) == VALUE
    for token in (old_gcm, old_fernet):
        with pytest.raises(ImproperlyConfigured, match=UNREADABLE):
            crypto.decrypt(token)


@pytest.mark.parametrize("part, index", [("key id", 1), ("nonce", 4 + 5), ("ciphertext", 4 + 12 + 3), ("tag", -1)])
def test_flipped_byte_is_refused(use_keys, part, index):
    use_keys(Fernet.generate_key())
    raw = bytearray(raw_bytes(crypto.encrypt(VALUE)))
    raw[index] ^= 0x01
    with pytest.raises(ImproperlyConfigured, match=UNREADABLE):
        crypto.decrypt(as_token(bytes(raw)))


def test_token_moved_to_the_other_format_is_refused(use_keys):
    """The `g1.` header is authenticated: the same bytes under another header do not decrypt."""
    use_keys(Fernet.generate_key())
    body = crypto.encrypt(VALUE)[3:]
    for token in ("g2." + body, body):
        with pytest.raises(ImproperlyConfigured, match=UNREADABLE):
            crypto.decrypt(token)


@pytest.mark.parametrize("token", ["g1.", "g1.AAAA", "g1.!!!!", "g1.abc", "g1." + "A" * 40, "g1." + "A" * 60, "gAAAAAnonsense", "", "纯文本"])
def test_malformed_token_is_refused_with_the_usual_message(use_keys, token):
    use_keys(Fernet.generate_key())
    with pytest.raises(ImproperlyConfigured, match=UNREADABLE):
        crypto.decrypt(token)


def test_two_encryptions_of_the_same_value_differ(use_keys):
    use_keys(Fernet.generate_key())
    first, second = crypto.encrypt(VALUE), crypto.encrypt(VALUE)
    assert first != second
    assert raw_bytes(first)[4:16] != raw_bytes(second)[4:16]  # fresh random nonce
    assert crypto.decrypt(first) == crypto.decrypt(second) == VALUE


def test_invalid_configured_key_stops_the_start(use_keys):
    use_keys(b"not-a-fernet-key")
    with pytest.raises(ImproperlyConfigured, match="invalid Fernet key"):
        crypto.encrypt(VALUE)


@pytest.mark.django_db
def test_empty_value_stays_empty_and_a_filled_one_is_stored_as_gcm_token():
    family = Family.objects.create(head_name="测试户", community=Region.objects.get(code="361199100001"))
    empty = Guardian.objects.create(family=family, name="林空", gender="M", phone="")
    filled = Guardian.objects.create(family=family, name="林满", gender="M", phone="13812345678")
    with connection.cursor() as cur:
        cur.execute("SELECT id, phone FROM people_guardian WHERE id IN (%s, %s)", [empty.pk, filled.pk])
        stored = dict(cur.fetchall())
    assert stored[empty.pk] == ""
    assert stored[filled.pk].startswith("g1.") and "13812345678" not in stored[filled.pk]
    assert Guardian.objects.get(pk=empty.pk).phone == ""
    assert Guardian.objects.get(pk=filled.pk).phone == "13812345678"
    assert crypto.decrypt(crypto.encrypt("")) == ""
