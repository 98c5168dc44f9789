"""The ledger's Excel exchange format: reading (every row error), writing, and the round trip."""

import dataclasses
import datetime as dt
import io
import random
import string
import unicodedata

import pytest
from openpyxl import Workbook, load_workbook

from tongxin.care import ledger_io
from tongxin.care.choices import Category
from tongxin.care.ledger_io import (
    COLUMNS,
    MAX_LENGTHS,
    REQUIRED,
    ClassIndex,
    LedgerRow,
    RowError,
    class_key,
    read_ledger,
    write_ledger,
)
from tongxin.people.validators import id_check_char, normalize_digits

TODAY = dt.date(2026, 6, 1)
SCHOOL, CLASS = "青溪县实验小学", "三年级（2）班"


def make_id(birth: str = "20170304", serial: str = "12", sex: int = 3, region: str = "522623") -> str:
    first17 = f"{region}{birth}{serial}{sex}"
    return first17 + id_check_char(first17)


BOY = make_id(sex=3)
GIRL = make_id(birth="20160101", sex=4)


def good(**changes) -> dict:
    """A row with every column filled, by header."""
    row = {
        "姓名": "王小明", "性别": "男", "身份证号": BOY, "学校": SCHOOL, "班级": CLASS,
        "户籍地址": "贵州省青溪县石门乡东坪村3组", "现住址": "青溪县石门乡东坪村12号", "留守类型": "留守儿童",
        "父亲姓名": "王大山", "父亲务工地": "广东东莞", "父亲电话": "13800138000",
        "母亲姓名": "李秀英", "母亲务工地": "浙江宁波", "母亲电话": "13900139000", "外出时间": "2025-03",
        "监护人姓名": "王老汉", "与儿童关系": "祖父", "监护人年龄": 68, "监护人电话": "15800158000",
        "监护人身体状况": "高血压", "是否寄宿": "是", "健康状况": "良好", "备注": "性格内向",
    }
    row.update(changes)
    return row


def sheet(*rows: dict | list, header: list | None = None, above: list[list] | None = None) -> bytes:
    """An .xlsx built cell by cell with openpyxl: optional rows above the header, the header, then the rows
    (a dict is laid out under the header's names, a list is written as it is)."""
    workbook = Workbook()
    ws = workbook.active
    for cells in above or []:
        ws.append(cells)
    header = list(COLUMNS) if header is None else header
    ws.append(header)
    for row in rows:
        ws.append([row.get(name, "") for name in header] if isinstance(row, dict) else row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read(*rows, **kwargs):
    classes = kwargs.pop("classes", None)
    return read_ledger(sheet(*rows, **kwargs), classes=classes, today=TODAY)


def errors_of(*rows, **kwargs) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, e.message) for e in read(*rows, **kwargs)[1]]


def only_error(row: dict, **kwargs) -> tuple[str, str]:
    rows, errors = read(row, **kwargs)
    assert rows == [] and len(errors) == 1, errors
    return errors[0].column, errors[0].message


def one_row(row: dict, **kwargs) -> LedgerRow:
    rows, errors = read(row, **kwargs)
    assert errors == [], errors
    assert len(rows) == 1
    return rows[0]


def full_row(line: int = 2, **changes) -> LedgerRow:
    values = dict(
        line=line, name="王小明", gender="M", id_number=BOY, school=SCHOOL, school_class=CLASS,
        hukou_address="贵州省青溪县石门乡东坪村3组", address="青溪县石门乡东坪村12号", category=Category.LEFT_BEHIND,
        father_name="王大山", father_work_city="广东东莞", father_phone="13800138000", mother_name="李秀英",
        mother_work_city="浙江宁波", mother_phone="13900139000", away_since=dt.date(2025, 3, 1),
        guardian_name="王老汉", guardian_relation="grandparent", guardian_age=68, guardian_phone="15800158000",
        guardian_health="高血压", boarding=True, health="良好", note="性格内向",
    )
    values.update(changes)
    return LedgerRow(**values)


