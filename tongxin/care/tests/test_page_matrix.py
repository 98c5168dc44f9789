"""Every care page, for every demo role: who opens it (200) and who is refused (403). Expected access is worked
out here from the raw rows (the child's class, school, home village and township, the pairings), by the rules
written in orgs.scope's docstring — not by calling the code under test."""

import pytest
from django.urls import reverse

from tongxin.care.activity_models import Activity
from tongxin.care.aid_models import AidRecord
from tongxin.care.choices import PairingKind
from tongxin.care.handover_models import HandoverList
from tongxin.care.models import CareFile, Pairing
from tongxin.care.report_models import MandatoryReport
from tongxin.orgs.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db

ROLES = ["parent", "teacher", "subject", "leader", "volunteer", "community", "township", "county_edu", "county_civil",
         "admin"]
OK, NO = 200, 403


def _grants(role: str, file: CareFile) -> dict[str, bool]:
    """Which scopes the role's demo login holds over the file's child, from the raw assignment rows."""
    child = file.child
    a = RoleAssignment.objects.filter(user__username=role).select_related("region", "school", "school_class").first()
    home = child.family.community
    paired = Pairing.objects.filter(child=child, helper__username=role, end__isnull=True).exists()
    in_scope = {
        "teacher": a is not None and child.school_class_id == a.school_class_id,
        "leader": a is not None and child.school_id == a.school_id,
        "community": a is not None and home.pk == a.region_id,
        "township": a is not None and (home.parent_id == a.region_id or
                                       (child.school is not None and child.school.region.parent_id == a.region_id)),
        "county_edu": child.school_id is not None,
        "county_civil": True,
        "admin": True,
        "volunteer": False,
        "subject": False,  # a subject teacher's classes give nothing: only the pupils paired with them
        "parent": False,
    }[role]
    return {"scope": in_scope, "paired": paired}


def _expected(page: str, role: str, file: CareFile) -> int:
    g = _grants(role, file)
    reads = g["scope"] or g["paired"]
    notes = (g["scope"] and role not in {"county_edu", "county_civil"}) or g["paired"]
    edits = g["scope"] and role in {"teacher", "leader", "community", "township", "admin"}
    # The class teacher arranges her pupils' subject teachers for the monthly talk (P-44); the others every kind.
    arranges = edits and role in {"teacher", "leader", "community", "township", "admin"}
    return OK if {"file": reads, "growth": reads, "record_add": notes, "file_edit": edits, "family_change": edits,
                  "assess": edits, "pair": arranges}[page] else NO


def _files() -> list[CareFile]:
    """The demo volunteer's paired child, a left-behind child of the demo teacher's class, a 石门乡 child, the demo
    subject teacher's paired pupil, and a pupil of a class the subject teacher teaches who is not paired with them."""
    paired = Pairing.objects.filter(helper__username="volunteer", kind=PairingKind.VOLUNTEER).first()
    teacher = RoleAssignment.objects.get(user__username="teacher")
    talks = Pairing.objects.filter(helper__username="subject", kind=PairingKind.SUBJECT_TEACHER).first()
    taught = RoleAssignment.objects.filter(user__username="subject").values("school_class_id")
    unpaired = (CareFile.objects.filter(child__school_class__in=taught)
                .exclude(child__care_pairings__helper__username="subject").first())
    return [CareFile.objects.get(child=paired.child),
            CareFile.objects.filter(child__school_class=teacher.school_class).first(),
            CareFile.objects.filter(child__school__name="石门中心小学").first(),
            CareFile.objects.get(child=talks.child), unpaired]


@pytest.mark.parametrize("page", ["file", "growth", "record_add", "file_edit", "family_change", "assess", "pair"])
def test_who_opens_each_page_of_a_file(login, page):
    for file in _files():
        url = reverse(f"care:{page}", args=[file.pk])
        for role in ROLES:
            assert login(role).get(url).status_code == _expected(page, role, file), f"{role} {url}"


def test_every_login_has_a_todo_page_and_the_ledger_is_for_staff_and_helpers(login):
    for role in ROLES:
        assert login(role).get(reverse("care:todo")).status_code == OK, role
        assert login(role).get(reverse("care:ledger")).status_code == (NO if role == "parent" else OK), role


