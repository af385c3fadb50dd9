"""Who may use the API: reads as on the pages (a role, or anyone when allowed), writes for editors.

Kept apart from modules importing ``rest_framework.views``, which reads this class from the
settings when it is imported.
"""

from rest_framework import permissions

from events.permissions import can_read, is_editor


class ReadOrEditorPermission(permissions.BasePermission):
    """Reads for analysts and editors (anyone when ``ANONYMOUS_READ``); writes for editors."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            self.message = "Reading needs the analysts' or editors' role."
            return can_read(request.user)
        self.message = "Only editors can change the knowledge base."
        return is_editor(request.user)