def empty_row(line: int = 2, **changes) -> LedgerRow:
    values = dict(
        line=line, name="李小红", gender="F", id_number=GIRL, school=SCHOOL, school_class=CLASS, hukou_address="",
        address="", category=Category.NONE, father_name="", father_work_city="", father_phone="", mother_name="",
        mother_work_city="", mother_phone="", away_since=None, guardian_name="", guardian_relation="",
        guardian_age=None, guardian_phone="", guardian_health="", boarding=False, health="", note="",
    )
    values.update(changes)
    return LedgerRow(**values)


def without_line(row: LedgerRow) -> LedgerRow:
    return dataclasses.replace(row, line=0)


# ------------------------------------------------------------------------------------------------ the format


def test_columns_are_the_23_exchange_headers_in_export_order():
    assert COLUMNS == (
        "姓名", "性别", "身份证号", "学校", "班级", "户籍地址", "现住址", "留守类型", "父亲姓名", "父亲务工地", "父亲电话",
        "母亲姓名", "母亲务工地", "母亲电话", "外出时间", "监护人姓名", "与儿童关系", "监护人年龄", "监护人电话",
        "监护人身体状况", "是否寄宿", "健康状况", "备注",
    )
    assert set(REQUIRED) == {"姓名", "性别", "身份证号", "学校", "班级", "留守类型"}


def test_row_fields_after_line_follow_the_columns_and_the_parsers_do_too():
    assert len(dataclasses.fields(LedgerRow)) == 1 + len(COLUMNS)
    assert tuple(column for column, _ in ledger_io._PARSERS) == COLUMNS


def test_fast_row_constructor_builds_a_row_equal_to_the_dataclass_constructor():
    row = full_row()
    values = tuple(getattr(row, f.name) for f in dataclasses.fields(LedgerRow))
    fast = ledger_io._new_row(values)
    assert fast == row and hash(fast) == hash(row) and repr(fast) == repr(row)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.name = "x"  # type: ignore[misc]


def test_gender_and_relation_values_are_the_registrys():
    from tongxin.people.models import Gender, Guardianship

    assert {ledger_io.MALE, ledger_io.FEMALE} == set(Gender.values)
    assert ledger_io.RELATION_LABELS == dict(Guardianship.Relationship.choices)


# ------------------------------------------------------------------------------------------------ reading


def test_a_full_row_is_read_into_every_field():
    assert one_row(good()) == full_row()


def test_cells_typed_as_numbers_dates_and_with_stray_spaces_are_normalised():
    row = one_row(good(**{
        "姓名": "  王　小明 ", "身份证号": " " + BOY[:6] + " " + BOY[6:], "父亲电话": 13800138000.0,
        "母亲电话": "+86 139-0013-9000", "监护人年龄": 68.0, "班级": "三年级（2）班 ", "外出时间": dt.date(2025, 3, 1),
    }))
    assert (row.name, row.id_number, row.father_phone, row.mother_phone, row.guardian_age, row.school_class) == (
        "王 小明", BOY, "13800138000", "13900139000", 68, CLASS)


def test_a_lower_case_x_check_character_is_read_as_upper_case():
    number = next(n for n in (make_id(serial=f"{i:02d}", sex=2, birth="20150101") for i in range(100)) if n[-1] == "X")
    assert one_row(good(**{"身份证号": number.lower(), "性别": "女"})).id_number == number


def test_header_in_another_order_with_extra_columns_is_read():
    header = ["序号", *reversed(COLUMNS), "联系人备注"]
    row = good()
    data = sheet(["1", *(row[name] for name in reversed(COLUMNS)), "无关内容"], header=header)
    rows, errors = read_ledger(data, today=TODAY)
    assert errors == [] and rows == [full_row()]


