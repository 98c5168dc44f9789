"""Reads of the children registry. Every queryset starts from `orgs.scope`; full records are audited."""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from tongxin.audit.models import AuditEntry
from tongxin.audit.services import record
from tongxin.orgs import scope
from tongxin.orgs.models import Role

from .crypto import lookup_hash
from .masking import mask_address, mask_id_number, mask_phone
from .models import Child, Family, Guardian, Guardianship
from .validators import normalize_id_number

_FULL_ID = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
_MASKED_ID = re.compile(r"[0-9X*]{5,18}", re.ASCII)
_ID_TAIL = re.compile(r"[0-9]+X?", re.ASCII)


def search_q(query: str) -> Q:
    """Name, pinyin initials, a full ID number (matched by its keyed hash) or a masked one / last digits.
    Numbers are matched in their normalised form, so full-width or Arabic-Indic digits find the child too."""
    query = (query or "").strip()
    if not query:
        return Q()
    number = normalize_id_number(query)
    if _FULL_ID.fullmatch(number):
        return Q(id_hash=lookup_hash(number))
    if "*" in number and _MASKED_ID.fullmatch(number):
        head, _, tail = number.partition("*")
        return Q(id_masked__startswith=head, id_masked__endswith=tail.strip("*"))
    if _ID_TAIL.fullmatch(number):
        return Q(id_masked__endswith=number)
    return name_q(query)


def name_q(query: str, prefix: str = "") -> Q:
    """Children (or records, with `prefix`, e.g. "child__") by pinyin initials (letters) or part of the name."""
    query = query.strip()
    if query.isascii() and query.isalpha():
        return Q(**{f"{prefix}initials__startswith": query.lower()})
    return Q(**{f"{prefix}name__contains": query})


def visible_children(user, query: str = "", *, school_class_id=None, care_status: str = "") -> QuerySet:
    """The children this user may see, narrowed by the list's filters (rows not loaded: see `ChildListing`)."""
    qs = scope.children(user).filter(search_q(query))
    if school_class_id:
        qs = qs.filter(school_class_id=school_class_id)
    if care_status:
        qs = qs.filter(care_status=care_status)
    return qs


# What a list row shows, and nothing else: no encrypted column (the ID number is read apart, and only for the
# rows shown in full), no family address, no health notes.
ROW_FIELDS = ("name", "gender", "birth_date", "id_masked", "care_status", "disability", "school__name",
              "school_class__number", "school_class__grade__year", "family__community__name")
ROW_RELATED = ("school", "school_class__grade", "family__community")
LIST_ORDER = ("school_class_id", "initials", "id")  # Child.Meta.ordering, served by the index child_list_order

LIST_COUNT_CAP = 10_000  # a list counts its children up to this many; past it the page says "more than"
SORT_IN_MEMORY = 1_000  # up to this many children, a list orders their keys in Python (see ChildListing)


def list_rows(queryset: QuerySet) -> QuerySet:
    """The columns a list row needs, with its school, class and community in the same query."""
    return queryset.select_related(*ROW_RELATED).only(*ROW_FIELDS)


def _list_order(key: tuple[int, int | None, str]) -> tuple:
    pk, class_id, initials = key  # Child.Meta.ordering, children without a class last
    return (class_id is None, class_id or 0, initials, pk)


