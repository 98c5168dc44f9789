"""动态管理 (P-10): a change in a parent's or carer's situation is recorded at once in the registry, the category is
derived anew in the same transaction, the file is versioned (who, what, when), and a material change asks the
class teacher for a review until a new risk assessment; the ledger import raises the same review."""

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.care import ledger_io, rules, services
from tongxin.care.choices import Category, Dimension
from tongxin.care.models import CareFile, FileVersion
from tongxin.care.selectors.ledger import ledger
from tongxin.care.selectors.todo import todo_for
from tongxin.orgs.models import RoleAssignment
from tongxin.people.masking import mask_address
from tongxin.people.models import Child, Guardian, Guardianship

from .test_ledger_import import _row

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
D = dt.date
SCORES = {d.value: 0 for d in Dimension}


@pytest.fixture
def teacher(demo_user):
    return demo_user("teacher")


@dataclasses.dataclass
class Family:
    file: CareFile
    father: Guardian
    mother: Guardian
    grandma: Guardian


def _family(teacher, *, father_away=None, mother_away=None, today=TODAY) -> Family:
    """A file of the teacher's class whose household is set to a known state: father (the main carer, unless he
    is away) and mother at home or away since the given dates, and a grandmother living with the child; the file
    derived anew from it, with no review pending."""
    klass = RoleAssignment.objects.get(user=teacher).school_class
    file = CareFile.objects.filter(child__school_class=klass).order_by("pk").first()
    child = file.child
    Child.objects.filter(pk=child.pk).update(disability=False)
    child.family.__class__.objects.filter(pk=child.family_id).update(low_income=False, extreme_poverty=False,
                                                                     migrant_worker=False)
    CareFile.objects.filter(pk=file.pk).update(seriously_ill=False, single_parent=False, lacks_care=False,
                                               override="", override_reason="", review_from=None, review_reason="",
                                               added_on=D(2026, 1, 5))
    Guardianship.objects.filter(child=child).delete()
    people = {}
    for key, relationship, name, gender, away in (("father", "father", "测试父", "M", father_away),
                                                  ("mother", "mother", "测试母", "F", mother_away),
                                                  ("grandma", "grandparent", "测试奶奶", "F", None)):
        g = Guardian.objects.create(family=child.family, name=name, gender=gender, works_away=away is not None,
                                    away_since=away, work_city="广州" if away else "", phone="13800138000")
        Guardianship.objects.create(child=child, guardian=g, relationship=relationship,
                                    is_primary=key == ("grandma" if father_away else "father"),
                                    lives_with_child=away is None)
        people[key] = g
    file = CareFile.objects.get(pk=file.pk)
    services.rederive(None, [file], today, note="测试准备")
    return Family(CareFile.objects.get(pk=file.pk), **people)


def _change(teacher, fam: Family, who: str, change: str, *, day=TODAY, today=TODAY, **extra) -> CareFile:
    return services.family_change_add(teacher, fam.file, guardian_id=getattr(fam, who).pk, change=change, day=day,
                                      today=today, **extra)


def _latest_version(file) -> FileVersion:
    return FileVersion.objects.filter(file=file).order_by("-pk").first()


# ---------------------------------------------------------------- each change and its effect


def test_a_parent_going_away_is_written_versioned_with_who_and_when_and_asks_for_a_review(teacher):
    fam = _family(teacher)
    file = _change(teacher, fam, "father", "away", day=TODAY - dt.timedelta(days=10), work_city="东莞",
                   note="电话告知")
    father = Guardian.objects.get(pk=fam.father.pk)
    assert (father.works_away, father.work_city, father.away_since) == (True, "东莞", TODAY - dt.timedelta(days=10))
    assert not Guardianship.objects.get(guardian=father).lives_with_child
    version = _latest_version(file)
    assert version.by == teacher and "电话告知" in version.note and "需重新进行风险评估" in version.note
    label, before, after = version.changes[0]
    assert label == "父亲测试父·外出务工" and before == "未外出务工" and "东莞" in after
    # Away ten days: not yet left behind (three months), but a parent leaving asks for a review at once.
    assert file.category == fam.file.category
    assert file.review_from == TODAY - dt.timedelta(days=10) and file.review_reason == "父亲测试父外出务工"
    assert AuditEntry.objects.filter(actor=teacher, target_type="people.Guardian", target_id=str(father.pk)).exists()
    assert AuditEntry.objects.filter(actor=teacher, target_type="care.CareFile", target_id=str(file.pk),
                                     reason__contains="家庭情况变动").exists()