def test_optional_columns_may_be_left_out_of_the_header():
    header = list(REQUIRED)
    rows, errors = read(good(**{"留守类型": "无"}), header=header)
    assert errors == []
    assert without_line(rows[0]) == without_line(empty_row(name="王小明", gender="M", id_number=BOY))


def test_header_marks_and_spaces_are_ignored():
    header = ["*" + name if name in REQUIRED else name for name in COLUMNS]
    header[COLUMNS.index("身份证号")] = "身份证号码"
    header[COLUMNS.index("性别")] = "性 别"
    row = good()
    assert read([row[name] for name in COLUMNS], header=header) == ([full_row()], [])


def test_header_below_a_title_row_is_found_and_lines_are_the_sheets_rows():
    rows, errors = read(good(), good(**{"身份证号": GIRL, "性别": "女"}), above=[["青溪县实验小学留守儿童台账"], []])
    assert errors == [] and [row.line for row in rows] == [4, 5]


@pytest.mark.parametrize("missing", REQUIRED)
def test_a_missing_required_header_is_one_error_on_line_1_naming_it(missing):
    header = [name for name in COLUMNS if name != missing]
    rows, errors = read(good(), good(**{"身份证号": "x"}), header=header)
    assert rows == [] and errors == [RowError(1, missing, f"缺少必填列“{missing}”")]


def test_two_missing_headers_are_two_errors():
    header = [name for name in COLUMNS if name not in ("学校", "班级")]
    assert errors_of(good(), header=header) == [(1, "学校", "缺少必填列“学校”"), (1, "班级", "缺少必填列“班级”")]


def test_a_header_written_twice_is_an_error():
    header = [*COLUMNS, "父亲电话"]
    assert errors_of([], header=header) == [(1, "父亲电话", "表头中“父亲电话”列出现了不止一次")]


def test_an_empty_sheet_is_an_error():
    workbook = Workbook()
    out = io.BytesIO()
    workbook.save(out)
    rows, errors = read_ledger(out.getvalue())
    assert rows == [] and errors == [RowError(1, "", "表格是空的：第一个工作表中没有表头和数据")]


def test_a_header_without_rows_is_an_error():
    assert errors_of() == [(1, "", "表头下没有任何儿童数据")]


@pytest.mark.parametrize("data", [b"", b"not a spreadsheet", "姓名,性别\n".encode(), b"PK\x03\x04broken zip"])
def test_a_file_that_is_not_a_spreadsheet_is_an_error_not_an_exception(data):
    rows, errors = read_ledger(data)
    assert rows == [] and len(errors) == 1 and errors[0].line == 0 and errors[0].column == ""
    assert "文件" in errors[0].message


def test_fully_empty_rows_are_skipped_and_lines_still_count_them():
    rows, errors = read(good(), {}, ["", None, ""], good(**{"身份证号": GIRL, "性别": "女"}))
    assert errors == [] and [row.line for row in rows] == [2, 5]


def test_every_empty_required_cell_is_reported():
    row = good(**{name: "" for name in REQUIRED})
    assert errors_of(row) == [(2, name, f"“{name}”为必填项") for name in REQUIRED]


@pytest.mark.parametrize("value, message", [
    (BOY[:-1] + ("0" if BOY[-1] != "0" else "1"), "身份证号码校验位不正确，请逐位核对"),
    (BOY[:17], "身份证号码应为18位，当前为17位"),
    ("52262320170230123" + "X", "身份证号码中的出生日期（第7-14位）无效"),
    (make_id(birth="20270101"), "身份证号码中的出生日期（2027-01-01）不合理"),
    ("A" + BOY[1:], "身份证号码前17位须为数字，最后一位为数字或X"),
    (make_id(region="922623"), "身份证号码的地区代码无效"),
])
def test_an_invalid_id_number_is_refused_with_the_validators_reason(value, message):
    assert only_error(good(**{"身份证号": value})) == ("身份证号", message)


