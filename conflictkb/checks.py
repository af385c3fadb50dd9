"""Deployment checks of our own (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_is_not_the_example(app_configs=None, **kwargs):
    """The placeholder of .env.example is public: a deployment must set its own key."""
    if settings.SECRET_KEY.startswith("change-me"):
        return [Error("SECRET_KEY is still the placeholder of .env.example.",
                      hint="Set it to a long random string, e.g. python -c 'import secrets; "
                           "print(secrets.token_urlsafe(50))'.", id="conflictkb.E001")]
    return []
