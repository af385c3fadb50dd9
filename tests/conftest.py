"""Shared fixtures: the test database holds the real gazetteer and registry, and named users.

The gazetteer (GeoNames cities500) is loaded once per test database; run pytest with
``--reuse-db`` while developing to keep it between runs.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from events.permissions import ANALYSTS_GROUP, EDITORS_GROUP


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_gazetteer", if_empty=True, verbosity=0)
        call_command("load_registry", verbosity=0)


def _user(django_user_model, username, group=None, **extra):
    user = django_user_model.objects.create_user(username=username, password="pw-" + username,
                                                 **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def analyst(db, django_user_model):
    return _user(django_user_model, "ana", ANALYSTS_GROUP)


@pytest.fixture
def editor(db, django_user_model):
    return _user(django_user_model, "eddie", EDITORS_GROUP)


@pytest.fixture
def outsider(db, django_user_model):
    return _user(django_user_model, "otto")


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser(username="root", password="pw-root",
                                                      email="root@example.org")
