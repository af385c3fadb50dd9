"""Template context shared by every page."""

from django.conf import settings

from events.permissions import is_editor


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "user_is_editor": bool(user and is_editor(user)),
    }
