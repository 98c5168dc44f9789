"""The ledger's import and export through the services: all or nothing, the same file twice changes nothing, a
row updates the child its ID number names, an export imports back unchanged, and the importer's scope holds."""

import dataclasses
import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.care import ledger_io, services
from tongxin.care.choices import Category
from tongxin.care.models import CareFile
from tongxin.care.selectors.exchange import ledger_export
from tongxin.people.models import Child, Guardian
from tongxin.people.validators import id_check_char

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()  # the demo is dated from the day it is built


def _id(serial: int, gender: str = "M", birth: str = "20170305") -> str:
    body = f"361199{birth}{serial:02d}{1 if gender == 'M' else 2}"
    return body + id_check_char(body)


def _bad_id(serial: int) -> str:
    good = _id(serial)
    return good[:-1] + ("0" if good[-1] != "0" else "1")


def _row(serial: int, **changes) -> ledger_io.LedgerRow:
    row = ledger_io.LedgerRow(
        line=0, name=f"测试{serial}", gender="M", id_number=_id(serial), school="石门中心小学",
        school_class="三年级（1）班", hukou_address="石门乡石门村1组", address="石门乡石门村2组8号",
        category=Category.LEFT_BEHIND, father_name=f"父{serial}", father_work_city="深圳", father_phone="13800138000",
        mother_name=f"母{serial}", mother_work_city="东莞", mother_phone="13900139000", away_since=dt.date(2024, 3, 1),
        guardian_name=f"祖{serial}", guardian_relation="grandparent", guardian_age=66, guardian_phone="13700137000",
        guardian_health="良好", boarding=False, health="健康", note="")
    return dataclasses.replace(row, **changes)


@pytest.fixture
def leader4(demo_user):
    return demo_user("leader4")  # 石门中心小学's head


def test_a_good_file_opens_a_file_per_row_and_registers_the_children(leader4):
    data = ledger_io.write_ledger([_row(1), _row(2)])
    result = services.ledger_import(leader4, data=data, on=TODAY, source="石门.xlsx")
    assert not result.errors and result.opened == 2 and result.created == 2
    child = Child.objects.get(name="测试1")
    assert child.care_file.category == Category.LEFT_BEHIND and not child.care_file.disagrees
    assert child.family.community.name == "石门村"
    assert Guardian.objects.filter(family=child.family).count() == 3
    assert AuditEntry.objects.filter(actor=leader4, reason__contains="导入关爱台账").exists()


def test_importing_the_same_file_twice_changes_nothing(leader4):
    data = ledger_io.write_ledger([_row(1), _row(2)])
    services.ledger_import(leader4, data=data, on=TODAY, source="a.xlsx")
    counts = (Child.objects.count(), Guardian.objects.count(), CareFile.objects.count())
    again = services.ledger_import(leader4, data=data, on=TODAY, source="a.xlsx")
    assert (again.opened, again.changed, again.created, again.updated, again.unchanged) == (0, 0, 0, 0, 2)
    assert (Child.objects.count(), Guardian.objects.count(), CareFile.objects.count()) == counts


def test_a_row_updates_the_child_its_id_number_names(leader4):
    services.ledger_import(leader4, data=ledger_io.write_ledger([_row(1)]), on=TODAY, source="a.xlsx")
    result = services.ledger_import(leader4, data=ledger_io.write_ledger([_row(1, boarding=True, father_work_city="杭州")]),
                                    on=TODAY, source="b.xlsx")
    assert result.changed == 1 and result.updated == 1
    child = Child.objects.get(name="测试1")
    assert child.care_file.boarding and Guardian.objects.get(family=child.family, name="父1").work_city == "杭州"


def test_one_bad_row_imports_nothing_and_every_bad_row_is_listed(leader4):
    before = (Child.objects.count(), CareFile.objects.count())
    rows = [_row(1), _row(2, id_number=_bad_id(2)), _row(3, address="火星基地", hukou_address="")]
    result = services.ledger_import(leader4, data=ledger_io.write_ledger(rows), on=TODAY, source="x.xlsx")
    lines = {e.line for e in result.errors}
    assert lines == {3, 4}
    assert all(not e.message.isascii() for e in result.errors)
    assert (Child.objects.count(), CareFile.objects.count()) == before


def test_a_row_outside_the_importers_scope_is_an_error(leader4):
    row = _row(1, school="青溪县实验小学", address="城关镇东门社区人民路1号")
    result = services.ledger_import(leader4, data=ledger_io.write_ledger([row]), on=TODAY, source="x.xlsx")
    assert result.errors and "范围" in result.errors[0].message


def test_a_stated_category_the_data_do_not_give_is_kept_and_shown_as_disagreeing(leader4):
    row = _row(1, category=Category.VULNERABLE)
    services.ledger_import(leader4, data=ledger_io.write_ledger([row]), on=TODAY, source="村委台账.xlsx")
    file = CareFile.objects.get(child__name="测试1")
    assert file.category == Category.VULNERABLE and file.derived == Category.LEFT_BEHIND and file.disagrees
    assert "村委台账.xlsx" in file.override_reason


def test_an_export_imports_back_unchanged(demo_user):
    worker = demo_user("c200201")  # 石门村's children's director: sees the villagers' numbers in full
    data, n = ledger_export(worker, on=TODAY)
    assert n > 0
    result = services.ledger_import(worker, data=data, on=TODAY, source="export.xlsx")
    assert not result.errors, result.errors[:3]
    assert (result.opened, result.changed, result.created) == (0, 0, 0)


def test_the_export_masks_numbers_the_reader_may_not_see_in_full(demo_user):
    data, _ = ledger_export(demo_user("leader4"), on=TODAY)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    ids = [r[header.index("身份证号")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert ids and all("*" in i for i in ids)


def test_the_command_lists_every_bad_row_and_imports_nothing(tmp_path, leader4):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(ledger_io.write_ledger([_row(1, id_number=_bad_id(1))]))
    with pytest.raises(CommandError, match="未导入"):
        call_command("care_import", str(path), "--user", "leader4")
    good = tmp_path / "good.xlsx"
    good.write_bytes(ledger_io.write_ledger([_row(1)]))
    out = io.StringIO()
    call_command("care_import", str(good), "--user", "leader4", stdout=out)
    assert "新建档案 1 份" in out.getvalue()