def test_the_second_parent_away_three_months_makes_the_child_left_behind_in_the_file_and_the_registry(teacher):
    fam = _family(teacher, father_away=D(2025, 1, 1))
    assert fam.file.category != Category.LEFT_BEHIND
    file = _change(teacher, fam, "mother", "away", day=TODAY - dt.timedelta(days=120), work_city="上海")
    assert file.category == Category.LEFT_BEHIND and any("父母双方外出务工" in r for r in file.derived_reasons)
    assert Child.objects.get(pk=file.child_id).care_status == "left_behind"
    changes = {label: (before, after) for label, before, after in _latest_version(file).changes}
    assert changes["关爱类别"] == (Category(fam.file.category).label, "留守儿童")
    assert "关爱类别由" in file.review_reason and "母亲测试母外出务工" in file.review_reason


def test_a_parent_coming_back_ends_left_behind_and_clears_the_work_city(teacher):
    fam = _family(teacher, father_away=D(2025, 1, 1), mother_away=D(2025, 3, 1))
    assert fam.file.category == Category.LEFT_BEHIND
    file = _change(teacher, fam, "mother", "returned")
    mother = Guardian.objects.get(pk=fam.mother.pk)
    assert (mother.works_away, mother.work_city, mother.away_since) == (False, "", None)
    assert Guardianship.objects.get(guardian=mother).lives_with_child
    assert file.category != Category.LEFT_BEHIND
    assert "母亲测试母返乡" in file.review_reason and "关爱类别由留守儿童变为" in file.review_reason


def test_the_other_parent_unable_to_care_while_one_is_away_makes_the_child_left_behind(teacher):
    fam = _family(teacher, father_away=D(2025, 1, 1))
    file = _change(teacher, fam, "mother", "unable", note="长期住院")
    assert not Guardian.objects.get(pk=fam.mother.pk).capable
    assert file.category == Category.LEFT_BEHIND and any("无监护能力" in r for r in file.derived_reasons)
    assert "母亲测试母丧失监护能力" in file.review_reason


def test_a_carer_unable_to_care_asks_for_a_review_though_the_category_stays(teacher):
    fam = _family(teacher, father_away=D(2025, 1, 1))
    file = _change(teacher, fam, "grandma", "unable")
    assert file.category == fam.file.category
    assert file.review_reason == "测试奶奶（祖父母/外祖父母）丧失监护能力"


def test_a_new_main_carer_moves_the_flag_and_asks_for_a_review(teacher):
    fam = _family(teacher)
    file = _change(teacher, fam, "grandma", "carer")
    links = {link.guardian_id: link.is_primary for link in Guardianship.objects.filter(child_id=file.child_id)}
    assert links == {fam.father.pk: False, fam.mother.pk: False, fam.grandma.pk: True}
    assert _latest_version(file).changes[0] == ["主要照料人", "父亲测试父", "测试奶奶（祖父母/外祖父母）"]
    assert "成为主要照料人" in file.review_reason


def test_a_parent_who_died_no_longer_works_away_nor_cares(teacher):
    fam = _family(teacher, father_away=D(2025, 1, 1))
    file = _change(teacher, fam, "father", "deceased", day=D(2026, 2, 1))
    father = Guardian.objects.get(pk=fam.father.pk)
    assert father.status == "deceased" and not father.works_away and father.work_city == ""
    assert not Guardianship.objects.get(guardian=father).is_primary
    labels = [c[0] for c in _latest_version(file).changes]
    assert labels[:2] == ["父亲测试父·状况", "父亲测试父·外出务工"]
    assert "父亲测试父去世" in file.review_reason
    with pytest.raises(ValidationError, match="已故"):
        _change(teacher, fam, "father", "returned")