class ChildListing:
    """A scoped list of children for a paginator (the page, the API, an export): `count()` and slices of rows.

    The count stops at LIST_COUNT_CAP (`capped` then tells the page to say "more than"), so counting a county
    costs no more than counting ten thousand. The order is Child.Meta.ordering, served two ways: a few thousand
    children (a class, a school, a village) have their keys read and ordered in memory, then one page of rows
    is read by id; more than that (a township, a county) are read in order along the index on
    (school_class, initials, id), which finds a page's rows at once when most children in its path are in scope.
    Either way a page takes the same few queries, whatever the size of the scope."""

    def __init__(self, user, queryset: QuerySet):
        self.user, self.queryset = user, queryset.order_by()
        self._count: int | None = None
        self._keys: list[int] | None = None
        self.capped = False

    def count(self) -> int:
        if self._count is None:
            counted = self.queryset.values("pk")[:LIST_COUNT_CAP + 1].count()
            self._count = min(counted, LIST_COUNT_CAP)
            self.capped = counted > LIST_COUNT_CAP
            if counted <= SORT_IN_MEMORY:
                keys = self.queryset.values_list("pk", "school_class_id", "initials")
                self._keys = [k[0] for k in sorted(keys, key=_list_order)]
                self._count = len(self._keys)  # the children may have changed since the count
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list["ChildRow"]:
        self.count()
        ids = self._keys[item] if self._keys is not None else self._ids_in_index_order(item.start or 0, item.stop)
        by_id = {c.pk: c for c in list_rows(Child.objects.filter(pk__in=ids))}
        return child_rows(self.user, [by_id[pk] for pk in ids if pk in by_id])

    def _ids_in_index_order(self, start: int, stop: int) -> list[int]:
        """The ids of rows start:stop in list order, children without a class last, read as two ranges of the
        index: those with a class (the index past its NULLs, which SQLite files first), then those without. The
        rows are read by id after (joining their school and class into the ordered read lets the planner start
        from the classes and sort a county). A page within either range takes one query; across the boundary, or
        past it, one or two more."""
        ids = list(self.queryset.filter(school_class__isnull=False).order_by(*LIST_ORDER)
                   .values_list("pk", flat=True)[start:stop])
        if len(ids) < stop - start:
            n_classed = start + len(ids) if ids else (
                self.queryset.filter(school_class__isnull=False).values("pk")[:LIST_COUNT_CAP + 1].count())
            ids += self.queryset.filter(school_class__isnull=True).order_by("initials", "id").values_list(
                "pk", flat=True)[max(start - n_classed, 0):stop - n_classed]
        return ids


@dataclass
class ChildRow:
    id: int
    name: str
    gender: str
    age: int
    birth_date: object
    school: str
    school_class: str
    community: str
    id_display: str
    care_status: str
    care_status_code: str
    disability: bool


def child_rows(user, children: list[Child]) -> list[ChildRow]:
    """Rows for a list page, an API page or an export: ID numbers masked (from the masked column) unless the
    user's role may see them in full; only those are read and decrypted. A page that shows any full ID number
    writes one audit entry naming those children."""
    ids = [c.pk for c in children if c.id_masked]
    full = scope.full_id_child_ids(user, Child.objects.filter(pk__in=ids)) if ids else set()
    numbers = dict(Child.objects.filter(pk__in=full).values_list("pk", "id_number")) if full else {}
    rows = [
        ChildRow(
            id=c.pk,
            name=c.name,
            gender=c.get_gender_display(),
            age=c.age,
            birth_date=c.birth_date,
            school=c.school.name if c.school is not None else "",
            school_class=c.school_class.label if c.school_class is not None else "",
            community=c.family.community.name,
            id_display=(numbers.get(c.pk) or c.id_masked) if c.id_masked else "未登记",
            care_status=c.get_care_status_display() if c.care_status != Child.CareStatus.NONE else "",
            care_status_code=c.care_status,
            disability=c.disability,
        )
        for c in children
    ]
    shown = [pk for pk in ids if pk in numbers]
    if shown:
        record_list_view(user, shown, fields=["id_number"])
    return rows


@transaction.atomic
def record_list_view(user, child_ids: list[int], *, fields: list[str], reason: str = "") -> AuditEntry:
    """One audit entry for one page of a list that showed full numbers (`fields`) of these children."""
    entry = record(user, AuditEntry.Action.VIEW, None, fields=fields, reason=reason,
                   target_repr=f"儿童列表（{len(child_ids)} 名）")
    entry.target_type, entry.children = Child._meta.label, list(child_ids)
    entry.save(update_fields=["target_type", "children"])
    return entry