def test_the_compliance_board_is_for_those_who_oversee_more_than_a_class(login):
    allowed = {"leader", "community", "township", "county_edu", "county_civil", "admin"}
    for role in ROLES:
        assert login(role).get(reverse("care:compliance")).status_code == (OK if role in allowed else NO), role


def test_import_is_for_ledger_keepers_and_export_for_ledger_readers(login):
    keepers = {"teacher", "leader", "community", "township", "admin"}
    for role in ROLES:
        assert login(role).get(reverse("care:import")).status_code == (OK if role in keepers else NO), role
        assert login(role).get(reverse("care:ledger_xlsx")).status_code == (NO if role == "parent" else OK), role


def test_village_docking_is_the_community_workers(login):
    for role in ROLES:
        assert login(role).get(reverse("care:village")).status_code == (OK if role == "community" else NO), role


def test_the_pairing_card_opens_for_whoever_reads_the_childs_file(login):
    pairing = Pairing.objects.filter(helper__username="volunteer").first()
    file = CareFile.objects.get(child=pairing.child)
    url = reverse("care:card", args=[pairing.pk])
    for role in ROLES:
        assert login(role).get(url).status_code == _expected("file", role, file), role
    assert "爱心结对卡" in login("volunteer").get(url).content.decode()


def test_the_contact_rules_page_is_for_school_leaders_and_the_county_bureaus(login):
    allowed = {"leader", "county_edu", "county_civil"}
    for role in ROLES:
        assert login(role).get(reverse("care:rules")).status_code == (OK if role in allowed else NO), role


def test_the_care_settings_page_is_for_school_leaders_and_the_county_bureaus(login):
    """Opened and saved by those who set an area's values; refused to everyone else, a save included."""
    from tongxin.care.models import CareSettings

    allowed = {"leader", "county_edu", "county_civil"}
    for role in ROLES:
        client = login(role)
        assert client.get(reverse("care:settings")).status_code == (OK if role in allowed else NO), role
        links = f'href="{reverse("care:settings")}"'
        assert (links in client.get("/").content.decode()) == (role in allowed), role  # the home page's card
        if role != "parent":
            assert (links in client.get(reverse("care:ledger")).content.decode()) == (role in allowed), role
        response = client.post(reverse("care:settings"), {"key": "months_away", "months_away": "4"})
        assert response.status_code == (302 if role in allowed else NO), role
    assert CareSettings.objects.filter(months_away=4).count() == 2  # the leader's school and the county


# ---------------------------------------------------------------- mandatory reports

REPORT_PAGES = ["reports", "report_new", "report_routes"]


@pytest.mark.parametrize("username", ROLES)
def test_who_opens_the_report_pages(login, username):
    """Raising: everyone but a parent; the lists: everyone who may raise or handle; the receiving settings: the
    township officers and the county civil affairs bureau (and the administrator)."""
    client = login(username)
    roles = set(RoleAssignment.objects.filter(user__username=username).values_list("role", flat=True))
    raiser = username != "parent"
    setter = bool(roles & {Role.TOWNSHIP_OFFICER, Role.COUNTY_CIVIL}) or username == "admin"
    expected = {"reports": 200, "report_new": 200 if raiser else 403, "report_routes": 200 if setter else 403}
    for page in REPORT_PAGES:
        assert client.get(reverse(f"care:{page}")).status_code == expected[page], page


@pytest.mark.parametrize("username", ROLES)
def test_who_opens_a_demo_report(login, username):
    """A 石门乡 report: its township and the county civil affairs bureau handle it; the reporter (the class
    teacher) and those who may read the child's care notes (the school's leader, the village's worker) see it."""
    report = MandatoryReport.objects.filter(township__name="石门乡").order_by("pk").first()
    child = report.child
    a = RoleAssignment.objects.filter(user__username=username).select_related("region").first()
    sees = {
        "admin": True, "county_civil": True, "county_edu": False, "parent": False,
        "township": a is not None and child.family.community.parent_id == a.region_id,
        "teacher": a is not None and child.school_class_id == a.school_class_id,
        "leader": a is not None and child.school_id == a.school_id,
        "community": a is not None and child.family.community_id == a.region_id,
        "volunteer": Pairing.objects.filter(child=child, helper__username="volunteer", end__isnull=True).exists(),
        "subject": Pairing.objects.filter(child=child, helper__username="subject", end__isnull=True).exists(),
    }[username]
    assert login(username).get(reverse("care:report", args=[report.pk])).status_code == (200 if sees else 403)