@pytest.mark.parametrize("value", [float(BOY[:15] + "000"), int(BOY[:15]) * 1000])
def test_an_id_number_typed_as_a_number_asks_for_text_format(value):
    column, message = only_error(good(**{"身份证号": value}))
    assert column == "身份证号" and "数字" in message and "文本" in message


def test_gender_disagreeing_with_the_id_numbers_sex_digit_is_an_error():
    assert only_error(good(**{"性别": "女"})) == ("性别", "性别与身份证号第17位（奇数为男，偶数为女）不一致")


@pytest.mark.parametrize("value, gender", [("男", "M"), ("女", "F"), ("男性", "M"), ("F", "F"), ("m", "M")])
def test_gender_forms_are_accepted(value, gender):
    number = BOY if gender == "M" else GIRL
    assert one_row(good(**{"性别": value, "身份证号": number})).gender == gender


def test_an_unknown_gender_is_an_error():
    assert only_error(good(**{"性别": "未知"})) == ("性别", "性别应填“男”或“女”")


@pytest.mark.parametrize("column", ["父亲电话", "母亲电话", "监护人电话"])
@pytest.mark.parametrize("value", ["1380013800", "12800138000", "0571-88886666", 1380013800.0, "138001380001"])
def test_an_invalid_phone_is_an_error(column, value):
    assert only_error(good(**{column: value})) == (column, "手机号码应为11位数字，以1开头、第二位为3-9")


def test_the_whole_column_phone_check_agrees_with_the_mobile_validator():
    from django.core.exceptions import ValidationError

    from tongxin.people.validators import validate_mobile

    for second in string.digits:
        for first in "01":
            number = f"{first}{second}800138000"
            try:
                validate_mobile(number)
            except ValidationError:
                valid = False
            else:
                valid = True
            assert (ledger_io._plain("父亲电话", (number, "13800138000", "")) is not None) is valid, number
            assert (not read(good(**{"父亲电话": number}))[1]) is valid, number


@pytest.mark.parametrize("column", ["父亲电话", "母亲电话", "监护人电话"])
def test_an_empty_phone_is_allowed(column):
    assert getattr(one_row(good(**{column: ""})), ledger_io._ROW_FIELDS[1 + COLUMNS.index(column)]) == ""


@pytest.mark.parametrize("value, expected", [
    (dt.datetime(2025, 3, 15, 0, 0), dt.date(2025, 3, 15)),
    (dt.date(2025, 3, 15), dt.date(2025, 3, 15)),
    ("2025-03", dt.date(2025, 3, 1)),
    ("2025-3", dt.date(2025, 3, 1)),
    ("2025年3月", dt.date(2025, 3, 1)),
    ("2025年03月15日", dt.date(2025, 3, 15)),
    ("2025.3", dt.date(2025, 3, 1)),
    ("2025.10", dt.date(2025, 10, 1)),
    ("2025/3/1", dt.date(2025, 3, 1)),
    ("2025/3/15", dt.date(2025, 3, 15)),
    ("2025-03-01", dt.date(2025, 3, 1)),
    ("２０２５－０３", dt.date(2025, 3, 1)),
    (" 2025 年 3 月 ", dt.date(2025, 3, 1)),
    ("", None),
])
def test_away_since_accepted_forms(value, expected):
    assert one_row(good(**{"外出时间": value})).away_since == expected


@pytest.mark.parametrize("value", ["2025", "去年三月", "3/2025", "2025-13", "2025-02-30", "2025-03-01-02"])
def test_away_since_that_is_not_a_date_is_an_error(value):
    column, message = only_error(good(**{"外出时间": value}))
    assert column == "外出时间" and message.startswith("外出时间")


def test_away_since_typed_as_a_number_is_an_error():
    assert only_error(good(**{"外出时间": 2025.3})) == (
        "外出时间", "外出时间被存成了数字：请填写日期，或文本如 2025-03、2025年3月")


def test_away_since_after_today_is_an_error():
    assert only_error(good(**{"外出时间": "2026-07"})) == ("外出时间", "外出时间（2026-07）晚于今天")
    assert one_row(good(**{"外出时间": "2026-06-01"})).away_since == TODAY