@dataclass
class GuardianView:
    name: str
    relationship: str
    phone: str
    is_primary: bool
    lives_with_child: bool
    can_pickup: bool
    works_away: bool
    work_city: str
    workplace: str
    capable: bool


@dataclass
class ChildRecord:
    child: Child
    id_display: str
    id_full: bool
    phone_full: bool
    address: str
    guardians: list[GuardianView] = field(default_factory=list)
    family_flags: list[str] = field(default_factory=list)
    own_child: bool = False  # the reader is one of the child's guardians


def read_child(user, child_id: int, *, reason: str = "") -> ChildRecord:
    """One child's full record, as this user may see it. The read is audited."""
    child = (
        scope.children(user)
        .select_related("family__community__parent", "school", "school_class__grade")
        .filter(pk=child_id)
        .first()
    )
    if child is None:
        if Child.objects.filter(pk=child_id).exists():
            raise PermissionDenied("无权查看该儿童档案")
        raise Http404("未找到该儿童")
    id_full = scope.may_see_full_id(user, child)
    phone_full = scope.may_see_full_phone(user, child)
    family = child.family
    guardians = [
        GuardianView(
            name=g.guardian.name,
            relationship=g.get_relationship_display(),
            phone=g.guardian.phone if phone_full else mask_phone(g.guardian.phone),
            is_primary=g.is_primary,
            lives_with_child=g.lives_with_child,
            can_pickup=g.can_pickup,
            works_away=g.guardian.works_away,
            work_city=g.guardian.work_city,
            workplace=g.guardian.workplace,
            capable=g.guardian.capable,
        )
        for g in Guardianship.objects.filter(child=child).select_related("guardian").order_by("-is_primary", "id")
    ]
    flags = [f.verbose_name for f in family._meta.fields
             if f.name in {"low_income", "extreme_poverty", "military", "dual_earner", "migrant_worker"}
             and getattr(family, f.name)]
    record(user, AuditEntry.Action.VIEW, child, reason=reason,
           fields=["id_number" if id_full else "id_masked", "guardians", "health_notes"])
    return ChildRecord(
        child=child,
        id_display=(child.id_number if id_full else mask_id_number(child.id_number)) or "未登记",
        id_full=id_full,
        phone_full=phone_full,
        address=family.address if id_full else mask_address(family.address),
        guardians=guardians,
        family_flags=flags,
        own_child=is_guardian_of(user, child.pk),
    )


# ---------------------------------------------------------------- questions other apps ask the registry
# Other apps ask these instead of reading the registry's tables (guardianships, family flags) themselves.


def guardian_link(user, child_id: int) -> Guardianship | None:
    """This login's guardianship of that child (with its guardian loaded), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Guardianship.objects.filter(child_id=child_id, guardian__user=user).select_related("guardian").first()


def is_guardian_of(user, child_id: int) -> bool:
    return guardian_link(user, child_id) is not None


def children_of_login(user) -> QuerySet:
    """The children this login is a registered guardian of."""
    if not getattr(user, "is_authenticated", False):
        return Child.objects.none()
    return Child.objects.filter(pk__in=Guardianship.objects.filter(guardian__user=user).values("child_id"))


def family_communities(family_ids: Iterable[int]) -> QuerySet:
    """The communities (villages) these households live in, as a subquery of region ids."""
    return Family.objects.filter(pk__in=list(family_ids)).values("community_id")


def guardianship_of(child_id: int, guardian_id: int | None) -> Guardianship | None:
    """The link between a child and one of their guardians, or None if that person is not the child's guardian."""
    if guardian_id is None:
        return None
    return Guardianship.objects.filter(child_id=child_id, guardian_id=guardian_id).select_related("guardian").first()


def may_pick_up(child_id: int, guardian_id: int) -> bool:
    """Whether this guardian is one the family authorised to pick the child up."""
    return Guardianship.objects.filter(child_id=child_id, guardian_id=guardian_id, can_pickup=True).exists()


def authorised_pickups(child_id: int) -> QuerySet:
    """The guardians (records) who may pick the child up."""
    return Guardian.objects.filter(guardianships__child_id=child_id, guardianships__can_pickup=True)


