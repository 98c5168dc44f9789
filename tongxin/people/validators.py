"""Validation of Chinese resident ID numbers (GB 11643-1999) and mainland mobile numbers."""

import datetime as dt
import operator
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CODE_OFFSET = 48 * sum(_WEIGHTS)
_CHECK_CHARS = "10X98765432"
_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)


@dataclass(frozen=True)
class ResidentId:
    number: str
    region_code: str
    birth_date: dt.date
    gender: str  # "M" or "F"


def id_check_char(first17: str) -> str:
    if len(first17) == 17 and first17.isascii() and first17.isdigit():
        # Each ASCII digit's code is 48 more than its value: the weighted sum of the codes, less 48 × the weights.
        total = sum(map(operator.mul, first17.encode(), _WEIGHTS)) - _CODE_OFFSET
    else:
        total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalize_digits(value: str) -> str:
    """The form a typed number is validated, hashed and stored in.

    Every decimal digit (full-width ３, Arabic-Indic ٣, ...) becomes its ASCII digit; other characters are
    NFKC-normalised (full-width Ｘ becomes X, the ideographic space a space); whitespace and invisible format
    characters (zero-width space, BOM) are dropped. A character that is a digit only by compatibility (the
    superscript ², the circled ①) is kept as typed, so validation refuses it rather than guessing.
    """
    if not value:
        return ""
    if value.isascii():  # the usual case, and the same result: ASCII is its own NFKC form and has no Cf character
        return "".join(value.split())
    out = []
    for ch in value:
        decimal = unicodedata.decimal(ch, None)
        if decimal is not None:
            out.append(str(decimal))
        elif unicodedata.digit(ch, None) is not None:
            out.append(ch)
        else:
            out.append(unicodedata.normalize("NFKC", ch))
    return "".join(ch for ch in "".join(out) if not ch.isspace() and unicodedata.category(ch) != "Cf")


def normalize_id_number(value: str) -> str:
    return normalize_digits(value).upper()


def parse_id_number(value: str, today: dt.date | None = None) -> ResidentId:
    """Parse and validate an 18-digit resident ID number; raise ValidationError with a Chinese message."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError("身份证号码应为18位，当前为%(n)d位", code="id_length", params={"n": len(number)})
    if not _ID_SHAPE.fullmatch(number):
        raise ValidationError("身份证号码前17位须为数字，最后一位为数字或X", code="id_chars")
    if number[0] not in "1234568":
        raise ValidationError("身份证号码的地区代码无效", code="id_region")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("身份证号码中的出生日期（第7-14位）无效", code="id_birth") from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1900:
        raise ValidationError("身份证号码中的出生日期（%(d)s）不合理", code="id_birth", params={"d": birth})
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError("身份证号码校验位不正确，请逐位核对", code="id_checksum")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return ResidentId(number=number, region_code=number[:6], birth_date=birth, gender=gender)


def validate_id_number(value: str) -> None:
    parse_id_number(value)


def normalize_mobile(value: str) -> str:
    number = normalize_digits(value).replace("-", "")
    if number.startswith("+86"):
        number = number[3:]
    return number


def validate_mobile(value: str) -> None:
    number = normalize_mobile(value)
    if not _MOBILE.fullmatch(number):
        raise ValidationError("手机号码应为11位数字，以1开头、第二位为3-9", code="mobile")
