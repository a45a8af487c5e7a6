"""Exactly once, by a unique constraint: insert rows, skip the ones that already exist, and
learn which were inserted now (those are what must be acted on: a reminder to send, say).

Hand-written SQL because the ORM's ``bulk_create(ignore_conflicts=True)`` cannot say which
rows it inserted. One ``INSERT … ON CONFLICT DO NOTHING RETURNING``: of concurrent tries one
inserts a row, the others wait for its commit and skip it (PostgreSQL; SQLite serialises
writers and supports the same statement)."""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def insert_new(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: str,
) -> list[Any]:
    """Insert ``rows`` (values for ``columns``, database column names) into ``model``'s table,
    skipping conflicts; the ``returning`` column of each row inserted now."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    params: list[Any] = [value for row in rows for value in row]
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES {', '.join([placeholders] * len(rows))} "
        f"ON CONFLICT DO NOTHING RETURNING {quote(returning)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
