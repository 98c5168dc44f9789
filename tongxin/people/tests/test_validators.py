import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongxin.people.masking import mask_address, mask_id_number, mask_phone
from tongxin.people.validators import (
    id_check_char,
    normalize_mobile,
    parse_id_number,
    validate_id_number,
    validate_mobile,
)


def make_id(first17: str) -> str:
    return first17 + id_check_char(first17)


def test_known_valid_number_with_x_check_digit():
    # The GB 11643-1999 worked example: 11010519491231002X.
    parsed = parse_id_number("11010519491231002X")
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.gender == "F"
    assert parsed.region_code == "110105"


def test_lowercase_x_and_spaces_are_normalised():
    assert parse_id_number(" 11010519491231002x ").number == "11010519491231002X"


def test_gender_digit_odd_is_male():
    assert parse_id_number(make_id("36119920150302123")).gender == "M"
    assert parse_id_number(make_id("36119920150302124")).gender == "F"


@pytest.mark.parametrize(
    "value, code, text",
    [
        ("3611992015030212", "id_length", "18位"),
        ("36119920150302A234", "id_chars", "数字"),
        ("96119920150302123X", "id_region", "地区"),
        (make_id("36119920150230123"), "id_birth", "出生日期"),
        (make_id("36119920990101123"), "id_birth", "不合理"),
    ],
)
def test_bad_numbers_are_refused_with_a_chinese_reason(value, code, text):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert exc.value.code == code
    assert text in exc.value.messages[0]


def test_every_wrong_check_digit_is_refused():
    first17 = "36119920150302123"
    right = id_check_char(first17)
    for wrong in "0123456789X":
        if wrong != right:
            with pytest.raises(ValidationError, match="校验位"):
                validate_id_number(first17 + wrong)


def test_future_birth_date_depends_on_today():
    number = make_id("36119920261201123")
    assert parse_id_number(number, today=dt.date(2026, 12, 1)).birth_date == dt.date(2026, 12, 1)
    with pytest.raises(ValidationError):
        parse_id_number(number, today=dt.date(2026, 11, 30))


@pytest.mark.parametrize("value", ["13812345678", "199 1234 5678", "+8615012345678", "166-1234-5678"])
def test_valid_mobiles(value):
    validate_mobile(value)


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "138123456789", "0791-8888888", ""])
def test_invalid_mobiles(value):
    with pytest.raises(ValidationError, match="手机号码"):
        validate_mobile(value)


def test_masks():
    assert mask_id_number("320102201503021234") == "3201**********1234"
    assert mask_id_number("") == ""
    assert mask_phone("13812345678") == "138****5678"
    masked = mask_address("城关镇东门社区人民路12号3单元502室")
    assert masked.endswith("****") and "502" not in masked


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_full_width_and_arabic_indic_digits_are_read_as_ascii():
    number = "11010519491231002X"
    assert parse_id_number(number.translate(FULL_WIDTH)).number == number
    assert parse_id_number(number.translate(ARABIC_INDIC)).number == number
    assert parse_id_number("110105\u3000194912\u00a031002ｘ\u200b").number == number  # ideographic, no-break, zero-width


@pytest.mark.parametrize("superscript", ["²", "①", "₂"])
def test_a_digit_only_by_compatibility_is_refused_with_a_chinese_reason_not_an_exception(superscript):
    first17 = "36119920150302123"
    number = first17[:16] + superscript + id_check_char(first17)  # the gender digit, typed as a superscript
    with pytest.raises(ValidationError) as exc:
        parse_id_number(number)
    assert exc.value.code == "id_chars" and "数字" in exc.value.messages[0]
    with pytest.raises(ValidationError, match="手机号码"):
        validate_mobile("1381234567" + superscript)


def test_mobiles_in_full_width_or_arabic_indic_digits_normalise_to_ascii():
    assert normalize_mobile("１３８　１２３４－５６７８") == "13812345678"
    assert normalize_mobile("+86 ١٣٨١٢٣٤٥٦٧٨") == "13812345678"
    validate_mobile("１３８１２３４５６７８")
