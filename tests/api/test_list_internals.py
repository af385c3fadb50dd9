"""The list's and the map's fast paths give what the plain ones give.

The events page reads its rows through statements prepared once per connection, its
timestamps written by a loader of their own, its filter set copied without deep copies;
the control map rounds coordinates by a shortcut. Each is held here to the plain way.
"""

import datetime as dt
import math

import pytest
from django.db import connection, transaction
from django.utils import timezone
from psycopg.pq import Format

from events.api import event_serializers
from events.api.event_serializers import (
    _TIMESTAMPTZ_OID,
    EventSerializer,
    _datetime,
    _utc_text_loader,
)
from events.api.event_views import APIEventFilterSet
from events.api.serializers import _rounded
from events.models import Event

URL = "/api/v1/events/"


def _prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_rows_through_prepared_statements_are_the_plain_ones(api, world):
    """Outside a transaction the rows come from statements prepared once per connection;
    when the session lost them (a pooler, DISCARD ALL), from the plain statements again."""
    with transaction.atomic():  # inside a transaction: the plain statements
        plain = api.get(URL, {"limit": 500}).json()
    assert len(plain["results"]) >= 3
    assert api.get(URL, {"limit": 500}).json() == plain  # prepares, then executes
    assert {f"ckb_event_list_{n}" for n in range(4)} <= _prepared_names()
    assert event_serializers._PREPARED[connection.connection] is True
    assert api.get(URL, {"limit": 500}).json() == plain

    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert api.get(URL, {"limit": 500}).json() == plain
    assert event_serializers._PREPARED[connection.connection] is False
    assert api.get(URL, {"limit": 500}).json() == plain


@pytest.mark.parametrize("text", [
    "2024-01-02 03:04:05+00", "2024-01-02 03:04:05.1+00", "2024-01-02 03:04:05.123456+00",
    "2024-01-02 03:04:05.000001+00", "0999-12-31 23:59:59.5+00", "2024-02-29 00:00:00+00",
])
def test_timestamps_are_written_as_the_serializer_writes_them(db, text):
    """Postgres's text of a timestamp, turned into the API's straight away, is what the
    serializer writes of the datetime Django's loader makes of it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [text])
        value = cursor.fetchone()[0]
        adapters = cursor.cursor.adapters
        base = adapters.get_loader(_TIMESTAMPTZ_OID, Format.TEXT)
        adapters.register_loader(_TIMESTAMPTZ_OID, _utc_text_loader(base))
        cursor.execute("SELECT %s::timestamptz", [text])
        written = cursor.fetchone()[0]
    assert isinstance(written, str)
    assert written == _datetime(value, dt.UTC)


def test_timestamps_in_another_session_time_zone_are_left_to_djangos_loader(db):
    query = "SELECT '2024-01-02 03:04:05.25+00'::timestamptz"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'Asia/Damascus'")
        cursor.execute(query)
        djangos = cursor.fetchone()[0]
        adapters = cursor.cursor.adapters
        base = adapters.get_loader(_TIMESTAMPTZ_OID, Format.TEXT)
        adapters.register_loader(_TIMESTAMPTZ_OID, _utc_text_loader(base))
        cursor.execute(query)
        value = cursor.fetchone()[0]
    assert isinstance(value, dt.datetime)
    assert value == djangos


def test_list_timestamps_in_another_time_zone_are_the_serializers(api, world):
    with timezone.override("Asia/Damascus"):
        rows = {row["id"]: row for row in api.get(URL).json()["results"]}
        event = Event.objects.get(pk=world["captured"].pk)
        expected = EventSerializer(event).data
    assert rows[event.pk]["created_at"] == expected["created_at"]
    assert rows[event.pk]["created_at"].endswith(("+02:00", "+03:00"))
    assert rows[event.pk]["evidence"][0]["article"]["published_at"] == (
        expected["evidence"][0]["article"]["published_at"])


@pytest.mark.parametrize("digits", [3, 6])
def test_rounding_shortcut_is_round(digits):
    values = [0.0, -0.0, 36.8, 35.86, 38.11984, -179.999999, 180.0, 0.1234565, 2.675,
              0.87, 0.875, 0.8751, 1e-7, 123456789.123456, 1e12 + 0.5, 1e300,
              math.inf, -math.inf]
    values += [n / 10 ** digits + shift for n in range(-2000, 2000, 7)
               for shift in (0.0, 0.5 / 10 ** digits, -0.5 / 10 ** digits, 1e-9)]
    for value in values:
        assert repr(_rounded(value, 10.0 ** digits, digits)) == repr(round(value, digits))
    assert math.isnan(_rounded(math.nan, 10.0 ** digits, digits))


def test_filter_sets_share_no_filter_nor_field(db):
    one = APIEventFilterSet({"country": "sy", "type": ["battle"]}, queryset=Event.objects.all())
    two = APIEventFilterSet({"country": "iq"}, queryset=Event.objects.all())
    for name in one.filters:
        assert one.filters[name] is not two.filters[name]
        assert one.filters[name].parent is one and two.filters[name].parent is two
        assert one.filters[name].extra is not two.filters[name].extra
    # A method filter calls its own filter set's method.
    assert one.filters["accord"].filter.f is one.filters["accord"]
    assert one.is_valid() and two.is_valid()
    assert one.form.fields["type"] is not two.form.fields["type"]
    assert one.form.fields["type"].widget is not two.form.fields["type"].widget
    assert "SY" in one.qs.query.sql_with_params()[1]
    assert "IQ" in two.qs.query.sql_with_params()[1]