@dataclass(frozen=True)
class PickupGuardian:
    id: int
    name: str
    relationship: str
    phone_masked: str


def pickup_guardians(child_ids: Iterable[int]) -> dict[int, list[PickupGuardian]]:
    """For each child asked about, who may pick them up (an empty list if nobody): what a hand-over needs and
    no more (the phone is masked)."""
    result: dict[int, list[PickupGuardian]] = {child_id: [] for child_id in child_ids}
    links = (Guardianship.objects.filter(child_id__in=list(result), can_pickup=True)
             .select_related("guardian").only("child_id", "relationship", "guardian__name", "guardian__phone_masked")
             .order_by("child_id", "-is_primary", "id"))
    for link in links:
        result[link.child_id].append(PickupGuardian(
            id=link.guardian_id, name=link.guardian.name, relationship=link.get_relationship_display(),
            phone_masked=link.guardian.phone_masked,
        ))
    return result


@dataclass(frozen=True)
class PriorityFacts:
    """What the registry records about a child and their household that gives priority or relief."""

    disabled: bool
    left_behind: bool
    vulnerable: bool
    low_income: bool
    extreme_poverty: bool
    military: bool
    migrant_worker: bool
    dual_earner: bool


def priority_facts(child: Child) -> PriorityFacts:
    family = child.family
    return PriorityFacts(
        disabled=child.disability,
        left_behind=child.care_status == Child.CareStatus.LEFT_BEHIND,
        vulnerable=child.care_status == Child.CareStatus.VULNERABLE,
        low_income=family.low_income,
        extreme_poverty=family.extreme_poverty,
        military=family.military,
        migrant_worker=family.migrant_worker,
        dual_earner=family.dual_earner,
    )


def pupils_of(school_id: int, grades: Iterable[int] | None = None) -> QuerySet:
    """The pupils of a school (optionally of some grades), for counts and surveys."""
    qs = Child.objects.filter(school_id=school_id)
    return qs if grades is None else qs.filter(school_class__grade__year__in=list(grades))


def residents_of(community_id: int) -> QuerySet:
    """The children who live in a community or village."""
    return Child.objects.filter(family__community_id=community_id)


def care_counts(children: QuerySet) -> dict[str, int]:
    """How many of these children are left-behind, vulnerable or disabled."""
    return children.aggregate(
        left_behind=Count("id", filter=Q(care_status=Child.CareStatus.LEFT_BEHIND)),
        vulnerable=Count("id", filter=Q(care_status=Child.CareStatus.VULNERABLE)),
        disabled=Count("id", filter=Q(disability=True)),
    )


@dataclass(frozen=True)
class ParentRecord:
    """What the registry says of one of a child's parents or carers, for the care line's classification."""

    relationship: str  # Guardianship.Relationship value
    works_away: bool
    away_since: dt.date | None
    capable: bool
    status: str  # Guardian.Status value


@dataclass(frozen=True)
class HouseholdFacts:
    """A child's own and household facts the care line classifies by (P-01, P-02)."""

    birth_date: dt.date
    disabled: bool
    low_income: bool
    extreme_poverty: bool
    migrant: bool  # a migrant worker's family registered elsewhere (随迁)
    parents: tuple[ParentRecord, ...]


def household_facts(child_ids: Iterable[int]) -> dict[int, HouseholdFacts]:
    """The classification facts of many children in two reads, no encrypted column decrypted."""
    ids = list(child_ids)
    parents: dict[int, list[ParentRecord]] = defaultdict(list)
    for child_id, relationship, away, since, capable, status in (
            Guardianship.objects.filter(child_id__in=ids).order_by("child_id", "id").values_list(
                "child_id", "relationship", "guardian__works_away", "guardian__away_since", "guardian__capable",
                "guardian__status")):
        parents[child_id].append(ParentRecord(relationship, away, since, capable, status))
    rows = Child.objects.filter(pk__in=ids).values_list(
        "pk", "birth_date", "disability", "family__low_income", "family__extreme_poverty", "family__migrant_worker",
        "family__hukou")
    return {pk: HouseholdFacts(birth, disabled, low, poor, migrant and hukou != Family.Hukou.LOCAL,
                               tuple(parents.get(pk, ())))
            for pk, birth, disabled, low, poor, migrant, hukou in rows}


