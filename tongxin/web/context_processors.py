from django.conf import settings
from django.utils.functional import SimpleLazyObject

from tongxin.orgs import scope

from .navigation import nav_for


def site(request):
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "user_roles": scope.roles(user) if authenticated else set(),
        "nav_links": SimpleLazyObject(lambda: nav_for(user)) if authenticated else [],
    }
