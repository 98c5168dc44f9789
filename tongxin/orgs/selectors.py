import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from . import scope
from .models import Region, Role, RoleAssignment, School, SchoolClass, Site, User, grade_label


def custody_venues() -> QuerySet[Site]:
    """Places that can host custody: every site except childcare centres and points, whose rooms and licensed
    places belong to the 0–3 line (a community programme must not take its centre as a classroom)."""
    return Site.objects.exclude(kind=Site.Kind.NURSERY)


def visible_classes(user) -> QuerySet:
    """Classes that hold at least one child the user may see (for list filters), asked of the classes."""
    return scope.classes(user, SchoolClass.objects.select_related("grade", "school"))


def describe_assignments(user) -> list[dict]:
    rows = [{"role": a.role, "role_label": a.get_role_display(), "scope": a.scope_label} for a in scope.assignments(user)]
    if Role.PARENT in scope.roles(user) and not any(r["role"] == Role.PARENT for r in rows):
        rows.append({"role": Role.PARENT, "role_label": Role.PARENT.label, "scope": "本人子女"})
    if user.is_superuser and not any(r["role"] == Role.ADMIN for r in rows):
        rows.append({"role": Role.ADMIN, "role_label": Role.ADMIN.label, "scope": "全部"})
    return rows


def staff_near(*, school_id: int | None, area_path: str, roles: frozenset[str]) -> list[tuple[int, str]]:
    """Active people holding one of `roles` at this school or over this area (a township's or village's staff,
    volunteers attached to a region that holds the area): (user id, "姓名（角色·范围）"), for choosing a helper."""
    prefixes = [area_path[:i + 1] for i, ch in enumerate(area_path) if ch == "/" and i > 0]
    found = (RoleAssignment.objects.filter(active=True, user__is_active=True, role__in=roles)
             .filter(Q(school_id=school_id, school_id__isnull=False)
                     | Q(school_class__school_id=school_id, school_class__isnull=False)
                     | Q(region__path__in=prefixes) | Q(region__path__startswith=area_path or "-"))
             .select_related("user", "region", "school", "school_class__grade")
             .order_by("user__real_name", "user__username", "role"))
    choices: dict[int, str] = {}
    for a in found:
        name = a.user.display_name
        label = f"{a.get_role_display()}·{a.scope_label}" if a.scope_label else a.get_role_display()
        choices[a.user_id] = f"{choices[a.user_id]}；{label}" if a.user_id in choices else f"{name}（{label}"
    return [(pk, text + "）") for pk, text in choices.items()]


def county_path(path: str) -> str:
    """The county of a region path: "/c/t/v/" -> "/c/" (the county is the tree's first level); "" for ""."""
    parts = [p for p in path.split("/") if p]
    return f"/{parts[0]}/" if parts else ""


def township_of(path: str) -> Region | None:
    """The township (or street) a region path lies in: "/c/t/v/" -> the region "/c/t/"; None above that level."""
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2:
        return None
    return Region.objects.filter(path=f"/{parts[0]}/{parts[1]}/", level=Region.Level.TOWNSHIP).first()


def users_holding(role: str, *, region_path: str) -> list[tuple[int, str]]:
    """Active people holding `role` over exactly this region: (user id, name), by name."""
    found = (RoleAssignment.objects.filter(active=True, user__is_active=True, role=role, region__path=region_path)
             .select_related("user").order_by("user__first_name", "user__username"))
    seen: dict[int, str] = {}
    for a in found:
        seen.setdefault(a.user_id, a.user.display_name)
    return list(seen.items())


def schools_in_area(user) -> list[School]:
    """The schools standing in the areas the user oversees (a township officer's township, a county bureau's
    county; every school for the administrator; a school leader's own school), by name."""
    if getattr(user, "is_superuser", False) or any(a.role == Role.ADMIN for a in scope.assignments(user)):
        return list(School.objects.order_by("name"))
    q = Q(pk__in=[])
    for a in scope.assignments(user):
        if a.role in (Role.TOWNSHIP_OFFICER, Role.COUNTY_EDU, Role.COUNTY_CIVIL):
            q |= Q(region__path__startswith=a.area.path)
        elif a.role == Role.SCHOOL_LEADER and a.school_id:
            q |= Q(pk=a.school_id)
    return list(School.objects.filter(q).order_by("name"))