def where_of(child_ids: Iterable[int]) -> dict[int, tuple[int | None, int | None, str]]:
    """Each child's school, class and area path (the school's region, else the family's community), in one read."""
    rows = Child.objects.filter(pk__in=list(child_ids)).values_list(
        "pk", "school_id", "school_class_id", "school__region__path", "family__community__path")
    return {pk: (school, klass, school_path or home_path) for pk, school, klass, school_path, home_path in rows}


def flagged_children(children: QuerySet) -> set[int]:
    """Of these children (already narrowed by `orgs.scope`), those the registry flags left-behind or vulnerable."""
    return set(children.filter(care_status__in=[Child.CareStatus.LEFT_BEHIND, Child.CareStatus.VULNERABLE])
               .values_list("pk", flat=True))


def birth_and_school(child_ids: Iterable[int]) -> dict[int, tuple[dt.date, int | None]]:
    """Each child's birth date and school (None when not at school), in one read."""
    return {pk: (birth, school) for pk, birth, school in
            Child.objects.filter(pk__in=list(child_ids)).values_list("pk", "birth_date", "school_id")}


def enrolled_counts(school_ids: list[int]) -> dict[int, int]:
    """Pupils enrolled at each school (children with a class there)."""
    return dict(Child.objects.filter(school_id__in=school_ids, school_class__isnull=False).values("school_id")
                .annotate(n=Count("id")).values_list("school_id", "n"))


def school_of(child_id: int) -> tuple[int, str] | None:
    """The child's school (id, code), or None for a child not at school."""
    row = Child.objects.filter(pk=child_id, school__isnull=False).values_list("school_id", "school__code").first()
    return (row[0], row[1]) if row else None


def home_path(child_id: int) -> str:
    """Where a child lives (the family's community path), else where it goes to school; "" if neither is known."""
    row = Child.objects.filter(pk=child_id).values_list("family__community__path", "school__region__path").first()
    return (row[0] or row[1] or "") if row else ""


@dataclass(frozen=True)
class CarerView:
    """A parent or carer as the care file shows them (P-07, P-13)."""

    guardian_id: int
    name: str
    relationship: str  # label
    phone: str  # full or masked, as the reader may see it
    works_away: bool
    work_city: str
    workplace: str
    away_since: dt.date | None
    status: str  # label
    capable: bool
    age: int | None
    health: str
    address: str  # full or masked
    lives_with_child: bool


def carers_of(child_id: int, *, full: bool, on: dt.date) -> list[CarerView]:
    """A child's parents and carers for the care file; `full` shows phones and addresses in full (the caller
    decides from `orgs.scope`), else masked."""
    links = Guardianship.objects.filter(child_id=child_id).select_related("guardian").order_by("-is_primary", "id")
    return [CarerView(
        guardian_id=g.guardian_id, name=g.guardian.name, relationship=g.get_relationship_display(),
        phone=g.guardian.phone if full else mask_phone(g.guardian.phone), works_away=g.guardian.works_away,
        work_city=g.guardian.work_city, workplace=g.guardian.workplace, away_since=g.guardian.away_since,
        status=g.guardian.get_status_display(), capable=g.guardian.capable,
        age=on.year - g.guardian.birth_year if g.guardian.birth_year else None, health=g.guardian.health,
        address=g.guardian.address if full else mask_address(g.guardian.address), lives_with_child=g.lives_with_child,
    ) for g in links]


@dataclass(frozen=True)
class Contact:
    """A parent or carer on a handover list: who, how to reach them, whether they are at home."""

    relationship: str  # label
    name: str
    phone: str  # full or masked, as the caller decides
    works_away: bool
    work_city: str
    lives_with_child: bool


