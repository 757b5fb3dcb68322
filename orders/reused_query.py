"""ORM queries built once per process and run many times with new values.

On the booking path, building a query through the ORM (filters across joins, a union,
date arithmetic) cost more CPU than PostgreSQL spent running it (bench/booking.py,
decision 0016). A `ReusedQuery` has the ORM build the SQL once, with stand-in values that
no real row has, and each call sends the same SQL with its own values in their places.
The rules stay written once, in the ORM.

A value that the database backend rewrites before sending (SQLite turns datetimes into
text) is not found among the parameters; the query is then built afresh on every call.
"""

from collections.abc import Callable, Hashable

from django.db import connection
from django.db.models import QuerySet


class ReusedQuery:
    def __init__(self, build: Callable[..., QuerySet], **stand_ins: Hashable) -> None:
        """`build(**values)` returns a `values_list()` query; each stand-in must be a value
        no real call passes, so that it can be found among the built query's parameters."""
        self._build = build
        self._stand_ins = stand_ins
        self._compiled: dict[str, tuple[str, tuple] | None] = {}

    def reusable(self) -> bool:
        return self._sql() is not None

    def _sql(self) -> tuple[str, tuple] | None:
        vendor = connection.vendor
        if vendor not in self._compiled:
            sql, params = self._build(**self._stand_ins).query.sql_with_params()
            found = all(
                any(_same(param, stand_in) for param in params)
                for stand_in in self._stand_ins.values()
            )
            self._compiled[vendor] = (sql, params) if found else None
        return self._compiled[vendor]

    def rows(self, **values: object) -> list[tuple]:
        compiled = self._sql()
        if compiled is None:
            return list(self._build(**values))
        sql, template = compiled
        params = list(template)
        for name, stand_in in self._stand_ins.items():
            params = [values[name] if _same(param, stand_in) else param for param in params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def _same(param: object, stand_in: object) -> bool:
    # True == 1 in Python; a stand-in is never a bool, and a bool parameter never one.
    return type(param) is type(stand_in) and param == stand_in
