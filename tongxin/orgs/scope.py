"""Scope-based authorization: the one function family that narrows querysets to what a user may see.

A user's visibility is the union over their active role assignments:

- 班主任 (class teacher): the pupils of her class
- 学校领导 (school leader): the pupils of his school
- 社区（村）儿童主任 (community worker): the children who live in her community or village
- 乡镇（街道）干部 (township officer): children living in the township, and pupils of its schools
- 县教育局 (county education bureau): pupils of the county's schools
- 县民政局 (county civil affairs): children living in the county
- 志愿者 (volunteer): only the children paired with them (providers registered by the care line)
- 任课教师 (subject teacher): held per class taught, yet only the pupils paired with them for the monthly talk
  (P-44), through the same providers — not the class's roster, not the other pupils' files or notes
- anyone paired with a child (a teacher as proxy parent) also reads that child's care file (`care_ledger_q`)
- 家长 (parent): only the children they are a guardian of
- 县卫生健康局 (county health commission), 托育机构负责人 (nursery manager), 保育人员 (carer): no child's registry
  record; the nursery line's own records (a centre's contracts, bookings, bills) through `nursery_record_q`
- 系统管理员 (administrator) and superusers: everything

Views and the API call these functions; they never filter by hand. Other apps narrow their own records
with `narrow(user, queryset, via="child")`, which applies the same rules through the record's child.

Duty is a second, narrower grant: whoever is on duty for a service on a day (a teacher or volunteer rostered in
custody, later a carer in a nursery room) works with the children of that duty on that day only. Duty never
opens a child's record (`children`, `narrow`); it only widens a day's roll (`on_duty`): the child's name, group
and the guardians authorised for hand-over, nothing more. The lines register their duty providers here:

- a rostered 志愿者 sees the children of the group of their shift, on the day of the shift;
- a rostered teacher or the leader on duty sees the children of the whole programme that day.
"""

import datetime as dt
from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Role, RoleAssignment

NOTHING = Q(pk__in=[])

# Capabilities: which roles may see a child's numbers in full (for the children they can see at all).
FULL_ID_ROLES = frozenset({Role.ADMIN, Role.COUNTY_CIVIL, Role.TOWNSHIP_OFFICER, Role.COMMUNITY_WORKER})
FULL_PHONE_ROLES = frozenset(
    {Role.ADMIN, Role.COUNTY_CIVIL, Role.COUNTY_EDU, Role.TOWNSHIP_OFFICER, Role.COMMUNITY_WORKER,
     Role.SCHOOL_LEADER, Role.CLASS_TEACHER}
)

PairingProvider = Callable[[object, str], Q]
_pairing_providers: list[PairingProvider] = []


def register_pairing_provider(provider: PairingProvider) -> PairingProvider:
    """Register fn(user, prefix) -> Q over children paired with `user` (e.g. proxy parents).

    The care line registers its pairings here; a volunteer sees the union of what providers return.
    """
    if provider not in _pairing_providers:
        _pairing_providers.append(provider)
    return provider


def unregister_pairing_provider(provider: PairingProvider) -> None:
    if provider in _pairing_providers:
        _pairing_providers.remove(provider)


DutyProvider = Callable[[object, str, dt.date], Q]
_duty_providers: list[DutyProvider] = []


def register_duty_provider(provider: DutyProvider) -> DutyProvider:
    """Register fn(user, prefix, day) -> Q over the children `user` is on duty for on `day`."""
    if provider not in _duty_providers:
        _duty_providers.append(provider)
    return provider


def unregister_duty_provider(provider: DutyProvider) -> None:
    if provider in _duty_providers:
        _duty_providers.remove(provider)


