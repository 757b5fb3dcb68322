"""Writing many rows' new values in one statement (the daily run of care plans):
`UPDATE … FROM (VALUES …)` through the ORM's connection, for rows the caller has locked."""

from collections.abc import Sequence

from django.db import connection


def update_from_values(
    model, columns: Sequence[str], rows: Sequence[tuple], *, types: Sequence[str]
) -> int:
    """Set `columns` of `model`'s rows to the values given, one row per tuple (its primary
    key first, then the columns' values, cast to `types`). One statement however many
    rows; returns how many were updated."""
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    names = [connection.ops.quote_name(model._meta.get_field(c).column) for c in columns]
    pk = connection.ops.quote_name(model._meta.pk.column)
    one = "(" + ", ".join(["%s::bigint"] + [f"%s::{t}" for t in types]) + ")"
    values = ", ".join([one] * len(rows))
    sets = ", ".join(f"{name} = v.c{i}" for i, name in enumerate(names))
    given = ", ".join(f"c{i}" for i in range(len(names)))
    sql = (
        f"UPDATE {table} SET {sets} FROM (VALUES {values}) AS v(id, {given}) "
        f"WHERE {table}.{pk} = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
        return cursor.rowcount