# ---------------------------------------------------------------- holiday handovers

HANDOVER_READERS = {"leader", "community", "township", "county_edu", "county_civil", "admin"}


@pytest.mark.parametrize("username", ROLES)
def test_who_opens_the_handover_page(login, username):
    expected = 200 if username in HANDOVER_READERS else 403
    assert login(username).get(reverse("care:handovers")).status_code == expected


@pytest.mark.parametrize("username", ROLES)
def test_who_opens_a_demo_list(login, username):
    """A 石门中心小学 list for a 石门乡 village: the school's leader, the village's worker, 石门乡, the county
    bureaus and the administrator (the demo logins' scopes, from the raw rows)."""
    handover = HandoverList.objects.filter(round__school__name="石门中心小学").order_by("pk").first()
    a = RoleAssignment.objects.filter(user__username=username).select_related("region").first()
    sees = {
        "admin": True, "county_edu": True, "county_civil": True, "parent": False, "teacher": False,
        "volunteer": False, "subject": False,
        "leader": a is not None and a.school_id == handover.round.school_id,
        "community": a is not None and a.region_id == handover.community_id,
        "township": a is not None and a.region is not None and handover.community.path.startswith(a.region.path),
    }[username]
    assert login(username).get(reverse("care:handover", args=[handover.pk])).status_code == (200 if sees else 403)


# ---------------------------------------------------------------- aid


def test_the_aid_page_is_for_the_care_ledgers_readers(login):
    for role in ROLES:
        assert login(role).get(reverse("care:aid")).status_code == (NO if role == "parent" else OK), role


def test_a_receipt_opens_for_whoever_reads_the_childs_file(login):
    """(A child with a care file: who reads the file is worked out from the raw rows by `_expected`.)"""
    aid = (AidRecord.objects.exclude(receipt_no="").filter(school__name="青溪县实验小学",
                                                           child_id__in=CareFile.objects.values("child_id"))
           .order_by("pk").first())
    file = CareFile.objects.get(child_id=aid.child_id)
    for role in ROLES:
        expected = _expected("file", role, file)
        assert login(role).get(reverse("care:aid_receipt", args=[aid.pk])).status_code == expected, role


# ---------------------------------------------------------------- activities

ACTIVITY_READERS = {"teacher", "leader", "community", "township", "county_edu", "county_civil", "admin"}
ACTIVITY_RECORDERS = {"teacher", "leader", "community"}


def test_who_opens_the_activity_pages(login):
    for role in ROLES:
        client = login(role)
        assert client.get(reverse("care:activities")).status_code == (OK if role in ACTIVITY_READERS else NO), role
        assert client.get(reverse("care:activity_new")).status_code == (
            OK if role in ACTIVITY_RECORDERS else NO), role


def test_who_opens_a_schools_activity(login):
    """An activity of 石门中心小学: its staff, 石门乡 and the education bureau (and the administrator); the civil
    affairs bureau sees the villages' children's homes, not the schools' activities."""
    activity = Activity.objects.filter(school__name="石门中心小学").order_by("pk").first()
    for role in ROLES:
        a = RoleAssignment.objects.filter(user__username=role).select_related("region", "school_class").first()
        sees = {
            "admin": True, "county_edu": True, "county_civil": False, "parent": False, "volunteer": False,
            "subject": False,  # a subject teacher's classes open nothing but its paired pupils' files
            "teacher": a is not None and a.school_class is not None and a.school_class.school_id == activity.school_id,
            "leader": a is not None and a.school_id == activity.school_id,
            "community": False,
            "township": a is not None and a.region is not None and activity.school.region.path.startswith(a.region.path),
        }[role]
        assert login(role).get(reverse("care:activity", args=[activity.pk])).status_code == (OK if sees else NO), role


# ---------------------------------------------------------------- dashboard

