"""Per-client request rates, read from ``settings.API_THROTTLE_RATES``."""

from django.conf import settings
from rest_framework import throttling


class _SettingsRate:
    """Reads the rate when a request comes, so a settings change applies without a restart."""

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)


class UserThrottle(_SettingsRate, throttling.UserRateThrottle):
    pass


class AnonThrottle(_SettingsRate, throttling.AnonRateThrottle):
    pass
