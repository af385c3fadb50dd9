"""Who may use the API: reads for signed-in users (anonymous ones if allowed), writes for editors.

Kept apart from modules importing ``rest_framework.views``, which reads this class from the
settings when it is imported.
"""

from django.conf import settings
from rest_framework import permissions

from events.permissions import is_editor


class ReadOrEditorPermission(permissions.BasePermission):
    """Reads for signed-in users (anonymous too when the setting allows); writes for editors."""

    message = "Only editors can change the knowledge base."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            user = request.user
            return bool(settings.API_ALLOW_ANONYMOUS_READ or (user and user.is_authenticated))
        return is_editor(request.user)