def contacts_of(child_ids: Iterable[int], *, full: set[int]) -> dict[int, list[Contact]]:
    """The parents and carers of many children in one read, those living with the child first; phones in full
    only for the children in `full` (the caller asks `orgs.scope`)."""
    found: dict[int, list[Contact]] = defaultdict(list)
    links = (Guardianship.objects.filter(child_id__in=list(child_ids)).select_related("guardian")
             .order_by("child_id", "-lives_with_child", "-is_primary", "id"))
    for g in links:
        phone = g.guardian.phone if g.child_id in full else g.guardian.phone_masked
        found[g.child_id].append(Contact(g.get_relationship_display(), g.guardian.name, phone, g.guardian.works_away,
                                         g.guardian.work_city, g.lives_with_child))
    return found


def person_label(relationship: str, name: str) -> str:
    """「父亲张伟」, 「李秀英（祖父母/外祖父母）」: how the care line names a parent or carer."""
    label = Guardianship.Relationship(relationship).label if relationship in Guardianship.Relationship.values else ""
    if relationship in (Guardianship.Relationship.FATHER, Guardianship.Relationship.MOTHER):
        return f"{label}{name}"
    return f"{name}（{label}）" if label else name


# How a choice on a phone's narrow select names a carer's relationship.
_SHORT_RELATIONSHIP: dict[str, str] = {Guardianship.Relationship.GRANDPARENT: "祖辈",
                                        Guardianship.Relationship.RELATIVE: "亲属",
                                        Guardianship.Relationship.ENTRUSTED: "受托监护人"}


def guardian_choices(child_id: int) -> list[tuple[int, str]]:
    """A child's parents and carers to pick from when recording a change (guardian id, 「父亲张伟（外出务工）」),
    main carer first; no personal number read."""
    out = []
    for guardian_id, relationship, name, away, capable, status, primary in (
            Guardianship.objects.filter(child_id=child_id).order_by("-is_primary", "id").values_list(
                "guardian_id", "relationship", "guardian__name", "guardian__works_away", "guardian__capable",
                "guardian__status", "is_primary")):
        parent = relationship in (Guardianship.Relationship.FATHER, Guardianship.Relationship.MOTHER)
        state = ([] if parent else [_SHORT_RELATIONSHIP.get(relationship, "")]) + (
            [Guardian.Status(status).label] if status != Guardian.Status.PRESENT else
            ["主要照料人"] * primary + ["外出务工"] * away + ["无监护能力"] * (not capable))
        out.append((guardian_id, (f"{Guardianship.Relationship(relationship).label}{name}" if parent else name)
                    + (f"（{'，'.join(state)}）" if state else "")))
    return out


def classmates(user, school_class_id: int) -> QuerySet:
    """The pupils of a class that the user may see, in the list's order."""
    return scope.children(user).filter(school_class_id=school_class_id).order_by("initials", "pk")


@dataclass(frozen=True)
class ExchangePerson:
    relationship: str
    name: str
    phone: str
    work_city: str
    works_away: bool
    away_since: dt.date | None
    birth_year: int | None
    health: str


@dataclass(frozen=True)
class ExchangeChild:
    """What the ledger's exchange file carries of a child from the registry."""

    child_id: int
    name: str
    gender: str
    id_number: str  # in full or masked, as the reader may see it
    school: str
    class_year: int | None
    class_number: int | None
    address: str
    health: str
    people: tuple[ExchangePerson, ...]


