from django.db.models import QuerySet

from . import scope
from .models import Role, SchoolClass


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
