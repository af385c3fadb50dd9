"""Roles: analysts read, editors review and correct, admins manage everything.

Roles are Django groups (created by a migration) so that an admin can grant them in the
admin; superusers have every role. One model for the pages and the API: ``can_read`` is
the rule both ask (``events.views.access``, ``events.api.permissions``).
"""

from django.conf import settings

ANALYSTS_GROUP = "analysts"
EDITORS_GROUP = "editors"


def _in_group(user, group: str) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_ckb_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._ckb_groups = cache
    return group in cache


def is_editor(user) -> bool:
    return _in_group(user, EDITORS_GROUP)


def is_analyst(user) -> bool:
    """Analysts read; editors can do everything analysts can."""
    return _in_group(user, ANALYSTS_GROUP) or is_editor(user)


def can_read(user) -> bool:
    """Reading needs a role (analyst or editor), unless ``ANONYMOUS_READ`` opens it to all."""
    return settings.ANONYMOUS_READ or is_analyst(user)


def can_see_authors(user) -> bool:
    """Who made an edit (a user name) is shown to editors only."""
    return is_editor(user)