def county_paths(user) -> list[str]:
    """The county paths the user's assignments lie in (every county for the administrator)."""
    if getattr(user, "is_superuser", False) or any(a.role == "admin" for a in scope.assignments(user)):
        return list(Region.objects.filter(level=Region.Level.COUNTY).values_list("path", flat=True))
    paths = set()
    for a in scope.assignments(user):
        place = (a.school_class.school.region if a.school_class else a.school.region if a.school
                 else a.site.region if a.site else a.region)
        if place is not None:
            paths.add(county_path(place.path))
    return sorted(paths)


def classes_by_label(county_paths: list[str]) -> dict[tuple[str, str], tuple[int, int, str]]:
    """Every class of the counties' schools by (school name, class label): (school id, class id, school's area path)."""
    q = Q(pk__in=[])
    for path in county_paths:
        q |= Q(school__region__path__startswith=path)
    rows = SchoolClass.objects.filter(q).values_list("pk", "school_id", "school__name", "grade__year", "number",
                                                     "school__region__path")
    return {(name, f"{grade_label(year)}（{number}）班"): (school, pk, path) for pk, school, name, year, number, path in rows}


def communities_of(county_paths: list[str]) -> list[tuple[int, str, str, str]]:
    """Every community or village of the counties: (id, name, its township's name, path), longest names first
    (so 石门村 is found before 石门 when an address is matched)."""
    q = Q(pk__in=[])
    for path in county_paths:
        q |= Q(path__startswith=path)
    rows = Region.objects.filter(q, level=Region.Level.COMMUNITY).values_list("pk", "name", "parent__name", "path")
    return sorted(rows, key=lambda r: -len(r[1]))


def users_with_role(role: str) -> list[int]:
    """The active people holding `role` anywhere (user ids)."""
    return list(RoleAssignment.objects.filter(role=role, active=True, user__is_active=True)
                .values_list("user_id", flat=True).distinct())


def class_teachers(class_ids: list[int]) -> dict[int, list[tuple[int, str, dt.date]]]:
    """Each class's active class teachers: {class id: [(user id, display name, since)]}."""
    found: dict[int, list[tuple[int, str, dt.date]]] = {}
    for class_id, user_id, real_name, username, created in RoleAssignment.objects.filter(
            role=Role.CLASS_TEACHER, active=True, user__is_active=True, school_class_id__in=class_ids).values_list(
            "school_class_id", "user_id", "user__real_name", "user__username", "created_at"):
        found.setdefault(class_id, []).append((user_id, real_name or username, created.date()))
    return found


def subject_teachers(class_ids: list[int]) -> dict[int, list[tuple[int, str, dt.date]]]:
    """Each class's active subject teachers (任课教师): {class id: [(user id, display name, since)]}, by name."""
    found: dict[int, list[tuple[int, str, dt.date]]] = {}
    for class_id, user_id, real_name, username, created in RoleAssignment.objects.filter(
            role=Role.SUBJECT_TEACHER, active=True, user__is_active=True, school_class_id__in=class_ids).order_by(
            "user__real_name", "user__username").values_list(
            "school_class_id", "user_id", "user__real_name", "user__username", "created_at"):
        found.setdefault(class_id, []).append((user_id, real_name or username, created.date()))
    return found


def display_names(user_ids: Iterable[int]) -> dict[int, str]:
    return {pk: real or username for pk, real, username in
            User.objects.filter(pk__in=list(user_ids)).values_list("pk", "real_name", "username")}


def school_places(school_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Each school's name and the name of the township it stands in."""
    return {pk: (name, township or "") for pk, name, township in
            School.objects.filter(pk__in=list(school_ids)).values_list("pk", "name", "region__parent__name")}


def school_paths(school_ids: Iterable[int]) -> dict[int, str]:
    """Each school's area path (the region it stands in)."""
    return dict(School.objects.filter(pk__in=list(school_ids)).values_list("pk", "region__path"))


def school_of_class(class_id: int) -> int | None:
    return SchoolClass.objects.filter(pk=class_id).values_list("school_id", flat=True).first()