def test_away_since_is_not_checked_against_a_date_without_today():
    rows, errors = read_ledger(sheet(good(**{"外出时间": "2099-01"})))
    assert errors == [] and rows[0].away_since == dt.date(2099, 1, 1)


@pytest.mark.parametrize("value, category", [
    ("留守儿童", Category.LEFT_BEHIND), ("留守", Category.LEFT_BEHIND),
    ("困境儿童", Category.VULNERABLE), ("困境", Category.VULNERABLE),
    ("流动儿童", Category.MIGRANT), ("流动", Category.MIGRANT),
    ("非关爱对象", Category.NONE), ("无", Category.NONE), (" 留守 ", Category.LEFT_BEHIND),
])
def test_category_accepted_forms(value, category):
    assert one_row(good(**{"留守类型": value})).category is category


def test_every_category_label_is_accepted():
    for category in Category:
        assert one_row(good(**{"留守类型": category.label})).category is category


def test_an_unknown_category_is_an_error():
    column, message = only_error(good(**{"留守类型": "孤儿"}))
    assert column == "留守类型" and message.startswith("留守类型应为")


@pytest.mark.parametrize("value, relation", [
    ("父亲", "father"), ("爸爸", "father"), ("母亲", "mother"), ("妈妈", "mother"),
    ("祖父", "grandparent"), ("祖母", "grandparent"), ("外祖父", "grandparent"), ("外祖母", "grandparent"),
    ("祖父母", "grandparent"), ("外祖父母", "grandparent"), ("祖父母/外祖父母", "grandparent"),
    ("爷爷", "grandparent"), ("奶奶", "grandparent"), ("外公", "grandparent"), ("外婆", "grandparent"),
    ("姥姥", "grandparent"), ("其他亲属", "relative"), ("亲属", "relative"), ("舅舅", "relative"),
    ("姑姑", "relative"), ("委托监护人", "entrusted"), ("邻居", "entrusted"), ("其他", "entrusted"),
])
def test_relation_accepted_forms(value, relation):
    assert one_row(good(**{"与儿童关系": value})).guardian_relation == relation


def test_an_unknown_relation_is_an_error():
    column, message = only_error(good(**{"与儿童关系": "老板"}))
    assert column == "与儿童关系" and message.startswith("与儿童关系应为")


def test_a_guardian_named_without_a_relation_is_an_error():
    assert only_error(good(**{"与儿童关系": ""})) == ("与儿童关系", "填写了监护人，请同时填写其与儿童的关系")


@pytest.mark.parametrize("column", ["与儿童关系", "监护人年龄", "监护人电话", "监护人身体状况"])
def test_guardian_details_without_a_guardian_name_are_an_error(column):
    row = good(**{name: "" for name in ("监护人姓名", "与儿童关系", "监护人年龄", "监护人电话", "监护人身体状况")})
    row[column] = good()[column]
    assert only_error(row) == ("监护人姓名", "填写了监护人的关系、年龄、电话或身体状况，请同时填写监护人姓名")


def test_no_guardian_at_all_is_allowed():
    row = one_row(good(**{name: "" for name in ("监护人姓名", "与儿童关系", "监护人年龄", "监护人电话", "监护人身体状况")}))
    assert (row.guardian_name, row.guardian_relation, row.guardian_age) == ("", "", None)


@pytest.mark.parametrize("value, age", [(18, 18), (100, 100), (65.0, 65), ("65", 65), ("65岁", 65), ("", None)])
def test_guardian_age_accepted_forms(value, age):
    assert one_row(good(**{"监护人年龄": value})).guardian_age == age