@pytest.mark.parametrize("username", ROLES)
def test_who_opens_the_dashboard(login, username):
    allowed = {"leader", "township", "county_edu", "county_civil", "admin"}
    client = login(username)
    expected = 200 if username in allowed else 403
    assert client.get(reverse("care:dashboard")).status_code == expected
    assert client.get(reverse("care:dashboard_xlsx")).status_code == expected


# ---------------------------------------------------------------- teachers' care work


def test_who_opens_the_work_sheet(login):
    allowed = {"leader", "township", "county_edu", "admin"}
    for role in ROLES:
        client = login(role)
        expected = OK if role in allowed else NO
        assert client.get(reverse("care:work")).status_code == expected, role
        assert client.get(reverse("care:work_xlsx")).status_code == expected, role
# ---------------------------------------------------------------- absence and dropout (控辍保学)

def _case_reader(username: str, case) -> tuple[bool, bool]:
    """(reads the case, is on its school side), from the raw rows: the school line (class teacher, school leader,
    county education bureau) and the government line (the child's village worker, the township of the child's home
    or school), the administrator, and whoever the case was given to."""
    child = case.child
    a = RoleAssignment.objects.filter(user__username=username).select_related("region").first()
    responsible = case.responsible.username == username
    klass = a is not None and a.role == Role.CLASS_TEACHER and child.school_class_id == a.school_class_id
    school = a is not None and a.role == Role.SCHOOL_LEADER and child.school_id == a.school_id
    reads = {
        "admin": True, "county_edu": child.school_id is not None, "county_civil": False, "parent": False,
        "volunteer": False, "subject": False, "teacher": klass, "leader": school,
        "community": a is not None and child.family.community_id == a.region_id,
        "township": a is not None and (child.family.community.parent_id == a.region_id
                                       or child.school.region.parent_id == a.region_id),
    }[username] or responsible
    return reads, klass or school or username == "admin" or responsible


@pytest.mark.parametrize("username", ROLES)
def test_who_opens_the_register_and_the_case_list(login, username):
    """The register: the class teacher and the school's leaders (and the administrator); the case list: everyone
    on the two lines of the responsibility system, not a parent, a volunteer or the civil affairs bureau."""
    client = login(username)
    takes = username in {"teacher", "leader", "admin"}
    reads = username in {"teacher", "leader", "community", "township", "county_edu", "admin"}
    assert client.get(reverse("care:absence_register")).status_code == (OK if takes else NO)
    assert client.get(reverse("care:absence_cases")).status_code == (OK if reads else NO)


@pytest.mark.parametrize("username", ROLES)
def test_who_opens_each_demo_case_and_its_written_report(login, username):
    """Every demo case (石门's in every stage, the demo teacher's class, another 实验小学 class): readers 200, others
    403; the written report (only once persuasion failed) for the school side, 403 for everyone else."""
    from tongxin.care.absence_models import DropoutCase

    client = login(username)
    for case in DropoutCase.objects.select_related("child__family__community", "child__school__region",
                                                   "responsible").order_by("pk"):
        reads, school_side = _case_reader(username, case)
        assert client.get(reverse("care:absence_case", args=[case.pk])).status_code == (OK if reads else NO), case
        pdf = client.get(reverse("care:absence_report", args=[case.pk])).status_code
        assert pdf == (OK if reads and school_side and case.failed_on else NO), (case, pdf)
# ---------------------------------------------------------------- counselling and support (P-55, P-58, P-59)

COUNSEL_ROLES = [*ROLES, "counsellor"]


def _staff_school(username: str) -> int | None:
    """The school a demo login works at, from its raw assignment row (a class's school, or the school led)."""
    a = RoleAssignment.objects.filter(user__username=username).select_related("school_class").first()
    if a is None:
        return None
    return a.school_class.school_id if a.school_class_id else a.school_id


def _designated(username: str) -> set[int]:
    from tongxin.care.counsel_models import Counsellor

    return set(Counsellor.objects.filter(user__username=username, active=True).values_list("school_id", flat=True))


