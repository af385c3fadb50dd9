"""Role checks for the pages: analysts read, editors review and correct.

Anonymous visitors are sent to the log-in page; signed-in users without the role get
403, so an outsider learns nothing by being redirected in a loop. Reading follows
``events.permissions.can_read``, as the API does (anonymous reading is a setting).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from events.permissions import can_read, is_editor


def _role_required(check):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if check(request.user):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied("Your account does not have the role this page needs.")
        return wrapper
    return decorator


analyst_required = _role_required(can_read)
editor_required = _role_required(is_editor)