def assignments(user) -> list[RoleAssignment]:
    """Active assignments of the user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_tongxin_assignments", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user, active=True).select_related("region", "school", "school_class",
                                                                                 "site")
        )
        user._tongxin_assignments = cached
    return cached


def roles(user) -> set[str]:
    found = {a.role for a in assignments(user)}
    if getattr(user, "is_superuser", False):
        found.add(Role.ADMIN)
    if _is_guardian(user):
        found.add(Role.PARENT)
    return found


def _is_guardian(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from tongxin.people.models import Guardian

    cached = getattr(user, "_tongxin_is_guardian", None)
    if cached is None:
        cached = Guardian.objects.filter(user=user).exists()
        user._tongxin_is_guardian = cached
    return cached


def _residence(prefix: str, path: str) -> Q:
    return Q(**{f"{prefix}family__community__path__startswith": path})


def _schooling(prefix: str, path: str) -> Q:
    return Q(**{f"{prefix}school__region__path__startswith": path})


def _lives_or_schooled(prefix: str, path: str) -> Q:
    """A township's children: living there OR at school there. Asked as `IN (subquery)` on the child's own
    columns, not through joins, so the OR reads two indexes (family_id, school_id): a township of a 230,000-child
    county counts in 1.7 ms instead of 375 ms on SQLite. (One condition alone stays a join: over a whole county the
    join walks the list's order index, where an IN list would sort every child.)"""
    from tongxin.people.models import Family

    from .models import School

    return (Q(**{f"{prefix}family__in": Family.objects.filter(community__path__startswith=path).values("pk")})
            | Q(**{f"{prefix}school__in": School.objects.filter(region__path__startswith=path).values("pk")}))


def _assignment_q(user, a: RoleAssignment, prefix: str) -> Q:
    match a.role:
        case Role.ADMIN:
            return Q()
        case Role.CLASS_TEACHER:
            return Q(**{f"{prefix}school_class_id": a.school_class_id})
        case Role.SCHOOL_LEADER:
            return Q(**{f"{prefix}school_id": a.school_id})
        case Role.COMMUNITY_WORKER:
            return _residence(prefix, a.area.path)
        case Role.TOWNSHIP_OFFICER:
            return _lives_or_schooled(prefix, a.area.path)
        case Role.COUNTY_EDU:
            return _schooling(prefix, a.area.path)
        case Role.COUNTY_CIVIL:
            return _residence(prefix, a.area.path)
        case Role.VOLUNTEER | Role.SUBJECT_TEACHER:
            return _paired(user, prefix)
        case Role.PARENT:
            return _own(user, prefix)
    return NOTHING


def _own(user, prefix: str) -> Q:
    from tongxin.people.models import Guardianship

    return Q(**{f"{prefix}pk__in": Guardianship.objects.filter(guardian__user=user).values("child_id")})


def _paired(user, prefix: str) -> Q:
    q = NOTHING
    for provider in _pairing_providers:
        q |= provider(user, prefix)
    return q


def _union(user, part: Callable[[RoleAssignment], Q], own: Callable[[], Q],
           roles_allowed: frozenset | None = None) -> Q:
    """The OR of what each of the user's assignments grants (`part`) and, for a guardian, their own children
    (`own`); everything (Q()) as soon as one grant is everything, since `Q() | x` would narrow it to x. With
    `roles_allowed`, only those roles count. Shared by every builder over children, classes and records."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser and (roles_allowed is None or Role.ADMIN in roles_allowed):
        return Q()
    q = NOTHING
    for a in assignments(user):
        if roles_allowed is None or a.role in roles_allowed:
            grant = part(a)
            if grant == Q():
                return Q()
            q |= grant
    if (roles_allowed is None or Role.PARENT in roles_allowed) and _is_guardian(user):
        q |= own()
    return q


def child_q(user, prefix: str = "", roles_allowed: frozenset | None = None) -> Q:
    """A Q over children (or over records, with `prefix`, e.g. "child__") that the user may see.

    With `roles_allowed`, only assignments of those roles count (used for capabilities).
    """
    return _union(user, lambda a: _assignment_q(user, a, prefix), lambda: _own(user, prefix), roles_allowed)


# The care line (留守/困境儿童关爱). Its ledger (who is covered, why, the family's situation) is seen by the staff
# of the child's class, school, village and township, by the county bureaus, and by the child's paired helpers.
# Its notes (talks, home visits, assessments) are narrower: never the county bureaus (they see figures) and
# never a parent, not even of their own child (they are the helpers' working record). A volunteer and a subject
# teacher hold these roles but their scope is their pairings alone: they read the files and notes of the children
# paired with them, nobody else's.
CARE_NOTE_ROLES = frozenset({Role.ADMIN, Role.CLASS_TEACHER, Role.SCHOOL_LEADER, Role.COMMUNITY_WORKER,
                             Role.TOWNSHIP_OFFICER, Role.VOLUNTEER, Role.SUBJECT_TEACHER})
CARE_LEDGER_ROLES = CARE_NOTE_ROLES | {Role.COUNTY_EDU, Role.COUNTY_CIVIL}


def _with_pairings(user, q: Q, prefix: str) -> Q:
    """`q` widened by the children paired with the user (a teacher paired as proxy parent with a pupil of
    another class sees that pupil's file); everything stays everything."""
    if q == Q() or not getattr(user, "is_authenticated", False) or not user.is_active:
        return q
    return q | _paired(user, prefix)


def care_ledger_q(user, prefix: str = "") -> Q:
    """Children (or records, with `prefix`) whose care file the user may read."""
    return _with_pairings(user, child_q(user, prefix, roles_allowed=CARE_LEDGER_ROLES), prefix)


def care_notes_q(user, prefix: str = "") -> Q:
    """Children (or records, with `prefix`) whose care notes (talks, visits, assessments) the user may read."""
    return _with_pairings(user, child_q(user, prefix, roles_allowed=CARE_NOTE_ROLES), prefix)


# Mandatory reports (强制报告). Those handling a report are the township government where the child lives and,
# above it, the county civil affairs bureau: they see every report of their area, with the reporter's name. The
# reporter sees their own; the child's care team (who may read the child's care notes) sees that a report exists
# and what was done, never who made it.
REPORT_HANDLER_ROLES = frozenset({Role.ADMIN, Role.TOWNSHIP_OFFICER, Role.COUNTY_CIVIL})


def _report_area_q(a: RoleAssignment, prefix: str) -> Q:
    match a.role:
        case Role.ADMIN:
            return Q()
        case Role.TOWNSHIP_OFFICER | Role.COUNTY_CIVIL:
            return Q(**{f"{prefix}township__path__startswith": a.area.path})
    return NOTHING


def report_handler_q(user, prefix: str = "") -> Q:
    """Reports (or records, with `prefix`, e.g. "report__") the user handles: acknowledges, acts on, closes."""
    return _union(user, lambda a: _report_area_q(a, prefix), lambda: NOTHING, REPORT_HANDLER_ROLES)


def report_q(user, prefix: str = "") -> Q:
    """Reports the user may read: those they handle, those they raised, and those of children whose care notes
    they may read."""
    handled = report_handler_q(user, prefix)
    if handled == Q() or not getattr(user, "is_authenticated", False) or not user.is_active:
        return handled
    return handled | Q(**{f"{prefix}raised_by": user}) | care_notes_q(user, f"{prefix}child__")


# Records of a school or a village (a holiday handover list, an activity) are seen by the school's leaders (and,
# where `teachers`, its class teachers), the village's worker, the township of either, and the county bureaus
# (education: the school's; civil affairs: the village's).
def _school_or_village_q(a: RoleAssignment, school: str, village: str, *, teachers: bool) -> Q:
    match a.role:
        case Role.ADMIN:
            return Q()
        case Role.SCHOOL_LEADER:
            return Q(**{f"{school}_id": a.school_id})
        case Role.CLASS_TEACHER if teachers:
            return Q(**{f"{school}_id": a.school_class.school_id}) if a.school_class else NOTHING
        case Role.COMMUNITY_WORKER | Role.COUNTY_CIVIL:
            return Q(**{f"{village}__path__startswith": a.area.path})
        case Role.TOWNSHIP_OFFICER:
            return (Q(**{f"{village}__path__startswith": a.area.path})
                    | Q(**{f"{school}__region__path__startswith": a.area.path}))
        case Role.COUNTY_EDU:
            return Q(**{f"{school}__region__path__startswith": a.area.path})
    return NOTHING


def handover_q(user, prefix: str = "") -> Q:
    """Holiday handover lists (or records, with `prefix`) the user may read."""
    return _union(user, lambda a: _school_or_village_q(a, f"{prefix}round__school", f"{prefix}community",
                                                       teachers=False), lambda: NOTHING)


# Counselling (心理辅导, P-58, P-59). A school's counsellors (心理辅导教师) are designated by its leader among its
# staff and kept by the care line (a row of school, user and whether still designated: `counsellor__user`,
# `counsellor__active` below are its fields). A counselling record is the narrowest thing the care line keeps: the
# counsellor who wrote it, while still designated, and the school's leaders read it, and the administrator; never
# the class teacher, a township, the county, a volunteer or a parent. The mailbox's letters (nameless) are read by
# the school's counsellors; the answers put on the board by the school's staff.
COUNSELLING_LEADER_ROLES = frozenset({Role.ADMIN, Role.SCHOOL_LEADER})


def _counselling_lead_q(a: RoleAssignment, prefix: str) -> Q:
    match a.role:
        case Role.ADMIN:
            return Q()
        case Role.SCHOOL_LEADER:
            return Q(**{f"{prefix}counsellor__school_id": a.school_id})
    return NOTHING


def counselling_q(user, prefix: str = "") -> Q:
    """Counselling records (or records, with `prefix`) the user may read: their own while designated, those of
    the schools they lead, all for the administrator."""
    led = _union(user, lambda a: _counselling_lead_q(a, prefix), lambda: NOTHING, COUNSELLING_LEADER_ROLES)
    if led == Q() or not getattr(user, "is_authenticated", False) or not user.is_active:
        return led
    return led | Q(**{f"{prefix}counsellor__user": user, f"{prefix}counsellor__active": True})


def mailbox_q(user, prefix: str = "") -> Q:
    """Mailbox letters (or records, with `prefix`) the user reads and answers: those of the schools where they
    are a designated counsellor; all for the administrator."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser or any(a.role == Role.ADMIN for a in assignments(user)):
        return Q()
    return Q(**{f"{prefix}school__counsellors__user": user, f"{prefix}school__counsellors__active": True})


def staff_school_ids(user) -> set[int] | None:
    """The schools the user works at (their classes' and the ones they lead); None for the administrator (every
    school)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    found: set[int] = set()
    for a in assignments(user):
        if a.role == Role.ADMIN:
            return None
        if a.role == Role.SCHOOL_LEADER and a.school_id:
            found.add(a.school_id)
        elif a.role == Role.CLASS_TEACHER and a.school_class is not None:
            found.add(a.school_class.school_id)
    return found


def mailbox_board_q(user, prefix: str = "") -> Q:
    """Mailbox letters (or records, with `prefix`) whose answers the user may read on the board, and the schools
    whose mailbox they may write to (for a child, or a child on their phone): their own schools'."""
    ids = staff_school_ids(user)
    if ids is None:
        return Q()
    return Q(**{f"{prefix}school_id__in": sorted(ids)}) if ids else NOTHING


def activity_q(user, prefix: str = "") -> Q:
    """Activities (or records, with `prefix`) the user may read: those of their school (class teachers included) or
    village, and above."""
    return _union(user, lambda a: _school_or_village_q(a, f"{prefix}school", f"{prefix}community", teachers=True),
                  lambda: NOTHING)


# Community childcare for 0-3 (社区托育). A centre (托育服务中心) and its service points (服务点) are nursery sites
# (`Site.Kind.NURSERY`; a point's `parent` is its centre). The nursery line's records reach their site through a
# prefix the caller gives (e.g. "centre__site__"), so these builders know only orgs' own tables:
# - 托育机构负责人 (manager): runs the site held and, held at a centre, the centre's points (rooms, limits, prices,
#   roster, contracts, bookings, the waiting list, bills);
# - 保育人员 (carer): works at the site held — reads its rooms, roster and the children booked there;
# - the area's offices (社区、乡镇（街道）、县教育局、县民政局、县卫生健康局) see the sites standing in their area and
#   their figures, never a child's name;
# - a parent sees every nursery site (the directory to choose one from) and the records of their own children;
# - 系统管理员: everything.
NURSERY_STAFF_ROLES = frozenset({Role.NURSERY_MANAGER, Role.NURSERY_CARER})
NURSERY_AREA_ROLES = frozenset({Role.COMMUNITY_WORKER, Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU, Role.COUNTY_CIVIL,
                                Role.COUNTY_HEALTH})


def _nursery_site_grant(a: RoleAssignment, prefix: str, *, carers: bool, area: bool) -> Q:
    if a.role == Role.ADMIN:
        return Q()
    if a.role == Role.NURSERY_MANAGER and a.site_id:
        return Q(**{f"{prefix}pk": a.site_id}) | Q(**{f"{prefix}parent_id": a.site_id})
    if a.role == Role.NURSERY_CARER and a.site_id and carers:
        return Q(**{f"{prefix}pk": a.site_id})
    if area and a.role in NURSERY_AREA_ROLES and a.region_id:
        return Q(**{f"{prefix}region__path__startswith": a.area.path})
    return NOTHING


def nursery_manage_q(user, prefix: str = "") -> Q:
    """Nursery sites (or records, with `prefix` leading to their site) the user runs: a manager's site and, for a
    centre, its points; all for the administrator."""
    return _union(user, lambda a: _nursery_site_grant(a, prefix, carers=False, area=False), lambda: NOTHING)


def nursery_staff_q(user, prefix: str = "") -> Q:
    """Nursery sites (or records, with `prefix`) the user works at: those they run, and a carer's own site."""
    return _union(user, lambda a: _nursery_site_grant(a, prefix, carers=True, area=False), lambda: NOTHING)


def nursery_sites_q(user, prefix: str = "") -> Q:
    """Nursery sites (or records, with `prefix`) whose page and figures the user may open: where they work, those
    in the area of an office they hold, and, for a parent, every one (the directory a family chooses from)."""
    return _union(user, lambda a: _nursery_site_grant(a, prefix, carers=True, area=True),
                  lambda: Q(**{f"{prefix}kind": "nursery"}))


def nursery_area_q(user, prefix: str = "") -> Q:
    """Regions (or rows, with `prefix` leading to a region) in the area of a nursery office the user holds — the
    15-minute childcare circle's communities and townships (figures and unnamed household dots, never a name);
    everything for the administrator, nothing for staff and parents."""
    def grant(a: RoleAssignment) -> Q:
        if a.role == Role.ADMIN:
            return Q()
        if a.role in NURSERY_AREA_ROLES and a.region_id:
            return Q(**{f"{prefix}path__startswith": a.area.path})
        return NOTHING

    return _union(user, grant, lambda: NOTHING)


def nursery_record_q(user, site_prefix: str, child_prefix: str = "child__") -> Q:
    """A nursery's records about a child (contracts, bookings, bills, the waiting list) the user may read: those of
    the sites they work at, and those of their own children (as a guardian)."""
    staff = nursery_staff_q(user, site_prefix)
    if staff == Q() or not getattr(user, "is_authenticated", False) or not user.is_active:
        return staff
    return staff | child_q(user, child_prefix, roles_allowed=frozenset({Role.PARENT}))


POOL_VETTER_ROLES = frozenset({Role.ADMIN, Role.COMMUNITY_WORKER, Role.TOWNSHIP_OFFICER, Role.SCHOOL_LEADER})
POOL_READER_ROLES = POOL_VETTER_ROLES | {Role.COUNTY_EDU, Role.COUNTY_CIVIL}


def _pool_grant(a: RoleAssignment, prefix: str, *, vet: bool) -> Q:
    if a.role == Role.SCHOOL_LEADER and a.school is not None:
        # The school's own teachers, and the people living in the community where the school stands.
        return Q(**{f"{prefix}school_id": a.school.pk}) | Q(**{f"{prefix}home__path__startswith": a.school.region.path})
    if a.role in (Role.COMMUNITY_WORKER, Role.TOWNSHIP_OFFICER) and a.region is not None:
        return (Q(**{f"{prefix}home__path__startswith": a.region.path})
                | Q(**{f"{prefix}areas__path__startswith": a.region.path}))
    if not vet and a.role in (Role.COUNTY_EDU, Role.COUNTY_CIVIL) and a.region is not None:
        return Q(**{f"{prefix}home__path__startswith": a.region.path})
    return NOTHING


def volunteer_pool_q(user, prefix: str = "", *, vet: bool = False) -> Q:
    """The people of the volunteer and teacher pool (师资库) a user may see (or, `vet`, vet and record checks for):
    a community's or township's people (living or serving there), a school's teachers and its community's people,
    the county offices' county (read only); everything for the administrator."""
    if Role.ADMIN in roles(user):
        return Q()
    q = NOTHING
    for a in assignments(user):
        q |= _pool_grant(a, prefix, vet=vet)
    return q


def notice_q(user, prefix: str = "") -> Q:
    """A person's own inbox: nobody reads another's notices, an administrator neither."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    return Q(**{f"{prefix}user_id": user.pk})


def outbox_q(user, prefix: str = "") -> Q:
    """Messages sent outside the platform: the administrator sees all (to follow up a failed SMS), everyone
    else those sent to themselves."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    if user.is_superuser or Role.ADMIN in roles(user):
        return Q()
    return Q(**{f"{prefix}user_id": user.pk})


def children(user, queryset: QuerySet | None = None) -> QuerySet:
    from tongxin.people.models import Child

    qs = Child.objects.all() if queryset is None else queryset
    return qs.filter(child_q(user))


def narrow(user, queryset: QuerySet, via: str = "child") -> QuerySet:
    """Narrow any queryset of records that point at a child (through `via`) to what the user may see."""
    return queryset.filter(child_q(user, prefix=f"{via}__"))


def families(user, queryset: QuerySet | None = None) -> QuerySet:
    """Households with at least one child the user may see."""
    from tongxin.people.models import Family

    qs = Family.objects.all() if queryset is None else queryset
    return qs.filter(pk__in=children(user).values("family_id"))


def guardians(user, queryset: QuerySet | None = None) -> QuerySet:
    """Guardians of children the user may see."""
    from tongxin.people.models import Guardian, Guardianship

    qs = Guardian.objects.all() if queryset is None else queryset
    visible = Guardianship.objects.filter(child_q(user, prefix="child__")).values("guardian_id")
    return qs.filter(pk__in=visible)


def _pupils_living_in(prefix: str, area) -> Q:
    """Classes with at least one pupil living in `area`. A county is asked class by class (almost every class
    has one, so each answer stops at its first pupil); a township or village from its few children."""
    from tongxin.people.models import Child

    residents = Child.objects.filter(_residence("", area.path))
    if area.level == area.Level.COUNTY:
        return Q(Exists(residents.filter(school_class_id=OuterRef(f"{prefix}pk"))))
    return Q(**{f"{prefix}pk__in": residents.exclude(school_class=None).values("school_class_id")})


def _classes_of(prefix: str, children_q: Q) -> Q:
    from tongxin.people.models import Child

    return Q(**{f"{prefix}pk__in": Child.objects.filter(children_q).exclude(school_class=None).values("school_class_id")})


def _class_assignment_q(user, a: RoleAssignment, prefix: str) -> Q:
    match a.role:
        case Role.ADMIN:
            return Q()
        case Role.CLASS_TEACHER:
            return Q(**{f"{prefix}pk": a.school_class_id})
        case Role.SCHOOL_LEADER:
            return Q(**{f"{prefix}school_id": a.school_id})
        case Role.COUNTY_EDU:
            return _schooling(prefix, a.area.path)
        case Role.TOWNSHIP_OFFICER:
            return _schooling(prefix, a.area.path) | _pupils_living_in(prefix, a.area)
        case Role.COMMUNITY_WORKER | Role.COUNTY_CIVIL:
            return _pupils_living_in(prefix, a.area)
        case Role.VOLUNTEER | Role.SUBJECT_TEACHER:
            return _classes_of(prefix, _paired(user, ""))
        case Role.PARENT:
            return _classes_of(prefix, _own(user, ""))
    return NOTHING


def class_q(user, prefix: str = "") -> Q:
    """A Q over school classes (or over records, with `prefix`, e.g. "school_class__") that hold a child the
    user may see: the same rules as `child_q`, asked of the classes. (A class with no pupils yet is in the
    scope of its school's leader, the education bureau and the administrator.)"""
    return _union(user, lambda a: _class_assignment_q(user, a, prefix), lambda: _classes_of(prefix, _own(user, "")))


def classes(user, queryset: QuerySet | None = None) -> QuerySet:
    """School classes holding a child the user may see (for a list's class filter)."""
    from .models import SchoolClass

    qs = SchoolClass.objects.all() if queryset is None else queryset
    return qs.filter(class_q(user))


def duty_q(user, day: dt.date, prefix: str = "") -> Q:
    """Children (or records, with `prefix`) the user is on duty for on `day`, by the registered providers."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    q = NOTHING
    for provider in _duty_providers:
        q |= provider(user, prefix, day)
    return q


def on_duty(user, queryset: QuerySet, day: dt.date, via: str = "child") -> QuerySet:
    """A day's roll: records whose child the user may see, or is on duty for on `day`. For rolls only —
    what a roll shows of a duty-only child is the name, group and hand-over guardians, never the record."""
    prefix = f"{via}__"
    return queryset.filter(child_q(user, prefix=prefix) | duty_q(user, day, prefix=prefix))


def can_view_child(user, child) -> bool:
    return children(user).filter(pk=child.pk).exists()


def _full_q(user, role_set: frozenset) -> Q:
    return child_q(user, roles_allowed=role_set | {Role.PARENT})


def full_id_child_ids(user, queryset: QuerySet) -> set[int]:
    """Of the children in `queryset`, those whose ID number this user may see in full."""
    return set(queryset.filter(_full_q(user, FULL_ID_ROLES)).values_list("pk", flat=True))


def full_phone_child_ids(user, queryset: QuerySet) -> set[int]:
    """Of the children in `queryset`, those whose guardians' phones this user may see in full."""
    return set(queryset.filter(_full_q(user, FULL_PHONE_ROLES)).values_list("pk", flat=True))


def may_see_full_id(user, child) -> bool:
    from tongxin.people.models import Child

    return bool(full_id_child_ids(user, Child.objects.filter(pk=child.pk)))


def may_see_full_phone(user, child) -> bool:
    from tongxin.people.models import Child

    return bool(full_phone_child_ids(user, Child.objects.filter(pk=child.pk)))


def would_see(user, *, school_id: int | None, class_id: int | None, school_path: str, home_path: str,
              roles_allowed: frozenset | None = None) -> bool:
    """Whether a child at this school and class, living at `home_path`, would be in the user's scope — for
    records not written yet (an import's rows), answered from the user's assignments without a query. The same
    rules as `_assignment_q` (pairings and guardianship do not apply to a child not yet registered)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser and (roles_allowed is None or Role.ADMIN in roles_allowed):
        return True
    for a in assignments(user):
        if roles_allowed is not None and a.role not in roles_allowed:
            continue
        match a.role:
            case Role.ADMIN:
                return True
            case Role.CLASS_TEACHER if class_id and a.school_class_id == class_id:
                return True
            case Role.SCHOOL_LEADER if school_id and a.school_id == school_id:
                return True
            case Role.COMMUNITY_WORKER | Role.COUNTY_CIVIL if home_path.startswith(a.area.path):
                return True
            case Role.TOWNSHIP_OFFICER if home_path.startswith(a.area.path) or (school_id and school_path.startswith(a.area.path)):
                return True
            case Role.COUNTY_EDU if school_id and school_path.startswith(a.area.path):
                return True
    return False