@pytest.mark.parametrize("value, message", [
    (17, "监护人年龄应在18至100岁之间"), (101, "监护人年龄应在18至100岁之间"), ("0", "监护人年龄应在18至100岁之间"),
    (65.5, "监护人年龄应为整数"), ("六十五", "监护人年龄应为整数"), (True, "监护人年龄应为整数"),
])
def test_guardian_age_out_of_range_or_not_an_integer_is_an_error(value, message):
    assert only_error(good(**{"监护人年龄": value})) == ("监护人年龄", message)


@pytest.mark.parametrize("value, boarding", [("是", True), ("否", False), ("", False), (True, True), (False, False)])
def test_boarding_accepted_forms(value, boarding):
    assert one_row(good(**{"是否寄宿": value})).boarding is boarding


def test_boarding_other_than_yes_or_no_is_an_error():
    assert only_error(good(**{"是否寄宿": "有时"})) == ("是否寄宿", "是否寄宿应填“是”或“否”（可留空，即否）")


def test_equal_values_of_other_types_are_parsed_apart():
    # True == 1 == 1.0 as keys of a dict: the column's memo must still tell them apart.
    rows, errors = read(good(**{"是否寄宿": True}), good(**{"是否寄宿": 1, "身份证号": GIRL, "性别": "女"}))
    assert [row.boarding for row in rows] == [True]
    assert [(e.line, e.column) for e in errors] == [(3, "是否寄宿")]


@pytest.mark.parametrize("column", sorted(MAX_LENGTHS))
def test_text_longer_than_its_column_is_an_error_and_the_limit_itself_is_accepted(column):
    limit = MAX_LENGTHS[column]
    assert only_error(good(**{column: "字" * (limit + 1)})) == (column, f"最多{limit}个字，当前为{limit + 1}个字")
    if column not in ("学校", "班级"):
        assert getattr(one_row(good(**{column: "字" * limit})), ledger_io._ROW_FIELDS[1 + COLUMNS.index(column)]) == (
            "字" * limit)


def test_the_chosen_column_limits():
    assert MAX_LENGTHS == {
        "姓名": 32, "学校": 64, "班级": 32, "户籍地址": 128, "现住址": 128, "父亲姓名": 32, "父亲务工地": 32,
        "母亲姓名": 32, "母亲务工地": 32, "监护人姓名": 32, "监护人身体状况": 64, "健康状况": 200, "备注": 500,
    }


# Excel stores a control character in a cell as _xHHHH_ (openpyxl refuses the raw character); calamine decodes it.
@pytest.mark.parametrize("escape", ["_x0000_", "_x0001_", "_x001F_", "_x007F_"])
@pytest.mark.parametrize("column", ["姓名", "户籍地址", "备注", "父亲电话", "留守类型"])
def test_nul_and_other_control_characters_are_refused(escape, column):
    value = str(good()[column])
    assert only_error(good(**{column: value[:2] + escape + value[2:]})) == (
        column, "含有不可见的控制字符（如 NUL），请删除后重新输入")


def test_line_breaks_are_kept_in_notes_and_folded_in_one_line_fields():
    row = one_row(good(**{"备注": " 第一行 \n\n  第二行\r\n", "现住址": "东坪村\n12号", "健康状况": "良好\n近视"}))
    assert (row.note, row.address, row.health) == ("第一行\n第二行", "东坪村 12号", "良好\n近视")


def test_text_with_a_bar_and_a_space_is_read_as_written():
    assert one_row(good(**{"备注": "A| B |C"})).note == "A| B |C"


def test_a_duplicate_id_number_is_an_error_on_the_later_row_naming_the_earlier_line():
    other = good(**{"身份证号": GIRL, "性别": "女"})
    rows, errors = read(good(), other, good(**{"身份证号": BOY.lower()}), good())
    assert [row.line for row in rows] == [2, 3]
    assert errors == [RowError(4, "身份证号", "身份证号与第2行重复"), RowError(5, "身份证号", "身份证号与第2行重复")]


CLASSES = {(SCHOOL, CLASS): 7, (SCHOOL, "三年级（3）班"): 8, ("青溪县第二小学", "一年级（1）班"): 9}


