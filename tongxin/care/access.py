"""Who may do what in the care line: small helpers that raise on denial (all visibility comes from
`orgs.scope`'s care builders)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tongxin.orgs import scope
from tongxin.orgs.models import Region, Role

from .choices import PairingKind
from .models import CareFile

# Who keeps the ledger (opens, edits and confirms files, assesses, pairs) for the children in their scope.
EDITORS = frozenset({Role.ADMIN, Role.CLASS_TEACHER, Role.SCHOOL_LEADER, Role.COMMUNITY_WORKER, Role.TOWNSHIP_OFFICER})
# Who arranges pairings (the school's leaders and the village's worker), besides the administrator.
ARRANGERS = frozenset({Role.ADMIN, Role.SCHOOL_LEADER, Role.COMMUNITY_WORKER, Role.TOWNSHIP_OFFICER})
# Who assigns a pupil to a subject teacher for the monthly talk (P-44): the pupil's class teacher or the school's
# leader (and the administrator) — a school matter, among the subject teachers of the pupil's class.
SUBJECT_ARRANGERS = frozenset({Role.ADMIN, Role.SCHOOL_LEADER, Role.CLASS_TEACHER})


def office_area(user) -> tuple[int | None, int | None, str] | None:
    """The area whose care settings and contact rules the user sets: (school, county region, area path), or None
    for anyone else. A school leader sets the school's (the first such assignment), a county bureau (教育局 or
    民政局, assigned to a county) the county's."""
    for a in scope.assignments(user):
        if a.role == Role.SCHOOL_LEADER and a.school is not None:
            return a.school.pk, None, a.school.region.path
    for a in scope.assignments(user):
        if a.role in (Role.COUNTY_EDU, Role.COUNTY_CIVIL) and a.region is not None and a.region.level == Region.Level.COUNTY:
            return None, a.region.pk, a.region.path
    return None


def leads_school(user, school_id: int) -> bool:
    """The user leads this school (or is the administrator)."""
    return Role.ADMIN in scope.roles(user) or any(
        a.role == Role.SCHOOL_LEADER and a.school_id == school_id for a in scope.assignments(user))


def require_school_leader(user, school_id: int, refusal: str) -> None:
    """Raises `refusal` unless the user leads this school (or is the administrator)."""
    if not leads_school(user, school_id):
        raise PermissionDenied(refusal)


def is_editor(user) -> bool:
    return bool(scope.roles(user) & EDITORS)


def is_arranger(user) -> bool:
    """Arranges some kind of pairing for some child (the page's gate; `arrangeable_kinds` says which, for whom)."""
    return bool(scope.roles(user) & (ARRANGERS | SUBJECT_ARRANGERS))


def arrangeable_kinds(user, file: CareFile) -> list[PairingKind]:
    """The kinds of pairing the user may arrange for this file's child, in the choices' order (empty: none)."""
    roles = scope.roles(user)
    general = bool(roles & ARRANGERS) and CareFile.objects.filter(
        scope.child_q(user, prefix="child__", roles_allowed=EDITORS), pk=file.pk).exists()
    subject = bool(roles & SUBJECT_ARRANGERS) and CareFile.objects.filter(
        scope.child_q(user, prefix="child__", roles_allowed=SUBJECT_ARRANGERS), pk=file.pk).exists()
    return [k for k in PairingKind if (subject if k == PairingKind.SUBJECT_TEACHER else general)]


def require_arranger(user, file: CareFile, kind: str) -> None:
    """The user may arrange (or end) a pairing of this kind for this file's child."""
    if not is_arranger(user):
        raise PermissionDenied("只有学校领导、班主任、村（社区）儿童主任和乡镇干部可以安排结对")
    kinds = arrangeable_kinds(user, file)
    if not kinds:
        raise PermissionDenied("该儿童不在您负责的范围内")
    if kind not in kinds:
        if kind == PairingKind.SUBJECT_TEACHER:
            raise PermissionDenied("任课教师谈心由学生的班主任或学校领导安排")
        raise PermissionDenied(f"班主任只能为本班学生安排“{PairingKind.SUBJECT_TEACHER.label}”，"
                               f"“{PairingKind(kind).label}”由学校领导、村（社区）儿童主任或乡镇干部安排")


def files(user):
    """The care files the user may read."""
    return CareFile.objects.filter(scope.care_ledger_q(user, prefix="child__"))


def access_file(user, file_id: int) -> CareFile:
    """The file, if the user may read it; 404 if there is none, 403 if it is someone else's."""
    found = files(user).select_related("child__school_class__grade", "child__school", "child__family__community").filter(pk=file_id).first()
    if found is None:
        if CareFile.objects.filter(pk=file_id).exists():
            raise PermissionDenied("无权查看该儿童的关爱档案")
        raise Http404("未找到该关爱档案")
    return found


def require_editor(user, file: CareFile | None = None) -> None:
    """The user keeps the ledger (and, given a file, may read that file)."""
    if not is_editor(user):
        raise PermissionDenied("当前角色不能修改关爱档案")
    if file is not None and not CareFile.objects.filter(scope.child_q(user, prefix="child__", roles_allowed=EDITORS),
                                                        pk=file.pk).exists():
        raise PermissionDenied("该儿童不在您负责的范围内")


def may_read_notes(user, file: CareFile) -> bool:
    """Talks, home-visit notes and assessments of this file's child."""
    return CareFile.objects.filter(scope.care_notes_q(user, prefix="child__"), pk=file.pk).exists()


def access_pairing_to_change(user, pairing_id: int):
    """A pairing the user may end (its kind is one they arrange for the child), with the child's file; 404 when
    there is none, 403 otherwise."""
    from .models import Pairing

    pairing = Pairing.objects.filter(pk=pairing_id).select_related("helper", "peer", "child").first()
    if pairing is None:
        raise Http404("未找到该结对")
    file = CareFile.objects.filter(child_id=pairing.child_id).first()
    if file is None:
        raise Http404("未找到该儿童的关爱档案")
    file = access_file(user, file.pk)
    if pairing.kind not in arrangeable_kinds(user, file):
        raise PermissionDenied("您不能调整这一结对")
    return pairing, file
