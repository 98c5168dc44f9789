"""The care services: each write validates, versions and audits; the rules' dates come in as arguments."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tongxin.audit.models import AuditEntry
from tongxin.care import services
from tongxin.care.choices import Category, Dimension, PairingKind, RecordKind
from tongxin.care.models import Assessment, CareFile, ContactRecord, FileVersion, MonthlyCheck, Pairing
from tongxin.care.selectors.todo import todo_for
from tongxin.orgs import scope
from tongxin.orgs.models import RoleAssignment
from tongxin.people.models import Child, Guardian, Guardianship

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()  # the demo is dated from the day it is built


@pytest.fixture
def teacher(demo_user):
    return demo_user("teacher")


@pytest.fixture
def leader(demo_user):
    return demo_user("leader")


def _class_file(teacher, **filters) -> CareFile:
    klass = RoleAssignment.objects.get(user=teacher).school_class
    return CareFile.objects.filter(child__school_class=klass, **filters).first()


def _child_without_file(teacher) -> Child:
    klass = RoleAssignment.objects.get(user=teacher).school_class
    return Child.objects.filter(school_class=klass, care_file__isnull=True).first()


def test_a_file_opened_for_a_child_whose_parents_are_both_away_is_left_behind_with_the_reason(teacher):
    child = _child_without_file(teacher)
    for link in Guardianship.objects.filter(child=child, relationship__in=["father", "mother"]):
        Guardian.objects.filter(pk=link.guardian_id).update(works_away=True, away_since=dt.date(2025, 2, 1))
    file = services.file_open(teacher, child_id=child.pk, on=TODAY)
    assert file.category == file.derived == Category.LEFT_BEHIND
    assert any("外出" in r for r in file.derived_reasons)
    assert Child.objects.get(pk=child.pk).care_status == "left_behind"  # custody's priority reads the registry's flag
    assert FileVersion.objects.filter(file=file).count() == 1


def test_a_second_file_for_the_same_child_is_refused(teacher):
    file = _class_file(teacher)
    with pytest.raises(ValidationError, match="已建立"):
        services.file_open(teacher, child_id=file.child_id, on=TODAY)


def test_every_change_to_a_file_is_a_version_naming_who_what_and_before_and_after(teacher):
    file = _class_file(teacher)
    services.file_update(teacher, file, on=TODAY, personality="开朗", boarding=True, reason="家访后更新")
    version = FileVersion.objects.filter(file=file).first()
    assert version.by == teacher and version.note == "家访后更新"
    labels = {label: (before, after) for label, before, after in version.changes}
    assert labels["性格特点"][1] == "开朗" and labels["在校寄宿"][1] == "是"


def test_an_unchanged_save_writes_no_version(teacher):
    file = _class_file(teacher)
    before = FileVersion.objects.filter(file=file).count()
    services.file_update(teacher, file, on=TODAY, personality=file.personality)
    assert FileVersion.objects.filter(file=file).count() == before


def test_a_hand_set_category_needs_a_reason_and_the_file_shows_the_disagreement(teacher):
    file = _class_file(teacher, override="")
    other = Category.VULNERABLE if file.derived != Category.VULNERABLE else Category.LEFT_BEHIND
    with pytest.raises(ValidationError, match="理由"):
        services.file_set_category(teacher, file, category=other, reason=" ", on=TODAY)
    file = services.file_set_category(teacher, file, category=other, reason="村委核实", on=TODAY)
    assert file.category == other and file.disagrees
    file = services.file_set_category(teacher, file, category="", reason="", on=TODAY)
    assert file.category == file.derived and not file.disagrees


def test_the_monthly_check_is_recorded_once_per_file_and_month(teacher):
    file = _class_file(teacher)
    MonthlyCheck.objects.filter(file=file).delete()
    assert services.files_check(teacher, file_ids=[file.pk], on=TODAY) == 1
    assert services.files_check(teacher, file_ids=[file.pk], on=TODAY) == 0
    assert CareFile.objects.get(pk=file.pk).checked_month == TODAY.replace(day=1)


def test_a_teacher_cannot_check_a_file_of_another_class(teacher):
    other = CareFile.objects.exclude(child__school_class=RoleAssignment.objects.get(user=teacher).school_class).first()
    with pytest.raises(ValidationError, match="范围"):
        services.files_check(teacher, file_ids=[other.pk], on=TODAY)


def test_an_assessment_scores_five_dimensions_and_sets_the_files_level(teacher):
    file = _class_file(teacher)
    scores = {d.value: 0 for d in Dimension} | {Dimension.SAFETY.value: 3}
    a = services.assessment_add(teacher, file, on=TODAY, scores=scores, today=TODAY)
    assert a.level == "high" and any("安全" in r for r in a.reasons)
    assert CareFile.objects.get(pk=file.pk).level == "high"


@pytest.mark.parametrize("scores, message", [
    ({"guardianship": 0}, "五个维度"),
    ({d.value: 4 for d in Dimension}, ""),
    ({d.value: 0 for d in Dimension} | {"x": 1}, "五个维度"),
])
def test_an_assessment_with_bad_scores_is_refused_in_chinese_and_nothing_stored(teacher, scores, message):
    file = _class_file(teacher)
    before = Assessment.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.assessment_add(teacher, file, on=TODAY, scores=scores, today=TODAY)
    assert message in exc.value.messages[0] and not exc.value.messages[0].isascii()
    assert Assessment.objects.count() == before


def test_an_assessment_in_the_future_is_refused(teacher):
    with pytest.raises(ValidationError, match="晚于今天"):
        services.assessment_add(teacher, _class_file(teacher), on=TODAY + dt.timedelta(days=1),
                                scores={d.value: 0 for d in Dimension}, today=TODAY)


def test_a_teacher_carries_no_more_proxy_children_than_the_school_allows(leader, demo_user):
    helper = demo_user("t111")  # 实验小学 一年级（1）班's teacher
    files = list(CareFile.objects.filter(child__school=RoleAssignment.objects.get(user=leader).school)[:3])
    Pairing.objects.filter(helper=helper).delete()
    for f in files[:2]:
        services.pairing_add(leader, f, kind=PairingKind.PROXY_PARENT, helper_id=helper.pk, start=TODAY)
    with pytest.raises(ValidationError, match="上限"):
        services.pairing_add(leader, files[2], kind=PairingKind.PROXY_PARENT, helper_id=helper.pk, start=TODAY)


def test_a_volunteer_sees_exactly_the_children_paired_with_them_while_the_pairing_runs(demo_user, leader):
    volunteer = demo_user("volunteer")
    paired = set(Pairing.objects.filter(helper=volunteer).values_list("child_id", flat=True))
    assert paired and set(scope.children(volunteer).values_list("pk", flat=True)) == paired
    Pairing.objects.filter(helper=volunteer).update(end=dt.date(2026, 1, 31), start=dt.date(2025, 9, 1))
    del volunteer._tongxin_assignments
    assert not scope.children(volunteer).exists()


def test_only_a_helper_of_the_child_may_record_and_the_record_is_audited(teacher, demo_user):
    file = _class_file(teacher)
    services.record_add(teacher, file, kind=RecordKind.TALK, day=TODAY, summary="谈心", today=TODAY)
    assert ContactRecord.objects.filter(child=file.child, by=teacher, day=TODAY).exists()
    assert AuditEntry.objects.filter(actor=teacher, target_type="care.ContactRecord").exists()
    stranger = demo_user("volunteer")
    if not Pairing.objects.filter(helper=stranger, child=file.child).exists():
        with pytest.raises(PermissionDenied):
            services.record_add(stranger, file, kind=RecordKind.TALK, day=TODAY, summary="x", today=TODAY)


def test_home_visit_fields_only_go_with_a_home_visit(teacher):
    with pytest.raises(ValidationError, match="家访"):
        services.record_add(teacher, _class_file(teacher), kind=RecordKind.TALK, day=TODAY, summary="x",
                            living="住房安全", today=TODAY)


def test_a_record_counts_on_the_helpers_todo_for_its_week(teacher):
    file = _class_file(teacher, category=Category.LEFT_BEHIND)
    before = todo_for(teacher, TODAY)
    talk = next(d for d in before.duties if d.file.file_id == file.pk and d.status.rule.key == "p43_talk")
    services.record_add(teacher, file, kind=RecordKind.TALK, day=TODAY, summary="谈心", today=TODAY)
    after = next(d for d in todo_for(teacher, TODAY).duties if d.file.file_id == file.pk and d.status.rule.key == "p43_talk")
    assert after.status.done == talk.status.done + 1


def test_a_reader_who_may_not_read_assessments_still_sees_the_files_assessment_as_done(teacher, demo_user):
    from tongxin.care.selectors.ledger import file_detail

    file = _class_file(teacher)
    services.assessment_add(teacher, file, on=TODAY, scores={d.value: 0 for d in Dimension}, today=TODAY)
    county = file_detail(demo_user("county_civil"), file.pk, on=TODAY)
    assert not county.can_read_notes and county.assessments == []
    assert county.assessment.state == file_detail(teacher, file.pk, on=TODAY).assessment.state == "done"