@pytest.mark.parametrize("username", COUNSEL_ROLES)
def test_who_opens_the_counselling_pages(login, username):
    """Study plans: whoever keeps care notes (staff of a class, school, village or township, volunteers, the
    administrator); the records: the school's counsellors and leaders; writing one and the mailbox's letters: a
    designated counsellor (letters also the administrator); designating: the leaders; the mailbox to write to:
    the school's staff."""
    roles = set(RoleAssignment.objects.filter(user__username=username).values_list("role", flat=True))
    admin = username == "admin"
    counsellor = bool(_designated(username))
    leader = Role.SCHOOL_LEADER in roles or admin
    staff = bool(roles & {Role.CLASS_TEACHER, Role.SCHOOL_LEADER}) or admin
    notes = bool(roles & {Role.CLASS_TEACHER, Role.SUBJECT_TEACHER, Role.SCHOOL_LEADER, Role.VOLUNTEER,
                          Role.COMMUNITY_WORKER, Role.TOWNSHIP_OFFICER}) or admin
    expected = {"study_plans": notes, "counsel": counsellor or leader, "counsel_new": counsellor,
                "counsellors": leader, "mailbox": staff, "mailbox_inbox": counsellor or admin}
    client = login(username)
    for page, allowed in expected.items():
        assert client.get(reverse(f"care:{page}")).status_code == (OK if allowed else NO), page


@pytest.mark.parametrize("username", COUNSEL_ROLES)
def test_who_opens_a_demo_counselling_record_and_letter(login, username):
    """A record and a letter of 青溪县实验小学: the record its counsellor, its leaders and the administrator; the
    letter its counsellors and the administrator."""
    from tongxin.care.counsel_models import CounsellingRecord, MailboxMessage

    record = CounsellingRecord.objects.filter(counsellor__school__name="青溪县实验小学").order_by("pk").first()
    letter = MailboxMessage.objects.filter(school__name="青溪县实验小学").order_by("pk").first()
    a = RoleAssignment.objects.filter(user__username=username).first()
    writer = record.counsellor.user.username == username
    leads = a is not None and a.role == Role.SCHOOL_LEADER and a.school_id == record.counsellor.school_id
    admin = username == "admin"
    client = login(username)
    assert client.get(reverse("care:counsel_record", args=[record.pk])).status_code == (
        OK if writer or leads or admin else NO)
    assert client.get(reverse("care:mailbox_letter", args=[letter.pk])).status_code == (
        OK if letter.school_id in _designated(username) or admin else NO)


@pytest.mark.parametrize("username", COUNSEL_ROLES)
def test_who_opens_a_childs_study_plan(login, username):
    """The study plan page of a child of the demo teacher's class (where the demo volunteer has a paired child):
    as the child's care notes — never the county bureaus, never a parent."""
    from tongxin.care.counsel_models import StudyPlan

    plan = StudyPlan.objects.filter(child__school_class=RoleAssignment.objects.get(user__username="teacher")
                                    .school_class).order_by("pk").first()
    file = CareFile.objects.get(child_id=plan.child_id)
    if username == "counsellor":  # a class teacher of another class, not paired with the child
        a = RoleAssignment.objects.get(user__username=username)
        allowed = a.school_class_id == file.child.school_class_id or Pairing.objects.filter(
            child=file.child, helper__username=username, end__isnull=True).exists()
    else:
        allowed = _expected("record_add", username, file) == OK
    assert login(username).get(reverse("care:study", args=[file.pk])).status_code == (OK if allowed else NO)


# ---------------------------------------------------------------- ending a pairing


def test_who_opens_the_end_of_a_volunteers_pairing(login):
    """A volunteer's pairing is ended by whoever arranges that kind for the child: the school's leader, the village's
    worker, the township (in scope, from the raw rows) and the administrator; never the helper or the class teacher
    (who arranges only the subject teachers' talks)."""
    pairing = Pairing.objects.filter(helper__username="volunteer", kind=PairingKind.VOLUNTEER, end__isnull=True).first()
    file = CareFile.objects.get(child=pairing.child)
    for role in ROLES:
        g = _grants(role, file)
        expected = OK if g["scope"] and role in {"leader", "community", "township", "admin"} else NO
        assert login(role).get(reverse("care:pairing_end", args=[pairing.pk])).status_code == expected, role
