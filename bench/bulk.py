"""Rows written with PostgreSQL's COPY, in batches, with primary keys assigned here.

Assigning the ids ourselves lets an order point at its slot before either is written; the
caller flushes parents before children, because each COPY commits on its own and the
foreign keys are checked then. Sequences are moved past the ids afterwards.
"""

import time
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Max, Model
from django.db.models.fields import NOT_PROVIDED, Field

_REQUIRED = object()


def _default(field: Field) -> Any:
    # A callable default (now, a random code) must be given per row: one value for all
    # rows would break unique columns and tell lies about time.
    if field.primary_key:
        return _REQUIRED
    if field.default is not NOT_PROVIDED:
        return _REQUIRED if callable(field.default) else field.default
    if field.null:
        return None
    if field.empty_strings_allowed:
        return ""
    return _REQUIRED


class Table:
    """Rows of one model (or one many-to-many table) waiting to be copied."""

    def __init__(self, model: type[Model], *, has_id: bool = True) -> None:
        self.model = model
        self.name = model._meta.db_table
        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self.defaults = {f.column: _default(f) for f in fields}
        self.has_id = has_id
        self.next_id = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1 if has_id else 0
        self.rows: list[tuple] = []
        self.written = 0
        self.seconds = 0.0

    def add(self, **values: Any) -> int:
        if self.has_id:
            values.setdefault("id", self.next_id)
            self.next_id = max(self.next_id, values["id"] + 1)
        row = []
        for column in self.columns:
            value = values.get(column, self.defaults[column])
            if value is _REQUIRED:
                raise KeyError(f"{self.name}.{column} needs a value")
            row.append(value)
        self.rows.append(tuple(row))
        return values.get("id", 0)

    def flush(self) -> None:
        if not self.rows:
            return
        started = time.perf_counter()
        copy_rows(self.name, self.columns, self.rows)
        self.seconds += time.perf_counter() - started
        self.written += len(self.rows)
        self.rows = []

    def reset_sequence(self) -> None:
        if not self.has_id:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{self.name}', 'id'), "
                f"GREATEST((SELECT max(id) FROM {self.name}), 1))"
            )


def copy_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        # Foreign-key triggers cost more than the COPY itself (an order has nine); they
        # are off for this session and `broken_foreign_keys` checks every one afterwards.
        # CHECK and UNIQUE constraints still apply row by row.
        cursor.execute("SET session_replication_role = replica")
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def broken_foreign_keys(tables: Iterable[Table]) -> dict[str, int]:
    """Rows whose foreign key points at nothing, per table.column (all should be 0)."""
    broken = {}
    with connection.cursor() as cursor:
        for table in tables:
            for field in table.model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                parent = field.related_model._meta
                cursor.execute(
                    f"SELECT count(*) FROM {table.name} c LEFT JOIN {parent.db_table} p "
                    f"ON c.{field.column} = p.{parent.pk.column} "
                    f"WHERE c.{field.column} IS NOT NULL AND p.{parent.pk.column} IS NULL"
                )
                broken[f"{table.name}.{field.column}"] = cursor.fetchone()[0]
    return broken


def through_table(model: type[Model], field_name: str) -> Table:
    """The table behind a many-to-many field, e.g. Service.communities."""
    return Table(model._meta.get_field(field_name).remote_field.through)
