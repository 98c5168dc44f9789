"""The ledger's Excel exchange format (台账导入导出, P-05): reading and writing, pure of the database.

One sheet (the first), one row per child, a header row naming the columns of `COLUMNS` (any order, extra columns
ignored). `read_ledger` parses the file with python-calamine (one call for the whole sheet), validates every cell
of every row and returns the good rows with every problem found, each with its sheet row number and a Chinese
message; `write_ledger` writes the same layout with XlsxWriter, so an export reads back unchanged.

Nothing here touches a model: the gender and guardian-relationship values are those of `tongxin.people.models`
(a test holds them equal), schools and classes are passed in as a mapping by the caller."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

import xlsxwriter
from django.core.exceptions import ValidationError
from python_calamine import CalamineError, CalamineWorkbook

from tongxin.people.validators import normalize_digits, normalize_mobile, parse_id_number, validate_mobile

from .choices import Category

COLUMNS: tuple[str, ...] = (
    "姓名", "性别", "身份证号", "学校", "班级", "户籍地址", "现住址", "留守类型",
    "父亲姓名", "父亲务工地", "父亲电话", "母亲姓名", "母亲务工地", "母亲电话", "外出时间",
    "监护人姓名", "与儿童关系", "监护人年龄", "监护人电话", "监护人身体状况", "是否寄宿", "健康状况", "备注",
)
REQUIRED: tuple[str, ...] = ("姓名", "性别", "身份证号", "学校", "班级", "留守类型")

# Longest text accepted per column, in characters. Names and work cities follow the registry's columns
# (Child.name, Guardian.name, Guardian.work_city: 32), the school its name (School.name: 64); addresses follow
# the registry's other addresses (School.address, Place.address: 128); the rest are this format's own choice.
MAX_LENGTHS: dict[str, int] = {
    "姓名": 32, "学校": 64, "班级": 32, "户籍地址": 128, "现住址": 128,
    "父亲姓名": 32, "父亲务工地": 32, "母亲姓名": 32, "母亲务工地": 32,
    "监护人姓名": 32, "监护人身体状况": 64, "健康状况": 200, "备注": 500,
}
# Free text that may keep its line breaks (Alt+Enter in Excel); every other text cell is one line.
MULTILINE: frozenset[str] = frozenset({"健康状况", "备注"})

GUARDIAN_AGE_MIN, GUARDIAN_AGE_MAX = 18, 100

# people.models.Gender and people.models.Guardianship.Relationship values (held equal by a test: this module
# stays free of models so that it can run before Django's app registry is ready and never queries).
MALE, FEMALE = "M", "F"
GENDER_LABELS = {MALE: "男", FEMALE: "女"}
RELATION_LABELS = {
    "father": "父亲",
    "mother": "母亲",
    "grandparent": "祖父母/外祖父母",
    "relative": "其他亲属",
    "entrusted": "委托监护人",
}

_GENDERS = {"男": MALE, "男性": MALE, "M": MALE, "MALE": MALE, "女": FEMALE, "女性": FEMALE, "F": FEMALE,
            "FEMALE": FEMALE}

_CATEGORIES: dict[str, Category] = {
    "留守儿童": Category.LEFT_BEHIND, "留守": Category.LEFT_BEHIND,
    "困境儿童": Category.VULNERABLE, "困境": Category.VULNERABLE,
    "流动儿童": Category.MIGRANT, "流动": Category.MIGRANT,
    "非关爱对象": Category.NONE, "无": Category.NONE,
    **{str(c.label): c for c in Category},
}

_RELATIONS: dict[str, str] = {
    **{label: value for value, label in RELATION_LABELS.items()},
    **dict.fromkeys(("父亲", "父", "爸爸"), "father"),
    **dict.fromkeys(("母亲", "母", "妈妈"), "mother"),
    **dict.fromkeys(("祖父", "祖母", "外祖父", "外祖母", "祖父母", "外祖父母", "爷爷", "奶奶", "外公", "外婆",
                     "姥爷", "姥姥", "爷爷奶奶", "外公外婆", "姥姥姥爷", "祖辈"), "grandparent"),
    **dict.fromkeys(("其他亲属", "亲属", "亲戚", "叔叔", "婶婶", "伯父", "伯母", "姑姑", "姑父", "舅舅", "舅妈",
                     "姨妈", "姨父", "阿姨", "哥哥", "姐姐", "兄", "姐", "叔", "伯", "姑", "舅", "姨"), "relative"),
    **dict.fromkeys(("委托监护人", "委托", "受委托人", "托管人", "邻居", "朋友", "其他"), "entrusted"),
}

_YES = {"是", "Y", "YES", "√", "寄宿"}
_NO = {"否", "N", "NO", "×", "走读", ""}

# C0 and C1 control characters but tab, line feed and carriage return (whitespace that Excel cells carry).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_HEADER_JUNK = re.compile(r"[\s*＊:：]+")
_DATE_TEXT = re.compile(r"(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*日?)?|月)?)\s*")
_AGE_TEXT = re.compile(r"(\d{1,3})\s*(?:岁|周岁)?")
_HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class LedgerRow:
    """One child of the ledger, validated and normalised."""

    line: int  # the sheet row number (header = 1 when the header is the first row)
    name: str
    gender: str  # "M" | "F"
    id_number: str  # 18 characters, normalised
    school: str
    school_class: str  # as written, whitespace-normalised
    hukou_address: str
    address: str
    category: Category
    father_name: str
    father_work_city: str
    father_phone: str  # 11 digits, "" when empty
    mother_name: str
    mother_work_city: str
    mother_phone: str
    away_since: dt.date | None
    guardian_name: str
    guardian_relation: str  # a Guardianship.Relationship value, "" when no guardian is named
    guardian_age: int | None
    guardian_phone: str
    guardian_health: str
    boarding: bool
    health: str
    note: str


@dataclass(frozen=True)
class RowError:
    """One problem: its sheet row (0 for the file as a whole), the column's header ("" for the whole row or
    file) and a Chinese message."""

    line: int
    column: str
    message: str


def class_key(school: str, school_class: str) -> tuple[str, str]:
    """The form in which a (school, class label) pair is matched: NFKC (full-width parentheses and digits become
    half-width) with every whitespace removed, so 「三年级 (2) 班」 matches 「三年级（2）班」."""
    return _squash(school), _squash(school_class)


def _squash(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split())


class ClassIndex:
    """Looks (school, class) pairs up the way `read_ledger` matches them (see `class_key`)."""

    def __init__(self, classes: Mapping[tuple[str, str], object]):
        self._classes = {class_key(school, label): value for (school, label), value in classes.items()}
        self._schools = {school for school, _ in self._classes}

    def get(self, school: str, school_class: str) -> object | None:
        return self._classes.get(class_key(school, school_class))

    def has(self, school: str, school_class: str) -> bool:
        return class_key(school, school_class) in self._classes

    def has_school(self, school: str) -> bool:
        return _squash(school) in self._schools


class _CellError(Exception):
    """A cell's value is refused; the message is the row error's."""


# ---------------------------------------------------------------------------------------------------- reading


def read_ledger(data: bytes, *, classes: Mapping[tuple[str, str], object] | None = None,
                today: dt.date | None = None) -> tuple[list[LedgerRow], list[RowError]]:
    """Parse and validate a ledger file (.xlsx, .xls or .ods). Returns the rows without any problem and every
    problem of every row; the caller imports nothing while the second list is not empty.

    `classes`: the (school name, class label) pairs the importing person may import into; a row naming another
    pair is refused. `today`: 外出时间 may not be later than it, and ID numbers' birth dates not later than it
    (by default 外出时间 is not checked against any date and birth dates against the system's date)."""
    with _collector_paused():
        return _read(data, classes, today)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the sheet is read and checked: they allocate half a million
    objects, none in a cycle, and each allocation burst would otherwise trigger collections that walk the whole
    table again (about a sixth of the read's time for 20,000 rows). Reference counting frees everything as
    usual; the collector is restored as it was, even on error."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(data: bytes, classes: Mapping[tuple[str, str], object] | None,
          today: dt.date | None) -> tuple[list[LedgerRow], list[RowError]]:
    try:
        table = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(
            skip_empty_area=False)
    except CalamineError:
        return [], [RowError(0, "", "无法读取该文件：请上传 Excel 文件（.xlsx、.xls）或 .ods 表格")]
    except Exception:  # a damaged archive: zip, XML or encoding errors surface as various exception types
        return [], [RowError(0, "", "文件已损坏或不是有效的表格文件，请用 Excel 重新保存后再上传")]

    header_index = _find_header(table)
    if header_index is None:
        return [], [RowError(1, "", "表格是空的：第一个工作表中没有表头和数据")]
    header_line = header_index + 1
    positions, errors = _map_header(table[header_index], header_line)
    if errors:
        return [], errors

    lines = [index + 1 for index in range(header_index + 1, len(table))
             if any(table[index]) or not all(cell == "" or cell is None for cell in table[index])]
    if not lines:
        return [], [RowError(header_line, "", "表头下没有任何儿童数据")]
    body = [table[line - 1] for line in lines]
    transposed = list(zip(*body))
    raw_columns = [transposed[positions[column]] if column in positions else ("",) * len(body)
                   for column in COLUMNS]
    rows, errors = _validate(lines, raw_columns, ClassIndex(classes) if classes is not None else None,
                             today=today, id_today=today or dt.date.today())
    return rows, errors


def _find_header(table: list[list[Any]]) -> int | None:
    """The header row: the first of the first rows that names 身份证号 (a title row above it is allowed), else
    the first row that is not empty."""
    first = None
    for index, cells in enumerate(table[:_HEADER_SEARCH_ROWS]):
        names = {_header_name(cell) for cell in cells}
        if "身份证号" in names and "姓名" in names:
            return index
        if first is None and any(cell != "" and cell is not None for cell in cells):
            first = index
    if first is None:
        for index in range(_HEADER_SEARCH_ROWS, len(table)):
            if any(cell != "" and cell is not None for cell in table[index]):
                return index
    return first


def _header_name(cell: Any) -> str:
    if not isinstance(cell, str):
        return ""
    name = _HEADER_JUNK.sub("", unicodedata.normalize("NFKC", cell))
    return "身份证号" if name == "身份证号码" else name


def _map_header(cells: list[Any], line: int) -> tuple[dict[str, int], list[RowError]]:
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    known = set(COLUMNS)
    for index, cell in enumerate(cells):
        name = _header_name(cell)
        if name not in known:
            continue
        if name in positions:
            errors.append(RowError(line, name, f"表头中“{name}”列出现了不止一次"))
        else:
            positions[name] = index
    for name in REQUIRED:
        if name not in positions:
            errors.append(RowError(line, name, f"缺少必填列“{name}”"))
    return positions, errors


# Positions in COLUMNS (and in LedgerRow's fields after `line`, which follow the same order).
_GENDER, _ID, _SCHOOL, _CLASS = 1, 2, 3, 4
_AWAY, _GUARDIAN, _RELATION, _AGE, _GUARDIAN_PHONE, _GUARDIAN_HEALTH = 14, 15, 16, 17, 18, 19
_REQUIRED_POSITIONS = tuple(COLUMNS.index(column) for column in REQUIRED)


def _parse_column(column: str, raws: tuple[Any, ...], parser: Callable[[Any], Any]) -> tuple[list[Any], bool]:
    """Each cell parsed, or the _CellError that refuses it, and whether any was refused.

    A column of plain text (what an export and most typed sheets hold) is checked as a whole by `_plain`; else
    each distinct value is parsed once: a county's ledger repeats its schools, classes, categories, cities and
    dates thousands of times. Values are told apart by type as well (True, 1 and 1.0 are equal keys of a dict
    but not the same cell)."""
    only_text = set(map(type, raws)) <= {str}
    if only_text:
        plain = _plain(column, raws)
        if plain is not None:
            return plain, False
    parsed: dict[Any, Any] = {}
    distinct = dict(zip(raws, raws)) if only_text else {
        raw if type(raw) is str else (type(raw), raw): raw for raw in raws}
    for key, raw in distinct.items():
        try:
            parsed[key] = parser(raw)
        except _CellError as exc:
            parsed[key] = exc
    refused = any(type(value) is _CellError for value in parsed.values())
    if only_text:
        return list(map(parsed.__getitem__, raws)), refused
    return [parsed[raw if type(raw) is str else (type(raw), raw)] for raw in raws], refused


# Any number of `people.validators` mobile numbers end to end (a test holds the two patterns to agree).
_MOBILES = re.compile(r"(?:1[3-9][0-9]{9})*", re.ASCII)
_ID_TEXTS = re.compile(r"(?:[0-9]{17}[0-9X])*", re.ASCII)


def _plain(column: str, raws: tuple[str, ...]) -> list[Any] | None:
    """The column's values when every cell is already in its normal form, which the whole column shows at C
    speed (one join, one scan); None when some cell may need the cell-by-cell parser. It may say None for a
    column that is in fact plain (a “| ” inside a value): that only costs the slow path, never a wrong value."""
    if column in MAX_LENGTHS:
        joined = "|".join(raws)
        if (not joined.isprintable() or "  " in joined or "| " in joined or " |" in joined
                or joined[:1] == " " or joined[-1:] == " " or max(map(len, raws), default=0) > MAX_LENGTHS[column]):
            return None
        return list(raws)
    if column in _PHONE_COLUMNS:
        if set(map(len, raws)) <= {0, 11} and _MOBILES.fullmatch("".join(raws)):
            return list(raws)
        return None
    if column == "身份证号":
        if set(map(len, raws)) == {18} and _ID_TEXTS.fullmatch("".join(raws)):
            return list(raws)
        return None
    return None


_PHONE_COLUMNS = frozenset({"父亲电话", "母亲电话", "监护人电话"})


def _new_row(values: tuple[Any, ...]) -> LedgerRow:
    """LedgerRow(*values) without the generated __init__ of a frozen dataclass, which sets its 24 fields one
    `object.__setattr__` at a time (a third of calamine's own read time for 20,000 rows); the values are
    already validated. Equal to LedgerRow(*values) in every respect (a test holds it)."""
    row = _object_new(LedgerRow)
    row.__dict__.update(zip(_ROW_FIELDS, values))
    return row


_object_new = object.__new__
_ROW_FIELDS = tuple(field.name for field in fields(LedgerRow))


def _validate(lines: list[int], raw_columns: list[tuple[Any, ...]], classes: ClassIndex | None, *,
              today: dt.date | None, id_today: dt.date) -> tuple[list[LedgerRow], list[RowError]]:
    """Validates the data rows column by column (each distinct value once), then what spans columns row by row.
    Every problem is kept as (row index, column index, message) and reported in sheet order."""
    problems: list[tuple[int, int, str]] = []
    columns: list[list[Any]] = []
    for index, ((column, parser), raws) in enumerate(zip(_PARSERS, raw_columns, strict=True)):
        values, refused = _parse_column(column, raws, parser)
        if refused:
            for row, value in enumerate(values):
                if type(value) is _CellError:
                    problems.append((row, index, str(value)))
                    values[row] = None
        if index in _REQUIRED_POSITIONS and "" in values:
            problems.extend((row, index, f"“{column}”为必填项") for row, value in enumerate(values) if value == "")
        columns.append(values)

    genders, ids = columns[_GENDER], columns[_ID]
    seen: dict[str, int] = {}
    for row, text in enumerate(ids):
        if text is _NUMBER:
            problems.append((row, _ID, "身份证号被存成了数字，Excel 已丢失其后几位：请将该列设为“文本”格式，"
                                       "重新输入完整的18位号码"))
            ids[row] = None
        elif text:
            try:
                parsed = parse_id_number(text, today=id_today)
            except ValidationError as exc:
                problems.append((row, _ID, exc.messages[0]))
                continue
            ids[row] = parsed.number
            if genders[row] and parsed.gender != genders[row]:
                problems.append((row, _GENDER, "性别与身份证号第17位（奇数为男，偶数为女）不一致"))
            earlier = seen.setdefault(parsed.number, row)
            if earlier != row:
                problems.append((row, _ID, f"身份证号与第{lines[earlier]}行重复"))

    if today is not None:
        late = {away for away in set(columns[_AWAY]) if away is not None and away > today}
        if late:
            problems.extend((row, _AWAY, f"外出时间（{_format_date(away)}）晚于今天")
                            for row, away in enumerate(columns[_AWAY]) if away in late)

    for row, (guardian, relation, age, phone, health) in enumerate(zip(
            columns[_GUARDIAN], columns[_RELATION], columns[_AGE], columns[_GUARDIAN_PHONE],
            columns[_GUARDIAN_HEALTH])):
        if guardian:
            if relation == "":
                problems.append((row, _RELATION, "填写了监护人，请同时填写其与儿童的关系"))
        elif guardian == "" and (relation or age is not None or phone or health):
            problems.append((row, _GUARDIAN, "填写了监护人的关系、年龄、电话或身体状况，请同时填写监护人姓名"))

    if classes is not None:
        pairs = list(zip(columns[_SCHOOL], columns[_CLASS]))
        unknown = {pair: (_CLASS if classes.has_school(pair[0]) else _SCHOOL) for pair in set(pairs)
                   if pair[0] and pair[1] and not classes.has(*pair)}
        if unknown:
            problems.extend((row, unknown[pair], "学校或班级不存在，或不在您的管辖范围内")
                            for row, pair in enumerate(pairs) if pair in unknown)

    if problems:
        problems.sort(key=lambda problem: problem[:2])
        bad_rows = {row for row, _, _ in problems}
        errors = [RowError(lines[row], COLUMNS[column], message) for row, column, message in problems]
    else:
        bad_rows, errors = set(), []
    rows = [_new_row(values) for row, values in enumerate(zip(lines, *columns)) if row not in bad_rows]
    return rows, errors


def _raw_text(value: Any) -> str:
    """A cell as text: numbers without a spurious “.0”, dates in ISO form."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return str(value)


def _check_control(text: str) -> None:
    if _CONTROL.search(text):
        raise _CellError("含有不可见的控制字符（如 NUL），请删除后重新输入")


def _text_parser(column: str) -> Callable[[Any], str]:
    limit = MAX_LENGTHS[column]
    multiline = column in MULTILINE

    def parse(value: Any) -> str:
        text = value if type(value) is str else _raw_text(value)
        if not text:
            return ""
        if not text.isprintable():
            _check_control(text)
            if multiline:
                text = "\n".join(line for line in (" ".join(part.split()) for part in text.splitlines()) if line)
            else:
                text = " ".join(text.split())
        elif text[0] == " " or text[-1] == " " or "  " in text:
            text = " ".join(text.split())
        if len(text) > limit:
            raise _CellError(f"最多{limit}个字，当前为{len(text)}个字")
        return text

    return parse


def _one_line(value: Any) -> str:
    text = value if type(value) is str else _raw_text(value)
    if not text:
        return ""
    if not text.isprintable():
        _check_control(text)
    elif " " not in text:
        return text
    return " ".join(text.split())


def _parse_gender(value: Any) -> str:
    text = _one_line(value)
    if not text:
        return ""
    try:
        return _GENDERS[text.upper()]
    except KeyError:
        raise _CellError("性别应填“男”或“女”") from None


class _Number(str):
    """Stands for an ID number typed as a number: the row reports it with its own message."""


_NUMBER = _Number("#")


def _parse_id_text(value: Any) -> str:
    # Text is checked by the row, once the row's gender is known.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _NUMBER
    return _one_line(value)


def _parse_category(value: Any) -> Category | str:
    text = _one_line(value)
    if not text:
        return ""
    try:
        return _CATEGORIES[text]
    except KeyError:
        raise _CellError("留守类型应为留守儿童、困境儿童、流动儿童或非关爱对象（可简写为留守、困境、流动、无）") from None


def _parse_phone(value: Any) -> str:
    text = _one_line(value)
    if not text:
        return ""
    try:
        validate_mobile(text)
    except ValidationError as exc:
        raise _CellError(exc.messages[0]) from None
    return normalize_mobile(text)


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise _CellError("外出时间被存成了数字：请填写日期，或文本如 2025-03、2025年3月")
    text = _one_line(value)
    if not text:
        return None
    match = _DATE_TEXT.fullmatch(text if text.isascii() else normalize_digits(text))
    if match is None or match.group(2) is None:
        raise _CellError("外出时间格式不正确：请填写如 2025-03、2025年3月、2025.3、2025/3/1 或 2025-03-01")
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _CellError(f"外出时间“{text}”不是一个有效日期") from None


def _parse_relation(value: Any) -> str:
    text = _one_line(value)
    if not text:
        return ""
    try:
        return _RELATIONS[text]
    except KeyError:
        raise _CellError("与儿童关系应为父亲、母亲、祖父母/外祖父母（爷爷、奶奶、外公、外婆…）、其他亲属或委托监护人") from None


def _parse_age(value: Any) -> int | None:
    if isinstance(value, bool):
        raise _CellError("监护人年龄应为整数")
    if isinstance(value, int):
        age = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise _CellError("监护人年龄应为整数")
        age = int(value)
    else:
        text = _one_line(value)
        if not text:
            return None
        match = _AGE_TEXT.fullmatch(normalize_digits(text))
        if match is None:
            raise _CellError("监护人年龄应为整数")
        age = int(match.group(1))
    if not GUARDIAN_AGE_MIN <= age <= GUARDIAN_AGE_MAX:
        raise _CellError(f"监护人年龄应在{GUARDIAN_AGE_MIN}至{GUARDIAN_AGE_MAX}岁之间")
    return age


def _parse_boarding(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _one_line(value).upper()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _CellError("是否寄宿应填“是”或“否”（可留空，即否）")


_PARSERS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("姓名", _text_parser("姓名")),
    ("性别", _parse_gender),
    ("身份证号", _parse_id_text),
    ("学校", _text_parser("学校")),
    ("班级", _text_parser("班级")),
    ("户籍地址", _text_parser("户籍地址")),
    ("现住址", _text_parser("现住址")),
    ("留守类型", _parse_category),
    ("父亲姓名", _text_parser("父亲姓名")),
    ("父亲务工地", _text_parser("父亲务工地")),
    ("父亲电话", _parse_phone),
    ("母亲姓名", _text_parser("母亲姓名")),
    ("母亲务工地", _text_parser("母亲务工地")),
    ("母亲电话", _parse_phone),
    ("外出时间", _parse_date),
    ("监护人姓名", _text_parser("监护人姓名")),
    ("与儿童关系", _parse_relation),
    ("监护人年龄", _parse_age),
    ("监护人电话", _parse_phone),
    ("监护人身体状况", _text_parser("监护人身体状况")),
    ("是否寄宿", _parse_boarding),
    ("健康状况", _text_parser("健康状况")),
    ("备注", _text_parser("备注")),
)


# ---------------------------------------------------------------------------------------------------- writing


def _format_date(value: dt.date) -> str:
    """YYYY-MM for a month (its first day), YYYY-MM-DD for any other day, so that the export reads back equal."""
    return f"{value:%Y-%m}" if value.day == 1 else f"{value:%Y-%m-%d}"


_TEXT_COLUMNS = frozenset({"身份证号", "父亲电话", "母亲电话", "监护人电话"})
_WIDTHS = {"姓名": 10, "性别": 6, "身份证号": 21, "学校": 22, "班级": 14, "户籍地址": 30, "现住址": 30, "留守类型": 11,
           "父亲电话": 14, "母亲电话": 14, "外出时间": 11, "监护人电话": 14, "与儿童关系": 15, "健康状况": 20, "备注": 30}


def write_ledger(rows: Iterable[LedgerRow]) -> bytes:
    """The ledger as an .xlsx file in the exchange layout: the header in `COLUMNS` order, ID numbers and phones
    as text cells formatted “@” (so that Excel keeps every digit when they are edited, or typed into an empty
    cell), 外出时间 as text (YYYY-MM for a month's first day, else YYYY-MM-DD), booleans 是/否, the category and
    the relation by their labels. Control characters that the reader would refuse are dropped.

    Written with XlsxWriter rather than openpyxl: it streams rows to the file (constant_memory) and writes each
    value with its type stated (`write_string`: a note starting with “=” stays text, never a formula), about
    twice as fast as openpyxl's write-only mode, which builds a cell object for every value."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("台账")
    bold = workbook.add_format({"bold": True})
    as_text = workbook.add_format({"num_format": "@"})
    text_columns = set()
    for index, column in enumerate(COLUMNS):
        text = column in _TEXT_COLUMNS
        sheet.set_column(index, index, _WIDTHS.get(column, 12), as_text if text else None)
        sheet.write_string(0, index, column, bold)
        if text:
            text_columns.add(index)
    sheet.freeze_panes(1, 0)
    write_string, write_blank = sheet.write_string, sheet.write_blank
    for number, row in enumerate(rows, start=1):
        values: tuple[Any, ...] = (
            row.name, GENDER_LABELS.get(row.gender, row.gender), row.id_number, row.school, row.school_class,
            row.hukou_address, row.address, Category(row.category).label, row.father_name, row.father_work_city,
            row.father_phone, row.mother_name, row.mother_work_city, row.mother_phone,
            _format_date(row.away_since) if row.away_since else "", row.guardian_name,
            RELATION_LABELS.get(row.guardian_relation, row.guardian_relation), row.guardian_age,
            row.guardian_phone, row.guardian_health, "是" if row.boarding else "否", row.health, row.note,
        )
        for index, value in enumerate(values):
            if type(value) is int:
                sheet.write_number(number, index, value)
            elif index in text_columns:
                if value:
                    write_string(number, index, _clean_for_sheet(value), as_text)
                else:
                    write_blank(number, index, None, as_text)
            elif value:
                write_string(number, index, _clean_for_sheet(value))
    workbook.close()
    return out.getvalue()


def _clean_for_sheet(value: str) -> str:
    if value.isprintable() or not _CONTROL.search(value):
        return value
    return _CONTROL.sub("", value)
