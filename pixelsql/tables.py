"""Getting data into PixelSQL tables from a notebook: DataFrames and folders of images.

* :func:`upload_dataframe` creates (or replaces, or appends to) a table and streams the rows
  with a binary ``COPY … FROM STDIN`` — bytes columns become ``BYTEA`` untouched.
* :func:`image_folder_to_table` is the tutorial's ``make_df`` done for the user. For a folder on
  the server (under one of its image roots) it is one ``COPY table OPTIONS (if_exists=…) FROM
  'folder'``: rows ``image_path, label``. With ``upload=True`` the folder is read on the
  notebook's machine and the image bytes are uploaded: rows ``image, label, file_name``. The
  label rule is the server's: the first sub-folder's name (``train/cats/1.jpg`` → ``cats``), or
  for files directly in the folder the file-name prefix before the first ``.`` or ``_``
  (``cat.1.jpg`` → ``cat``).

The table is replaced and filled in one transaction, so a failed upload leaves the old table.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pandas as pd
from psycopg import sql

from pixelsql.connection import Connection, get_connection
from pixelsql.errors import PixelSQLError, server_errors
from pixelsql.sqltext import literal

IfExists = Literal["fail", "replace", "append"]
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"})

# Python value type → column type, first match wins (bool before int: bool is an int).
_PYTHON_TYPES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "BOOLEAN"), (int, "BIGINT"), (float, "DOUBLE PRECISION"), (Decimal, "NUMERIC"),
    ((bytes, bytearray, memoryview), "BYTEA"), (dt.datetime, "TIMESTAMP"), (dt.date, "DATE"),
    (dt.time, "TIME"), (dt.timedelta, "INTERVAL"), (str, "TEXT"),
)


def _table_parts(table: str) -> list[str]:
    """``"schema.table"`` or ``"table"`` as identifier parts."""
    parts = table.split(".")
    if not all(parts) or len(parts) > 3:
        raise PixelSQLError(f"not a table name: {table!r}")
    return parts


def column_type(series: pd.Series) -> str:
    """The SQL type a DataFrame column is uploaded as."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(dtype):
        return "BIGINT"
    if pd.api.types.is_float_dtype(dtype):
        return "DOUBLE PRECISION"
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "TIMESTAMPTZ"
    if pd.api.types.is_datetime64_dtype(dtype):
        return "TIMESTAMP"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "INTERVAL"
    sample = next((v for v in series if v is not None and not _is_missing(v)), None)
    for py_type, sql_type in _PYTHON_TYPES:
        if isinstance(sample, py_type):
            if sql_type == "TIMESTAMP" and getattr(sample, "tzinfo", None) is not None:
                return "TIMESTAMPTZ"
            return sql_type
    return "TEXT"


def _is_missing(value: object) -> bool:
    """NaN, NA or NaT (what pandas puts where a value is missing)."""
    return value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _column_values(series: pd.Series, sql_type: str) -> list[object]:
    values: list[object] = []
    for value in series.astype(object).tolist():
        if value is None or _is_missing(value):
            values.append(None)
        elif sql_type == "TEXT" and not isinstance(value, str):
            values.append(str(value))
        elif sql_type == "BYTEA" and isinstance(value, bytearray | memoryview):
            values.append(bytes(value))
        else:
            values.append(value)
    return values


def upload_dataframe(df: pd.DataFrame, table: str,
                     conn: Connection | None = None, *, if_exists: IfExists = "replace") -> int:
    """Store ``df`` as ``table`` (COPY, binary); returns the number of rows written.

    Column types follow the dtypes (integers BIGINT, floats DOUBLE PRECISION, bytes BYTEA,
    datetimes TIMESTAMP[TZ], strings and anything else TEXT); NaN / None / NaT become NULL.
    ``if_exists``: ``replace`` (default), ``append`` or ``fail``. The index is not uploaded
    (``df.reset_index()`` keeps it).
    """
    columns = [(str(c), column_type(df[c])) for c in df.columns]
    if len(set(name for name, _ in columns)) != len(columns):
        raise PixelSQLError("the DataFrame has duplicate column names")
    data = [_column_values(df[c], t) for c, (_, t) in zip(df.columns, columns, strict=True)]
    rows = zip(*data, strict=True) if data else iter(())
    return _copy_rows(get_connection(conn), table, columns, rows, if_exists)