def test_a_class_of_a_known_school_that_is_not_in_scope_is_an_error_on_the_class():
    assert only_error(good(**{"班级": "四年级（1）班"}), classes=CLASSES) == (
        "班级", "学校或班级不存在，或不在您的管辖范围内")


def test_an_unknown_school_is_an_error_on_the_school():
    assert only_error(good(**{"学校": "青溪县第九小学"}), classes=CLASSES) == (
        "学校", "学校或班级不存在，或不在您的管辖范围内")


@pytest.mark.parametrize("school, label", [
    (SCHOOL, "三年级(2)班"), (SCHOOL, "三年级 （2） 班"), (" 青溪县 实验小学", "三年级（２）班"), (SCHOOL, CLASS),
])
def test_classes_match_after_normalising_whitespace_and_parentheses(school, label):
    row = one_row(good(**{"学校": school, "班级": label}), classes=CLASSES)
    assert ClassIndex(CLASSES).get(row.school, row.school_class) == 7
    assert class_key(row.school, row.school_class) == class_key(SCHOOL, CLASS)


def test_without_classes_schools_and_classes_are_not_checked():
    assert one_row(good(**{"学校": "青溪县第九小学"})).school == "青溪县第九小学"


def test_every_problem_of_a_row_is_reported_in_column_order():
    row = good(**{"姓名": "", "性别": "未知", "父亲电话": "123", "外出时间": "明年", "监护人年龄": 12, "是否寄宿": "?"})
    assert [column for _, column, _ in errors_of(row)] == ["姓名", "性别", "父亲电话", "外出时间", "监护人年龄", "是否寄宿"]


def test_every_bad_row_is_reported_and_no_bad_row_is_returned():
    rows, errors = read(
        good(**{"父亲电话": "123"}),
        good(**{"身份证号": GIRL, "性别": "女"}),
        good(**{"身份证号": make_id(serial="34"), "留守类型": "?"}),
        {},
        good(**{"身份证号": make_id(serial="56"), "与儿童关系": "?"}),
        good(**{"身份证号": make_id(serial="78"), "母亲电话": "1"}),
    )
    assert [row.line for row in rows] == [3]
    assert [(e.line, e.column) for e in errors] == [(2, "父亲电话"), (4, "留守类型"), (6, "与儿童关系"), (7, "母亲电话")]


@pytest.mark.parametrize("data", [b"broken", None])
def test_the_garbage_collector_is_restored_after_a_read(data):
    import gc

    data = data or sheet(good())
    assert gc.isenabled()
    read_ledger(data)
    assert gc.isenabled()
    gc.disable()
    try:
        read_ledger(data)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_only_the_first_sheet_is_read():
    workbook = load_workbook(io.BytesIO(sheet(good())))
    other = workbook.create_sheet("说明")
    other.append(["这里不是台账"])
    out = io.BytesIO()
    workbook.save(out)
    assert [row.name for row in read_ledger(out.getvalue())[0]] == ["王小明"]


# ------------------------------------------------------------------------------------------------ writing


def test_export_writes_the_header_and_typed_cells():
    data = write_ledger([full_row(away_since=dt.date(2025, 3, 1)), empty_row(boarding=False)])
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert tuple(values[0]) == COLUMNS
    first = dict(zip(COLUMNS, values[1]))
    assert (first["性别"], first["外出时间"], first["是否寄宿"], first["留守类型"], first["与儿童关系"]) == (
        "男", "2025-03", "是", "留守儿童", "祖父母/外祖父母")
    assert first["监护人年龄"] == 68
    for column in ("身份证号", "父亲电话", "母亲电话", "监护人电话"):
        cell = ws.cell(row=2, column=COLUMNS.index(column) + 1)
        assert cell.data_type == "s" and cell.number_format == "@" and isinstance(cell.value, str)
    second = dict(zip(COLUMNS, values[2]))
    assert (second["是否寄宿"], second["外出时间"], second["监护人年龄"], second["留守类型"]) == (
        "否", None, None, "非关爱对象")