def test_a_missing_parent_can_only_be_found_or_recorded_deceased(teacher):
    fam = _family(teacher)
    _change(teacher, fam, "mother", "missing")
    with pytest.raises(ValidationError, match="已找到"):
        _change(teacher, fam, "mother", "away", work_city="深圳")
    file = _change(teacher, fam, "mother", "found")
    assert Guardian.objects.get(pk=fam.mother.pk).status == "present"
    assert "母亲测试母已找到、恢复联系" in file.review_reason


@pytest.mark.parametrize("change, extra, label, shown", [
    ("health", {"health": "高血压，需人照顾"}, "测试奶奶（祖父母/外祖父母）·身体状况", "高血压，需人照顾"),
    ("phone", {"phone": "139 0013 9000"}, "测试奶奶（祖父母/外祖父母）·手机号", "139****9000"),
    ("address", {"address": "石门乡石门村5组12号"}, "测试奶奶（祖父母/外祖父母）·住址", mask_address("石门乡石门村5组12号")),
])
def test_health_phone_and_address_are_recorded_masked_without_asking_for_a_review(teacher, change, extra, label,
                                                                                   shown):
    fam = _family(teacher)
    file = _change(teacher, fam, "grandma", change, **extra)
    version = _latest_version(file)
    assert version.changes[0][0] == label and version.changes[0][2] == shown
    assert "13900139000" not in str(version.changes)
    assert file.review_from is None and "需重新进行风险评估" not in version.note
    grandma = Guardian.objects.get(pk=fam.grandma.pk)
    assert {"health": grandma.health, "phone": grandma.phone, "address": grandma.address}[change] == (
        "13900139000" if change == "phone" else extra[change])


def test_a_change_of_a_parent_shared_with_a_sibling_rederives_and_flags_the_siblings_file_too(teacher):
    fam = _family(teacher, father_away=D(2025, 1, 1))
    sibling = CareFile.objects.exclude(child__school_class=fam.file.child.school_class_id).order_by("pk").first()
    Guardianship.objects.filter(child_id=sibling.child_id, relationship__in=["father", "mother"]).delete()
    Guardianship.objects.create(child_id=sibling.child_id, guardian=fam.father, relationship="father",
                                lives_with_child=False)
    Guardianship.objects.create(child_id=sibling.child_id, guardian=fam.mother, relationship="mother")
    _change(teacher, fam, "mother", "away", day=TODAY - dt.timedelta(days=100), work_city="温州")
    sibling = CareFile.objects.get(pk=sibling.pk)
    assert sibling.category == Category.LEFT_BEHIND and "母亲测试母外出务工" in sibling.review_reason
    assert _latest_version(sibling).by == teacher


# ---------------------------------------------------------------- refusals: in Chinese, nothing stored