def image_folder_to_table(path: str | Path, table: str,
                          conn: Connection | None = None, upload: bool = False, *,
                          if_exists: IfExists = "replace") -> int:
    """A folder of images as a table, one row per image, label from the folder layout.

    ``upload=False``: ``path`` is a folder on the server (absolute, or relative to an image
    root); the server lists it (``COPY … FROM 'path'``), rows ``image_path, label``.
    ``upload=True``: ``path`` is read here and the image bytes are uploaded, rows ``image``
    (BYTEA), ``label``, ``file_name`` (the path relative to ``path``). Returns the row count.
    """
    conn = get_connection(conn)
    if not upload:
        _check_if_exists(if_exists)
        query = sql.SQL("COPY {} OPTIONS (if_exists = {}) FROM {}").format(
            sql.Identifier(*_table_parts(table)), sql.SQL(literal(if_exists)),
            sql.SQL(literal(str(path))))
        with server_errors():
            cur = conn.execute(query)
        match = re.fullmatch(r"COPY (\d+)", cur.statusmessage or "")
        return int(match.group(1)) if match else cur.rowcount
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise PixelSQLError(f"{folder} is not a folder")
    files = list(_image_files(folder))
    if not files:
        raise PixelSQLError(f"no images found in {folder}")
    rows = ((file.read_bytes(), image_label(file, folder), file.relative_to(folder).as_posix())
            for file in files)
    columns = [("image", "BYTEA"), ("label", "TEXT"), ("file_name", "TEXT")]
    return _copy_rows(conn, table, columns, rows, if_exists)


def image_label(file: Path, folder: Path) -> str:
    """The label of ``file`` inside ``folder`` (the same rule as the server's COPY)."""
    rel = file.relative_to(folder)
    if len(rel.parts) > 1:
        return rel.parts[0]
    return file.name.replace("_", ".").split(".")[0]


def _image_files(folder: Path) -> Iterator[Path]:
    for file in sorted(folder.rglob("*")):
        if file.suffix.lower() in IMAGE_SUFFIXES and file.is_file():
            yield file


def _check_if_exists(if_exists: str) -> None:
    if if_exists not in ("fail", "replace", "append"):
        raise PixelSQLError(f"if_exists must be 'fail', 'replace' or 'append', not {if_exists!r}")


def _copy_rows(conn: Connection, table: str, columns: list[tuple[str, str]],
               rows: Iterable[tuple[object, ...]], if_exists: IfExists) -> int:
    """Create/replace/append ``table`` and COPY ``rows`` into it, in one transaction."""
    _check_if_exists(if_exists)
    if not columns:
        raise PixelSQLError("no columns to upload")
    parts = _table_parts(table)
    name = sql.Identifier(*parts)
    schema, table = (parts[-2] if len(parts) > 1 else None), parts[-1]
    col_names = sql.SQL(", ").join(sql.Identifier(c) for c, _ in columns)
    with server_errors(), conn.transaction():
        exists = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = %s "
            "AND table_schema = coalesce(%s, current_schema())", [table, schema]).fetchone()
        if exists and exists[0]:
            if if_exists == "fail":
                raise PixelSQLError(f"table {table!r} already exists (if_exists='fail')")
            if if_exists == "replace":
                conn.execute(sql.SQL("DROP TABLE {}").format(name))
        if not (exists and exists[0]) or if_exists == "replace":
            definition = sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in columns)
            conn.execute(sql.SQL("CREATE TABLE {} ({})").format(name, definition))
        with conn.cursor() as cur:
            cur.execute(sql.SQL("SELECT {} FROM {} LIMIT 0").format(col_names, name))
            oids = [d.type_code for d in cur.description or []]
            count = 0
            with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
                    name, col_names)) as copy:
                copy.set_types(oids)
                for row in rows:
                    copy.write_row(row)
                    count += 1
    return count
