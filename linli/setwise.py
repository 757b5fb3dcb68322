"""Writing many rows in one statement (the daily run of care plans), through the ORM's
connection and in the caller's transaction: new rows with COPY, new values of rows the
caller has locked with `UPDATE … FROM (VALUES …)`. On another database (the embedded
SQLite default of a first start, with a handful of plans) the ORM does the same work row
by row: `on_postgresql()` tells callers which way they go."""

from collections.abc import Sequence

from django.db import connection
from django.db.models import JSONField
from psycopg.types.json import Jsonb


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def update_from_values(
    model, columns: Sequence[str], rows: Sequence[tuple], *, types: Sequence[str]
) -> int:
    """Set `columns` of `model`'s rows to the values given, one row per tuple (its primary
    key first, then the columns' values, cast to `types`). One statement however many
    rows; returns how many were updated."""
    if not rows:
        return 0
    if not on_postgresql():
        return sum(
            model.objects.filter(pk=row[0]).update(**dict(zip(columns, row[1:], strict=True)))
            for row in rows
        )
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


def insert_rows(model, objects: Sequence) -> list:
    """Insert unsaved `objects` of `model` with one COPY, their primary keys drawn from the
    table's sequence first (so the caller can point children at them). `bulk_create`
    spent most of the daily run of plans preparing its statement's values in Python: a
    third of a chunk's time, against a tenth with COPY (measured, decision 0030)."""
    if not objects:
        return list(objects)
    if not on_postgresql():
        return model.objects.bulk_create(objects)
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(connection.ops.quote_name(f.column) for f in [meta.pk, *fields])
        stamped = [
            f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        json = {f.attname for f in fields if isinstance(f, JSONField)}
        names = [f.attname for f in fields]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                for field in stamped:
                    field.pre_save(obj, add=True)
                copy.write_row(
                    [obj.pk]
                    + [
                        Jsonb(getattr(obj, name)) if name in json else getattr(obj, name)
                        for name in names
                    ]
                )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    return list(objects)


def enqueue_many(task, kwargs: Sequence[dict]) -> None:
    """Queue `task` once per set of keyword arguments. With the database backend
    (django-tasks-db) every task is one row of a single INSERT: queued one by one, the
    e-mails of a daily run's notices cost a statement each. Another backend (the immediate
    one of tests and `DEBUG`) enqueues them one by one, as `task.enqueue` would."""
    from django.tasks.signals import task_enqueued
    from django.utils.json import normalize_json
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend) or backend.options.get("id_function"):
        for one in kwargs:
            task.enqueue(**one)
        return
    backend.validate_task(task)
    new_id = DBTaskResult._meta.pk.default
    rows = DBTaskResult.objects.bulk_create(
        DBTaskResult(
            id=new_id(),
            args_kwargs=normalize_json({"args": [], "kwargs": one}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            # what django-tasks-db's pre_save handler sets, which bulk_create skips
            run_after=task.run_after or get_date_max(),
            backend_name=backend.alias,
        )
        for one in kwargs
    )
    for row in rows:
        task_enqueued.send(type(backend), task_result=row.task_result)