def exchange_children(child_ids: list[int], *, full: set[int]) -> list[ExchangeChild]:
    """The registry's side of the ledger's exchange file for these children, in the list's order; ID numbers,
    phones and addresses in full only for the children in `full` (decided by the caller from `orgs.scope`)."""
    people: dict[int, list[ExchangePerson]] = defaultdict(list)
    for start in range(0, len(child_ids), 20_000):
        for link in Guardianship.objects.filter(child_id__in=child_ids[start:start + 20_000]).select_related(
                "guardian").order_by("child_id", "-is_primary", "id"):
            g = link.guardian
            shown = link.child_id in full
            people[link.child_id].append(ExchangePerson(
                link.relationship, g.name, g.phone if shown else g.phone_masked, g.work_city, g.works_away,
                g.away_since, g.birth_year, g.health))
    out = []
    for start in range(0, len(child_ids), 20_000):
        for c in (Child.objects.filter(pk__in=child_ids[start:start + 20_000])
                  .select_related("school", "school_class__grade", "family")
                  .order_by("school_class__grade__school_id", "school_class__grade__year", "school_class__number",
                            "initials", "pk")):
            shown = c.pk in full
            out.append(ExchangeChild(
                c.pk, c.name, c.gender, c.id_number if shown else c.id_masked, c.school.name if c.school else "",
                c.school_class.grade.year if c.school_class else None,
                c.school_class.number if c.school_class else None,
                c.family.address if shown else mask_address(c.family.address), c.health_notes,
                tuple(people.get(c.pk, ()))))
    return out


def children_by_ids(child_ids: Iterable[int]) -> QuerySet:
    """A queryset of these children (for `orgs.scope`'s capability checks over another app's list)."""
    return Child.objects.filter(pk__in=list(child_ids))


@dataclass(frozen=True)
class GuardianAddress:
    child_id: int
    label: str              # 「母亲王芳」, as the care line names a carer
    phone: str              # in full: only for messages the platform sends itself, never shown
    user_id: int | None     # the guardian's own login, if any


def guardians_to_notify(child_ids: Iterable[int], *, phones: bool = True) -> dict[int, list[GuardianAddress]]:
    """For messages the platform sends about a child (a missing child, a late pick-up, an absence): the main
    guardian and those living with the child who have a phone or a login, at most two a child, the main one first;
    one read.
    Without `phones` (no SMS to send) nothing is decrypted and the phones come back empty."""
    found: dict[int, list[GuardianAddress]] = defaultdict(list)
    links = (Guardianship.objects.filter(child_id__in=list(child_ids))
             .filter(Q(is_primary=True) | Q(lives_with_child=True))
             .filter(~Q(guardian__phone_hash="") | Q(guardian__user__isnull=False))
             .filter(guardian__status=Guardian.Status.PRESENT)
             .order_by("child_id", "-is_primary", "-lives_with_child", "id")
             .values_list("child_id", "relationship", "guardian__name",
                          "guardian__phone" if phones else "guardian__phone_hash", "guardian__user_id"))
    for child_id, relationship, name, phone, user_id in links:
        phone = phone if phones else ""
        if len(found[child_id]) < 2:
            found[child_id].append(GuardianAddress(child_id, person_label(relationship, name), phone, user_id))
    return found


def child_by_id_number(number: str, name: str) -> int | None:
    """The registered child with this full ID number (matched by its keyed hash) and this name, or None: for a
    service that takes a child by the number and name a parent shows (a nursery's contract, its waiting list)
    without opening the child's record to the one asking."""
    number = normalize_id_number(number or "")
    if not _FULL_ID.fullmatch(number):
        return None
    return Child.objects.filter(id_hash=lookup_hash(number), name=(name or "").strip()).values_list(
        "pk", flat=True).first()


@dataclass(frozen=True)
class InfantHousehold:
    """A household with a child born in a window (the nursery's 15-minute circle, N-10): its community, where it
    lives (None until placed) and its children's birth dates in the window."""

    family_id: int
    community_id: int
    latitude: Decimal | None
    longitude: Decimal | None
    births: tuple[dt.date, ...]


