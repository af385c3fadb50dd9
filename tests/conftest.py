"""Shared fixtures: the test database holds the real gazetteer and registry, and named users.

The gazetteer (GeoNames cities500) is loaded once per test database; run pytest with
``--reuse-db`` while developing to keep it between runs.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connections
from django.test import TransactionTestCase

from events.permissions import ANALYSTS_GROUP, EDITORS_GROUP

# Reference data loaded once per test database (the gazetteer, the registry, the roles).
# Transactional tests (live server, real workers) would otherwise flush it with every other
# table: their teardown empties the other tables and removes only the rows tests added here.
# Listed children first, so that deleting added rows never trips a foreign key.
REFERENCE_TABLES = (
    "events_accord_parties", "events_accord_guarantors", "events_accord_places",
    "events_actorsupport", "events_accord", "events_actor", "events_place",
    "events_gazetteerload",
    "auth_group_permissions", "auth_group", "auth_permission", "django_content_type",
    "django_migrations",
)
_reference_max_ids: dict[str, dict[str, int]] = {}


def _remember_reference_rows(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        ids = {}
        for table in REFERENCE_TABLES:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
            ids[table] = cursor.fetchone()[0]
    _reference_max_ids[alias] = ids


def _fixture_teardown_keeping_reference_data(self):
    for alias in self._databases_names(include_mirrors=False):
        connection = connections[alias]
        others = [t for t in connection.introspection.django_table_names(
            only_existing=True, include_views=False) if t not in REFERENCE_TABLES]
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in others) + " CASCADE")
            for table, max_id in _reference_max_ids.get(alias, {}).items():
                cursor.execute(f'DELETE FROM "{table}" WHERE id > %s', [max_id])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_gazetteer", if_empty=True, verbosity=0)
        call_command("load_registry", verbosity=0)
        _remember_reference_rows("default")
    original = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = _fixture_teardown_keeping_reference_data
    yield
    TransactionTestCase._fixture_teardown = original


def _user(django_user_model, username, group=None, **extra):
    user = django_user_model.objects.create_user(username=username, password="pw-" + username,
                                                 **extra)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
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
