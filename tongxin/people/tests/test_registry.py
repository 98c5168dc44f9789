import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tongxin.audit.models import AuditEntry
from tongxin.orgs.models import Region
from tongxin.people import crypto, services
from tongxin.people.models import Child, Family, Guardian
from tongxin.people.validators import id_check_char

pytestmark = pytest.mark.django_db


def new_id(birth: dt.date, gender: str, seq: str = "77") -> str:
    first17 = f"361199{birth:%Y%m%d}{seq}{'1' if gender == 'M' else '2'}"
    return first17 + id_check_char(first17)


@pytest.fixture
def family():
    return Family.objects.create(head_name="测试户", community=Region.objects.get(code="361199100001"),
                                 address="东门社区人民路1号")


def test_id_number_is_encrypted_at_rest_and_found_by_hash(family):
    number = new_id(dt.date(2016, 5, 6), "F")
    child = Child.objects.create(name="林小雨", gender="F", birth_date=dt.date(2016, 5, 6), family=family, id_number=number)
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, id_masked, id_hash FROM people_child WHERE id = %s", [child.pk])
        stored, masked, digest = cur.fetchone()
    assert number not in stored and stored.startswith(crypto.GCM_PREFIX)
    assert masked == number[:4] + "*" * 10 + number[-4:]
    assert digest == crypto.lookup_hash(number) and number not in digest
    assert Child.objects.get(pk=child.pk).id_number == number
    assert Child.objects.get(id_hash=crypto.lookup_hash(number.lower())).pk == child.pk


def test_guardian_phone_encrypted_and_masked(family):
    g = Guardian.objects.create(family=family, name="林建国", gender="M", phone="138 1234 5678")
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM people_guardian WHERE id = %s", [g.pk])
        assert "13812345678" not in cur.fetchone()[0]
    g.refresh_from_db()
    assert g.phone == "13812345678" and g.phone_masked == "138****5678"


def test_key_rotation_keeps_old_rows_readable(settings, family):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    crypto.clear_key_cache()
    try:
        child = Child.objects.create(name="旧密钥", gender="M", birth_date=dt.date(2017, 1, 2), family=family,
                                     id_number=new_id(dt.date(2017, 1, 2), "M"))
        settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
        crypto.clear_key_cache()
        assert Child.objects.get(pk=child.pk).id_number == new_id(dt.date(2017, 1, 2), "M")
        settings.FIELD_ENCRYPTION_KEYS = [new_key]
        crypto.clear_key_cache()
        with pytest.raises(Exception, match="解密"):
            Child.objects.get(pk=child.pk)
    finally:
        settings.FIELD_ENCRYPTION_KEYS = []
        crypto.clear_key_cache()


def test_encrypted_field_cannot_be_filtered_by_value():
    with pytest.raises(TypeError, match="哈希"):
        Child.objects.filter(id_number="x").exists()


def test_child_clean_checks_id_against_birth_date_and_gender(family):
    child = Child(name="王一", gender="M", birth_date=dt.date(2016, 5, 7), family=family,
                  id_number=new_id(dt.date(2016, 5, 6), "M"))
    with pytest.raises(ValidationError, match="出生日期"):
        child.full_clean()
    child = Child(name="王一", gender="F", birth_date=dt.date(2016, 5, 6), family=family,
                  id_number=new_id(dt.date(2016, 5, 6), "M"))
    with pytest.raises(ValidationError, match="性别"):
        child.full_clean()


def test_pinyin_initials_are_computed(family):
    child = Child.objects.create(name="张晓明", gender="M", birth_date=dt.date(2016, 5, 6), family=family)
    assert child.initials == "zxm"


def test_register_child_audits_and_refuses_duplicates_and_out_of_scope(demo_user, family):
    worker = demo_user("community")  # 东门社区
    birth = dt.date(2018, 3, 4)
    child = services.register_child(worker, family=family, name="赵新", gender="M", birth_date=birth,
                                    id_number=new_id(birth, "M", "55"))
    entry = AuditEntry.objects.get(target_type="people.Child", target_id=str(child.pk), action="create")
    assert entry.actor == worker and "id_number" in entry.fields and entry.child_id == child.pk
    with pytest.raises(ValidationError, match="已登记"):
        services.register_child(worker, family=family, name="赵新二", gender="M", birth_date=birth,
                                id_number=new_id(birth, "M", "55"))
    elsewhere = Family.objects.create(head_name="外村", community=Region.objects.get(code="361199200202"))
    with pytest.raises(PermissionDenied):
        services.register_child(worker, family=elsewhere, name="钱多", gender="F", birth_date=birth)
    assert not Child.objects.filter(name="钱多").exists()


def test_update_child_records_changed_field_names_only(demo_user):
    teacher = demo_user("teacher")
    child = Child.objects.filter(school_class__pk=teacher.assignments.get().school_class_id).first()
    services.update_child(teacher, child, health_notes="对青霉素过敏")
    entry = AuditEntry.objects.filter(action="update", target_id=str(child.pk)).latest("at")
    assert entry.fields == ["health_notes"]
    assert "青霉素" not in str(entry.__dict__)


def test_volunteer_and_parent_cannot_edit_registry(demo_user):
    child = Child.objects.first()
    for username in ("volunteer", "parent"):
        with pytest.raises(PermissionDenied):
            services.update_child(demo_user(username), child, health_notes="x")


def test_full_width_and_arabic_indic_id_numbers_are_stored_as_ascii_and_caught_as_duplicates(demo_user, family):
    worker = demo_user("community")
    birth = dt.date(2018, 6, 9)
    number = new_id(birth, "F", "66")
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    child = services.register_child(worker, family=family, name="周一", gender="F", birth_date=birth, id_number=full_width)
    child.refresh_from_db()
    assert child.id_number == number and child.id_hash == crypto.lookup_hash(number)
    assert child.id_masked == number[:4] + "*" * 10 + number[-4:]
    arabic_indic = " " + number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + "\u3000"
    with pytest.raises(ValidationError, match="已登记"):
        services.register_child(worker, family=family, name="周二", gender="F", birth_date=birth, id_number=arabic_indic)
    assert not Child.objects.filter(name="周二").exists()


def test_superscript_digit_in_an_id_number_is_a_validation_error_and_nothing_is_stored(demo_user, family):
    birth = dt.date(2018, 6, 9)
    number = new_id(birth, "M", "66")
    with pytest.raises(ValidationError) as exc:
        services.register_child(demo_user("community"), family=family, name="吴三", gender="M", birth_date=birth,
                                id_number=number[:16] + "¹" + number[17])
    assert "数字" in str(exc.value.message_dict["id_number"])
    assert not Child.objects.filter(name="吴三").exists()


def test_guardian_phone_in_full_width_digits_is_stored_and_hashed_as_ascii(demo_user, family):
    birth = dt.date(2018, 6, 9)
    child = services.register_child(demo_user("community"), family=family, name="郑四", gender="M", birth_date=birth)
    link = services.add_guardian(demo_user("community"), child, relationship="mother", name="郑母", gender="F",
                                 phone="１３９－１２３４－５６７８")
    link.guardian.refresh_from_db()
    assert link.guardian.phone == "13912345678" and link.guardian.phone_masked == "139****5678"
    assert link.guardian.phone_hash == crypto.lookup_hash("13912345678")