def test_export_writes_a_day_other_than_the_first_in_full():
    data = write_ledger([full_row(away_since=dt.date(2025, 3, 15))])
    assert load_workbook(io.BytesIO(data)).worksheets[0]["O2"].value == "2025-03-15"


def test_a_value_starting_with_equals_is_exported_as_text_not_a_formula():
    data = write_ledger([full_row(note="=HYPERLINK(\"http://x\")", name="=1+1")])
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert ws["A2"].data_type == "s" and ws["A2"].value == "=1+1"
    assert read_ledger(data)[0][0].note == "=HYPERLINK(\"http://x\")"


def test_export_drops_control_characters_so_that_it_imports_back():
    data = write_ledger([full_row(note="坏\x00字符\x07", health="好\x1f")])
    rows, errors = read_ledger(data)
    assert errors == [] and (rows[0].note, rows[0].health) == ("坏字符", "好")


def test_round_trip_with_every_field_filled_gives_equal_rows():
    written = [full_row(), full_row(line=3, id_number=GIRL, gender="F", name="王小红", category=Category.VULNERABLE,
                                    guardian_relation="entrusted", away_since=dt.date(2024, 12, 25), boarding=False,
                                    note="第一行\n第二行 _x0041_ 字面", school_class="三年级(3)班")]
    rows, errors = read_ledger(write_ledger(written), today=TODAY)
    assert errors == []
    assert [without_line(row) for row in rows] == [without_line(row) for row in written]


def test_round_trip_with_empty_optional_fields_gives_equal_rows():
    written = [empty_row(), empty_row(line=3, id_number=BOY, gender="M", category=Category.MIGRANT),
               full_row(line=4, id_number=make_id(serial="99"), father_phone="", mother_name="", note="",
                        guardian_age=None, category=Category.NONE)]
    rows, errors = read_ledger(write_ledger(written), today=TODAY)
    assert errors == []
    assert [without_line(row) for row in rows] == [without_line(row) for row in written]


def test_round_trip_of_every_category_and_relation():
    written = [full_row(line=i + 2, id_number=make_id(serial=f"{i:02d}"), category=category, guardian_relation=relation)
               for i, (category, relation) in enumerate(zip(list(Category) * 2, ledger_io.RELATION_LABELS))]
    rows, errors = read_ledger(write_ledger(written))
    assert errors == [] and [without_line(r) for r in rows] == [without_line(r) for r in written]


def test_an_empty_export_has_the_header_and_reads_back_as_no_data():
    data = write_ledger([])
    assert tuple(next(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))) == COLUMNS
    assert read_ledger(data) == ([], [RowError(1, "", "表头下没有任何儿童数据")])


# ------------------------------------------------------------------------------------------------ validators' fast paths


def test_normalize_digits_ascii_fast_path_gives_the_general_result_for_every_ascii_character():
    def general(value: str) -> str:
        out = []
        for ch in value:
            decimal = unicodedata.decimal(ch, None)
            if decimal is not None:
                out.append(str(decimal))
            elif unicodedata.digit(ch, None) is not None:
                out.append(ch)
            else:
                out.append(unicodedata.normalize("NFKC", ch))
        return "".join(c for c in "".join(out) if not c.isspace() and unicodedata.category(c) != "Cf")

    every = "".join(map(chr, range(128)))
    assert normalize_digits(every) == general(every)
    for ch in every:
        assert normalize_digits("1" + ch + "2") == general("1" + ch + "2")


def test_id_check_char_fast_path_gives_the_weighted_sum_result():
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    rng = random.Random(11)
    for _ in range(2000):
        first17 = "".join(rng.choice(string.digits) for _ in range(17))
        assert id_check_char(first17) == "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]
    assert id_check_char("１１０１０５１９４９１２３１００２") == "X"  # full-width digits take the general path