@pytest.mark.parametrize("who, change, extra, message", [
    ("father", "returned", {}, "目前未登记外出务工"),
    ("father", "carer", {}, "已是这名儿童的主要照料人"),
    ("father", "able", {}, "已登记为具备监护能力"),
    ("father", "found", {}, "未登记为失踪"),
    ("father", "away", {}, "请填写务工城市"),
    ("father", "away", {"work_city": "长" * 33}, "不超过32个字"),
    ("father", "away", {"work_city": "广\x00州"}, "空字符"),
    ("grandma", "health", {"health": "  "}, "请填写身体状况"),
    ("grandma", "phone", {"phone": "12345"}, "手机号码应为11位"),
    ("grandma", "phone", {"phone": "13800138000"}, "没有变化"),
    ("grandma", "address", {"address": "长" * 129}, "不超过128个字"),
    ("grandma", "unable", {"note": "长" * 201}, "说明不超过200个字"),
    ("grandma", "unable", {"note": "a\x00b"}, "空字符"),
    ("grandma", "fly", {}, "请选择发生了什么变动"),
    ("grandma", "unable", {"day": TODAY + dt.timedelta(days=1)}, "不能晚于今天"),
    ("grandma", "unable", {"day": D(1949, 12, 31)}, "不合理"),
])
def test_a_change_that_does_not_fit_is_refused_in_chinese_and_nothing_is_stored(teacher, who, change, extra, message):
    fam = _family(teacher)
    before = (list(Guardian.objects.filter(family=fam.file.child.family).values()),
              list(Guardianship.objects.filter(child=fam.file.child).values()),
              FileVersion.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        _change(teacher, fam, who, change, **extra)
    assert message in "；".join(exc.value.messages)
    assert (list(Guardian.objects.filter(family=fam.file.child.family).values()),
            list(Guardianship.objects.filter(child=fam.file.child).values()),
            FileVersion.objects.count(), AuditEntry.objects.count()) == before
    assert CareFile.objects.get(pk=fam.file.pk).review_from is None


def test_a_person_who_is_not_the_childs_parent_or_carer_is_refused(teacher):
    fam = _family(teacher)
    stranger = Guardian.objects.exclude(family=fam.file.child.family).first()
    with pytest.raises(ValidationError, match="这名儿童的家长或监护人"):
        services.family_change_add(teacher, fam.file, guardian_id=stranger.pk, change="unable", day=TODAY,
                                   today=TODAY)
    assert Guardian.objects.get(pk=stranger.pk).capable


def test_only_keepers_of_the_childs_file_may_record_a_change(teacher, demo_user):
    fam = _family(teacher)
    for username in ("county_edu", "volunteer", "parent"):
        with pytest.raises(PermissionDenied):
            services.family_change_add(demo_user(username), fam.file, guardian_id=fam.father.pk, change="unable",
                                       day=TODAY, today=TODAY)
    other_teacher = RoleAssignment.objects.filter(role="class_teacher").exclude(
        school_class=fam.file.child.school_class_id).first().user
    with pytest.raises(PermissionDenied):
        services.family_change_add(other_teacher, fam.file, guardian_id=fam.father.pk, change="unable", day=TODAY,
                                   today=TODAY)
    assert Guardian.objects.get(pk=fam.father.pk).capable


def test_when_the_care_side_fails_the_guardians_change_is_undone_too(teacher, monkeypatch):
    fam = _family(teacher)

    def broken(*args, **kwargs):
        raise RuntimeError("分类失败")

    monkeypatch.setattr("tongxin.care.services.files.classify", broken)
    with pytest.raises(RuntimeError):
        _change(teacher, fam, "father", "away", work_city="东莞")
    father = Guardian.objects.get(pk=fam.father.pk)
    assert not father.works_away and father.work_city == ""
    assert Guardianship.objects.get(guardian=father).lives_with_child
    assert not AuditEntry.objects.filter(target_type="people.Guardian", target_id=str(father.pk)).exists()


# ---------------------------------------------------------------- the review in the class teacher's to-do


def test_the_to_do_shows_the_review_from_the_change_until_an_assessment_dated_after_it(teacher):
    fam = _family(teacher, today=D(2026, 5, 20))
    _change(teacher, fam, "father", "away", day=D(2026, 5, 18), today=D(2026, 5, 20), work_city="厦门")

    def pending(on):
        return [(f.file_id, since, reason) for f, since, reason in todo_for(teacher, on).reviews]

    assert pending(D(2026, 5, 17)) == []
    assert pending(D(2026, 5, 20)) == [(fam.file.pk, D(2026, 5, 18), "父亲测试父外出务工")]
    assert todo_for(teacher, D(2026, 5, 20)).count >= 1
    # An assessment of the situation before the change does not settle it…
    services.assessment_add(teacher, fam.file, on=D(2026, 5, 15), scores=SCORES, today=D(2026, 5, 20))
    assert pending(D(2026, 5, 20)) != []
    # …one dated on or after it does.
    services.assessment_add(teacher, fam.file, on=D(2026, 5, 19), scores=SCORES, today=D(2026, 5, 20))
    assert pending(D(2026, 5, 20)) == [] and pending(D(2026, 6, 1)) == []
    file = CareFile.objects.get(pk=fam.file.pk)
    assert file.review_from is None and file.review_reason == ""
    assert ["家庭情况变动", "待复核", "已复核"] in _latest_version(file).changes


def test_a_change_that_takes_the_child_out_of_the_care_line_is_still_reviewed(teacher):
    fam = _family(teacher, father_away=D(2025, 1, 1), mother_away=D(2025, 3, 1), today=D(2026, 5, 20))
    assert fam.file.category == Category.LEFT_BEHIND
    file = _change(teacher, fam, "father", "returned", day=D(2026, 5, 18), today=D(2026, 5, 20))
    assert file.category == Category.NONE and "关爱类别由留守儿童变为非关爱对象" in file.review_reason
    assert fam.file.pk in [f.file_id for f, _, _ in todo_for(teacher, D(2026, 5, 20)).reviews]
    assert [r.row.file_id for r in ledger(teacher, on=D(2026, 5, 20), only="review").rows] == [fam.file.pk]
    assert fam.file.pk not in [r.row.file_id for r in ledger(teacher, on=D(2026, 5, 20)).rows]


def test_two_changes_before_a_review_are_listed_together_and_wait_for_the_later(teacher):
    fam = _family(teacher, today=D(2026, 5, 20))
    _change(teacher, fam, "father", "away", day=D(2026, 5, 10), today=D(2026, 5, 20), work_city="厦门")
    file = _change(teacher, fam, "grandma", "unable", day=D(2026, 5, 12), today=D(2026, 5, 20))
    assert file.review_from == D(2026, 5, 12)
    assert file.review_reason == "父亲测试父外出务工；测试奶奶（祖父母/外祖父母）丧失监护能力"


def test_the_review_reason_keeps_the_newest_changes_when_the_column_is_full():
    since, text = rules.merge_review(D(2026, 5, 1), "；".join(f"旧变动{i}" * 5 for i in range(20)), on=D(2026, 5, 2),
                                     reasons=["父亲外出务工"])
    assert since == D(2026, 5, 2) and len(text) <= 255 and text.endswith("父亲外出务工")


# ---------------------------------------------------------------- the ledger import raises the same review


@pytest.fixture
def leader4(demo_user):
    return demo_user("leader4")


def test_an_import_where_a_parent_left_raises_the_review_and_a_repeat_changes_nothing(leader4):
    services.ledger_import(leader4, data=ledger_io.write_ledger([_row(41, father_work_city="", father_phone="")]),
                           on=TODAY, source="春季.xlsx")
    file = CareFile.objects.get(child__name="测试41")
    assert file.review_from is None
    data = ledger_io.write_ledger([_row(41)])
    result = services.ledger_import(leader4, data=data, on=TODAY, source="秋季.xlsx")
    assert (result.changed, result.reviews) == (1, 1)
    file = CareFile.objects.get(pk=file.pk)
    assert file.review_from == TODAY and "父亲父41外出务工" in file.review_reason
    version = _latest_version(file)
    assert ["家庭情况变动", "", file.review_reason] in version.changes and "需重新进行风险评估" in version.note
    again = services.ledger_import(leader4, data=data, on=TODAY, source="秋季.xlsx")
    assert (again.changed, again.reviews) == (0, 0)


def test_an_import_naming_a_new_carer_raises_the_review_but_a_new_work_city_does_not(leader4):
    services.ledger_import(leader4, data=ledger_io.write_ledger([_row(42)]), on=TODAY, source="a.xlsx")
    moved = services.ledger_import(leader4, data=ledger_io.write_ledger([_row(42, father_work_city="杭州")]),
                                   on=TODAY, source="b.xlsx")
    assert moved.reviews == 0 and CareFile.objects.get(child__name="测试42").review_from is None
    carer = services.ledger_import(leader4, data=ledger_io.write_ledger([_row(42, guardian_name="新监护人")]),
                                   on=TODAY, source="c.xlsx")
    assert carer.reviews == 1
    assert "新监护人（祖父母/外祖父母）新登记为家长或监护人" in CareFile.objects.get(child__name="测试42").review_reason
