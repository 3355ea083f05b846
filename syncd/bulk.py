"""Many rows at once, for the hot paths of ingest and listening.

peewee builds SQL value by value and converts rows one by one: for thousands of rows a
batch that costs more than the database's own work. These helpers write one prepared
statement per batch (``executemany`` on SQLite, psycopg2's ``execute_batch`` on
PostgreSQL) and read rows by id straight from the driver.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import peewee as pw

from syncd.store import db

CHUNK = 400  # keeps IN (...) lists under SQLite's variable limit


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def insert_rows(model: type[pw.Model], fields: Sequence[pw.Field], rows: Sequence[Sequence[Any]], *, ignore: bool = False) -> None:
    """Insert many rows with one prepared statement (``executemany``).

    The hot paths of ingest and listening use it: peewee's ``insert_many`` builds SQL
    value by value, which costs more than the database's own work. Values go through
    each field's ``db_value``, as peewee would do; ``ignore`` skips rows that conflict.
    """
    if not rows:
        return
    given = {f.name for f in fields}
    defaults = [f for f in model._meta.sorted_fields if f.name not in given and f.default is not None and not f.primary_key]
    if defaults:  # peewee fills defaults in Python, not in the schema
        fields = [*fields, *defaults]
        extra = tuple(f.default() if callable(f.default) else f.default for f in defaults)
        rows = [(*row, *extra) for row in rows]
    database = db.obj
    quote = database.quote
    columns = ", ".join(f"{quote[0]}{f.column_name}{quote[1]}" for f in fields)
    marks = ", ".join([database.param] * len(fields))
    sql = f"INSERT INTO {quote[0]}{model._meta.table_name}{quote[1]} ({columns}) VALUES ({marks})"
    if ignore:
        sql += " ON CONFLICT DO NOTHING"
    _executemany(database, sql, db_values(fields, rows))


# Fields whose db_value returns a value of this type unchanged (peewee's adapt): a column
# holding only such values (or None) is passed to the driver as it is.
_PLAIN: dict[type[pw.Field], type] = {
    pw.TextField: str, pw.CharField: str, pw.IntegerField: int, pw.AutoField: int, pw.BooleanField: bool,
    pw.FloatField: float, pw.ForeignKeyField: int,
}


def db_values(fields: Sequence[pw.Field | None], rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """``rows`` with each value through its field's ``db_value``, as peewee would store it.

    Column by column: a column whose values already have the type its field stores (the
    usual case: text, numbers, flags) is left as it is, found without a Python call per
    value (``map(type, ...)``); the others are converted (dates, model instances). A field
    of None: its column is passed as it is."""
    if not rows:
        return []
    columns: list[Sequence[Any]] = list(zip(*rows))
    for i, field in enumerate(fields):
        plain = _PLAIN.get(type(field))
        if isinstance(field, pw.ForeignKeyField) and type(field.rel_field) not in (pw.AutoField, pw.IntegerField):
            plain = None
        if field is not None and (plain is None or not set(map(type, columns[i])) <= {plain, type(None)}):
            columns[i] = list(map(field.db_value, columns[i]))
    return list(zip(*columns))


def rows_in(sql: str, ids: Sequence[Any], params: Sequence[Any] = (), chunk: int = CHUNK) -> Iterator[tuple[Any, ...]]:
    """Rows of ``sql``, a SELECT whose ``{ids}`` is an ``IN`` list, for all of ``ids`` (in
    chunks), straight from the driver: for hot reads of many rows by id, where peewee's
    per-value query building and per-row conversion cost more than the database's work.
    ``{p}`` marks each of ``params``, which come after the ids in the statement. The caller
    converts values (dates are ISO text; booleans 0/1 on SQLite)."""
    database = db.obj
    for part in chunks(ids, chunk):
        text = sql.format(ids=", ".join([database.param] * len(part)), p=database.param)
        yield from database.execute_sql(text, [*part, *params]).fetchall()


def update_rows(model: type[pw.Model], fields: Sequence[pw.Field], rows: Sequence[Sequence[Any]]) -> None:
    """Set ``fields`` on many rows by id with one prepared statement; each row is the
    new values followed by the row's id."""
    if not rows:
        return
    database = db.obj
    quote = database.quote
    assignments = ", ".join(f"{quote[0]}{f.column_name}{quote[1]} = {database.param}" for f in fields)
    sql = f"UPDATE {quote[0]}{model._meta.table_name}{quote[1]} SET {assignments} WHERE id = {database.param}"
    _executemany(database, sql, db_values([*fields, None], rows))  # the id last, as it is


def add_to_rows(model: type[pw.Model], field: pw.Field, rows: Sequence[tuple[int, int]]) -> None:
    """Add to a counter on many rows by id with one prepared statement; rows are (amount, id)."""
    if not rows:
        return
    database = db.obj
    column = f"{database.quote[0]}{field.column_name}{database.quote[1]}"
    table = f"{database.quote[0]}{model._meta.table_name}{database.quote[1]}"
    sql = f"UPDATE {table} SET {column} = {column} + {database.param} WHERE id = {database.param}"
    _executemany(database, sql, [tuple(row) for row in rows])


def _executemany(database: pw.Database, sql: str, values: list[tuple[Any, ...]]) -> None:
    cursor = database.cursor()
    if isinstance(database, pw.PostgresqlDatabase):
        from psycopg2.extras import execute_batch  # a few round trips, not one per row

        execute_batch(cursor, sql, values, page_size=200)
    else:
        cursor.executemany(sql, values)
