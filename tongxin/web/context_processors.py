from django.conf import settings

from tongxin.orgs import scope


def site(request):
    user = getattr(request, "user", None)
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "user_roles": scope.roles(user) if user is not None and user.is_authenticated else set(),
    }
