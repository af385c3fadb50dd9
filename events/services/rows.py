"""Many rows written by one statement, without model instances (the pipeline's save).

``bulk_create`` builds a model instance per row and prepares every value of every row
through its field (~30 us a row); the pipeline writes ~100 rows an article that nothing
reads back. ``rows_insert`` sends the columns as arrays to PostgreSQL's ``unnest``, as
``bulk_create`` itself does on PostgreSQL, and its SQL is built once per table and
columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connection, models
from django.db.models.fields.json import JSONField
from django.utils import timezone
from psycopg.types.json import Jsonb


@cache
def _insert_sql(model: type[models.Model], columns: tuple[str, ...]) -> tuple[str, tuple]:
    """The INSERT for ``columns`` (attnames) of ``model``, and which of them are JSON."""
    opts = model._meta
    fields = [opts.get_field(name) for name in columns]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # Without length: values are not truncated, an over-long one fails as in an INSERT.
    arrays = ", ".join(f"(%s)::{f.db_type(connection).split('(')[0]}[]" for f in fields)
    json = tuple(isinstance(f, JSONField) for f in fields)
    return (f"INSERT INTO {connection.ops.quote_name(opts.db_table)} ({names}) "
            f"SELECT * FROM unnest({arrays})"), json


def rows_insert(model: type[models.Model], columns: Sequence[str],
                rows: Sequence[Sequence]) -> int:
    """Insert ``rows`` (tuples of values in the order of ``columns``, attnames such as
    ``article_id``) into ``model``'s table in one statement; returns how many.

    Values go to the database as they are: ids for foreign keys, plain Python values
    otherwise (JSON columns take dicts and lists). Fields left out take their database
    default, or NULL; ``created_at`` (auto_now_add) is filled in when the model has it.
    """
    if not rows:
        return 0
    columns = tuple(columns)
    auto_now = [f.attname for f in model._meta.concrete_fields
                if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)]
    missing = [name for name in auto_now if name not in columns]
    if missing:
        now = timezone.now()
        columns += tuple(missing)
        rows = [(*row, *(now for _ in missing)) for row in rows]
    sql, json = _insert_sql(model, columns)
    arrays = [list(values) for values in zip(*rows, strict=True)]
    for i, is_json in enumerate(json):
        if is_json:
            arrays[i] = [None if v is None else Jsonb(v) for v in arrays[i]]
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
    return len(rows)