def infant_households(community_ids: Iterable[int], *, born_after: dt.date, born_until: dt.date) -> list[InfantHousehold]:
    """Households of these communities with a child born after `born_after` and on or before `born_until`, in
    family order. No name, no number: only where they live and when the children were born."""
    births: dict[int, list[dt.date]] = {}
    facts: dict[int, tuple[int, Decimal | None, Decimal | None]] = {}
    rows = (Child.objects.filter(family__community_id__in=list(community_ids), birth_date__gt=born_after,
                                 birth_date__lte=born_until)
            .values_list("family_id", "family__community_id", "family__latitude", "family__longitude", "birth_date")
            .order_by("family_id", "birth_date"))
    for family_id, community_id, lat, lon, birth in rows:
        births.setdefault(family_id, []).append(birth)
        facts[family_id] = (community_id, lat, lon)
    return [InfantHousehold(family_id=f, community_id=facts[f][0], latitude=facts[f][1], longitude=facts[f][2],
                            births=tuple(births[f])) for f in sorted(births)]


def unplaced_households() -> list[tuple[int, int]]:
    """(family id, community id) of the households with no position yet, in family order."""
    return list(Family.objects.filter(latitude__isnull=True).order_by("pk").values_list("pk", "community_id"))


# ---------------------------------------------------------------- one community's household positions (N-10)
# A household's position is set by the community's own children's worker (社区（村）儿童主任), standing at or knowing
# the house, or by the administrator; the township and the county offices read the list (who is placed, who not)
# as far as the registry lets them see the households, never the positions themselves.
LOCATOR_ROLES = frozenset({Role.ADMIN, Role.COMMUNITY_WORKER})


def locatable_families(actor) -> QuerySet:
    """The households whose position the actor may set: those with a child living in the actor's community."""
    children = Child.objects.filter(scope.child_q(actor, roles_allowed=LOCATOR_ROLES)).values("family_id")
    return Family.objects.filter(pk__in=children)


def may_locate_in(actor, community_id: int) -> bool:
    """Whether the actor sets the positions of this community's households (its worker, or the administrator)."""
    if Role.ADMIN in scope.roles(actor):
        return True
    return any(a.role == Role.COMMUNITY_WORKER and a.region_id == community_id for a in scope.assignments(actor))


@dataclass(frozen=True)
class HouseholdPosition:
    """A household with an infant in one community, as the position page lists it: who (the head of household and
    the address, masked unless the reader sees numbers in full), the infants' birth dates, whether it is placed and,
    for the one who sets it only, where."""

    family_id: int
    head_name: str
    address: str
    births: tuple[dt.date, ...]
    placed: bool
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def household_positions(user, community_id: int, *, born_after: dt.date, born_until: dt.date,
                        ) -> list[HouseholdPosition]:
    """The community's households with a child born in the window that the user's registry scope shows, the
    unplaced first, then in family order. Positions are given only to those who set them (one audit entry a page
    that shows them)."""
    editor = may_locate_in(user, community_id)
    families = scope.families(user, Family.objects.filter(community_id=community_id))
    rows = (Child.objects.filter(family__in=families, birth_date__gt=born_after, birth_date__lte=born_until)
            .values_list("family_id", "birth_date").order_by("family_id", "birth_date"))
    births: dict[int, list[dt.date]] = {}
    for family_id, birth in rows:
        births.setdefault(family_id, []).append(birth)
    full = set(Child.objects.filter(scope.child_q(user, roles_allowed=scope.FULL_ID_ROLES),
                                    family_id__in=list(births)).values_list("family_id", flat=True))
    out = []
    for f in Family.objects.filter(pk__in=list(births)).order_by("pk"):
        placed = f.latitude is not None and f.longitude is not None
        out.append(HouseholdPosition(
            family_id=f.pk, head_name=f.head_name or "（未登记户主）",
            address=(f.address if f.pk in full else mask_address(f.address)) or "未登记住址",
            births=tuple(births[f.pk]), placed=placed,
            latitude=f.latitude if editor and placed else None, longitude=f.longitude if editor and placed else None))
    out.sort(key=lambda h: (h.placed, h.family_id))
    if editor and any(h.placed for h in out):
        record(user, AuditEntry.Action.VIEW, None, fields=["latitude", "longitude"],
               target_repr=f"家庭住址位置（{sum(h.placed for h in out)} 户）")
    return out
