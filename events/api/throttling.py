"""Per-client request rates, read from ``settings.API_THROTTLE_RATES``."""

from django.conf import settings
from rest_framework import throttling


class _SettingsRate:
    """Reads the rate when a request comes, so a settings change applies without a restart."""

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)


class UserThrottle(_SettingsRate, throttling.UserRateThrottle):
    """Signed-in clients, by user.

    Anonymous clients are left to ``AnonThrottle`` (by IP, at the anonymous rate), as
    docs/api.md says: DRF's class would count them a second time, by IP at the users'
    rate, which cost two more cache round trips on every anonymous request.
    """

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class AnonThrottle(_SettingsRate, throttling.AnonRateThrottle):
    pass
