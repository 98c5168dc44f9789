"""Docking with the village committee (P-05): the worker confirms residents' files and both ledgers' differences
show."""

import pytest
from django.core.exceptions import ValidationError

from tongxin.care import services
from tongxin.care.choices import Category
from tongxin.care.models import CareFile, VillageCheck
from tongxin.care.selectors.village import docking

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(demo_user):
    return demo_user("c200201")  # 石门村


def test_the_worker_sees_only_files_of_children_living_in_the_village(worker):
    rows = docking(worker).rows
    assert rows
    assert set(CareFile.objects.filter(pk__in=[r.file_id for r in rows]).values_list(
        "child__family__community__name", flat=True)) == {"石门村"}


def test_confirming_as_the_school_has_it_makes_the_file_the_same(worker):
    VillageCheck.objects.all().delete()
    row = docking(worker).unchecked[0]
    services.village_checks(worker, file_ids=[row.file_id], category="same")
    assert next(r for r in docking(worker).rows if r.file_id == row.file_id).state == "same"


def test_a_village_saying_not_covered_shows_as_in_the_schools_ledger_only(worker):
    VillageCheck.objects.all().delete()
    row = next(r for r in docking(worker).unchecked if r.school_category != Category.NONE)
    services.village_checks(worker, file_ids=[row.file_id], category=Category.NONE, note="父母已返乡")
    found = next(r for r in docking(worker).differing if r.file_id == row.file_id)
    assert found.difference == "学校台账有、村台账无" and found.note == "父母已返乡"


def test_a_worker_cannot_check_a_file_of_another_village(worker):
    other = CareFile.objects.exclude(child__family__community__name="石门村").first()
    with pytest.raises(ValidationError, match="范围"):
        services.village_checks(worker, file_ids=[other.pk], category="same")
