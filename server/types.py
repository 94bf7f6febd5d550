"""DuckDB → PostgreSQL type mapping, result encoders and parameter decoders.

This module owns everything PixelSQL knows about types on the wire:

* a table of the built-in PostgreSQL types it reports (:class:`PgType`, looked up by OID or name),
* one table-driven mapping from DuckDB column types to those types (:func:`column_type`),
* the result encoders: :func:`encode_data_rows` (DataRow messages, text or binary per column)
  and :func:`encode_copy_text` (``COPY … TO STDOUT`` text and CSV payloads),
* the input side: :func:`decode_param` (Bind parameters) and :func:`decode_copy_binary`.

Text output is what PostgreSQL 15 prints with ``DateStyle=ISO``, ``IntervalStyle=postgres``,
``TimeZone=UTC`` and ``extra_float_digits >= 1``; binary output is what its ``*_send`` functions
write.

Theory of operation (the encoder)
---------------------------------
Results arrive as Arrow record batches, and rows are never visited one by one in Python. Each
column is encoded on its own, vectorised, into *wire values*: either an Arrow binary array
(integers, floats, numerics and strings go through Arrow casts plus vectorised fix-ups) or an
``(n, w)`` numpy byte matrix (binary fixed-width values via ``astype('>i8')`` and friends; dates,
times and timestamps are formatted as text by numpy digit tables).  A column's 4-byte length
words come from its Arrow offsets or its matrix width, and the 7-byte ``'D' + length + ncols``
header from the sum of them.  Adjacent fixed-width pieces (the header, length words, fixed-width
values) are laid side by side in one matrix, so that a row becomes an alternation of a few
matrices and variable-length Arrow arrays; ``binary_join_element_wise`` glues those together per
row, and the joined array's value buffer is exactly the concatenated DataRow messages.  When
every piece is fixed-width (typical for binary results) the one matrix already *is* the output.
Values that the vectorised formatters cannot print exactly (special floats, BC dates, infinite
timestamps, numerics wider than 64 bits, …) are found with vectorised masks and patched in with
a per-value Python fallback, and a few rare types (interval text, bit, bignum) are encoded per
value.  Small batches avoid the fixed cost of all this machinery: below a few rows the cells are
joined row by row, and dates, times, timestamps and floats are formatted per value by the same
Python functions the vectorised paths fall back on (the tests check both ways agree).

Types this module has no entry for (VARIANT, GEOMETRY, ...) are reported as text and printed as
the text of their Arrow form.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import struct
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from engine import pgdatetime
from engine.arithmetic import NUMERIC, TRAILING_ZEROS, unconstrained
from engine.errors import SqlError, SqlState
from engine.literals import bytea_from_text
from server.codec import encode_data_row

_Arr = npt.NDArray[Any]

# --- the PostgreSQL type catalogue ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PgType:
    """A built-in PostgreSQL type as reported in RowDescription and ParameterDescription."""

    oid: int
    name: str  # pg_type.typname: 'int4', 'text', '_int4', ...
    size: int  # pg_type.typlen: -1 varlena, -2 C string
    array_oid: int  # the OID of the array type whose element is this type (0 if none)


@dataclass(frozen=True, slots=True)
class _PgRow:
    oid: int
    name: str
    size: int
    array_oid: int
    aliases: tuple[str, ...] = ()


# (oid, typname, typlen, array type oid, other spellings accepted by pg_type_by_name)
_PG_TYPE_TABLE: tuple[_PgRow, ...] = (
    _PgRow(16, "bool", 1, 1000, ("boolean",)),
    _PgRow(17, "bytea", -1, 1001),
    _PgRow(18, "char", 1, 1002, ('"char"',)),
    _PgRow(19, "name", 64, 1003),
    _PgRow(20, "int8", 8, 1016, ("bigint",)),
    _PgRow(21, "int2", 2, 1005, ("smallint",)),
    _PgRow(22, "int2vector", -1, 1006),
    _PgRow(23, "int4", 4, 1007, ("integer", "int")),
    _PgRow(24, "regproc", 4, 1008),
    _PgRow(25, "text", -1, 1009),
    _PgRow(26, "oid", 4, 1028),
    _PgRow(27, "tid", 6, 1010),
    _PgRow(28, "xid", 4, 1011),
    _PgRow(29, "cid", 4, 1012),
    _PgRow(30, "oidvector", -1, 1013),
    _PgRow(114, "json", -1, 199),
    _PgRow(142, "xml", -1, 143),
    _PgRow(194, "pg_node_tree", -1, 0),
    _PgRow(700, "float4", 4, 1021, ("real",)),
    _PgRow(701, "float8", 8, 1022, ("double precision", "double", "float")),
    _PgRow(705, "unknown", -2, 0),
    _PgRow(790, "money", 8, 791),
    _PgRow(869, "inet", -1, 1041),
    _PgRow(650, "cidr", -1, 651),
    _PgRow(829, "macaddr", 6, 1040),
    _PgRow(1033, "aclitem", 12, 1034),
    _PgRow(1042, "bpchar", -1, 1014, ("character", "char")),
    _PgRow(1043, "varchar", -1, 1015, ("character varying",)),
    _PgRow(1082, "date", 4, 1182),
    _PgRow(1083, "time", 8, 1183, ("time without time zone",)),
    _PgRow(1114, "timestamp", 8, 1115, ("timestamp without time zone",)),
    _PgRow(1184, "timestamptz", 8, 1185, ("timestamp with time zone",)),
    _PgRow(1186, "interval", 16, 1187),
    _PgRow(1266, "timetz", 12, 1270, ("time with time zone",)),
    _PgRow(1560, "bit", -1, 1561),
    _PgRow(1562, "varbit", -1, 1563, ("bit varying",)),
    _PgRow(1700, "numeric", -1, 1231, ("decimal",)),
    _PgRow(1790, "refcursor", -1, 2201),
    _PgRow(2202, "regprocedure", 4, 2207),
    _PgRow(2203, "regoper", 4, 2208),
    _PgRow(2204, "regoperator", 4, 2209),
    _PgRow(2205, "regclass", 4, 2210),
    _PgRow(2206, "regtype", 4, 2211),
    _PgRow(4089, "regnamespace", 4, 4090),
    _PgRow(4096, "regrole", 4, 4097),
    _PgRow(2249, "record", -1, 2287),
    _PgRow(2275, "cstring", -2, 1263),
    _PgRow(2276, "any", 4, 0),
    _PgRow(2277, "anyarray", -1, 0),
    _PgRow(2278, "void", 4, 0),
    _PgRow(2283, "anyelement", 4, 0),
    _PgRow(2950, "uuid", 16, 2951),
    _PgRow(3220, "pg_lsn", 8, 3221),
    _PgRow(3614, "tsvector", -1, 3643),
    _PgRow(3615, "tsquery", -1, 3645),
    _PgRow(3734, "regconfig", 4, 3735),
    _PgRow(3802, "jsonb", -1, 3807),
    _PgRow(4072, "jsonpath", -1, 4073),
    _PgRow(3904, "int4range", -1, 3905),
    _PgRow(3906, "numrange", -1, 3907),
    _PgRow(3908, "tsrange", -1, 3909),
    _PgRow(3910, "tstzrange", -1, 3911),
    _PgRow(3912, "daterange", -1, 3913),
    _PgRow(3926, "int8range", -1, 3927),
)


def _build_catalogue() -> tuple[dict[int, PgType], dict[str, PgType], dict[int, int]]:
    by_oid: dict[int, PgType] = {}
    by_name: dict[str, PgType] = {}
    element_of: dict[int, int] = {}  # array oid -> element oid
    for row in _PG_TYPE_TABLE:
        t = PgType(row.oid, row.name, row.size, row.array_oid)
        by_oid[t.oid] = t
        for name in (row.name, *row.aliases):
            by_name.setdefault(name, t)
        if row.array_oid:
            arr = PgType(row.array_oid, "_" + row.name, -1, 0)
            by_oid[arr.oid] = arr
            by_name[arr.name] = arr
            element_of[arr.oid] = t.oid
    return by_oid, by_name, element_of


_PG_BY_OID, _PG_BY_NAME, _ELEMENT_OF = _build_catalogue()
_PG = _PG_BY_NAME  # short alias for the tables below, keyed by typname


def pg_type_by_oid(oid: int) -> PgType | None:
    """The built-in type with this OID, or None."""
    return _PG_BY_OID.get(oid)


_TYPMOD_SUFFIX = re.compile(r"\s*\(\s*\d+\s*(,\s*\d+\s*)?\)")


def pg_type_by_name(name: str) -> PgType | None:
    """Look a type up by typname or SQL spelling: 'int4', 'integer', 'varchar(10)', 'text[]'."""
    key = " ".join(name.strip().lower().split())
    key = _TYPMOD_SUFFIX.sub("", key)  # varchar(10), numeric(10,2), timestamp(3) with time zone
    key = key.removeprefix("pg_catalog.")
    if key.endswith("[]"):
        element = pg_type_by_name(key[:-2])
        if element is None or not element.array_oid:
            return None
        return _PG_BY_OID.get(element.array_oid)
    return _PG_BY_NAME.get(key)


# --- DuckDB types ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnType:
    """How one result column is described to the client and where its values come from."""

    pg: PgType
    typmod: int  # -1, numeric ((p << 16) | s) + 4, varchar(n) n + 4
    duck: str  # DuckDB's spelling of the type, e.g. 'DECIMAL(10,2)', 'INTEGER[]'
    arrow: Any  # pa.DataType DuckDB's Arrow export produces for this type


@dataclass(frozen=True, slots=True)
class _Duck:
    """A parsed DuckDB type: its kind (a registry key) and, for nested types, the children."""

    kind: str  # 'INTEGER', 'DECIMAL', 'LIST', 'STRUCT', ... (DuckDB's names, upper case)
    text: str  # DuckDB's full spelling
    fields: tuple[tuple[str, _Duck], ...] = ()  # LIST/ARRAY: the element; STRUCT/UNION/MAP
    precision: int = 0  # DECIMAL
    scale: int = 0  # DECIMAL
    size: int = 0  # ARRAY: fixed length; ENUM: number of labels

    @property
    def element(self) -> _Duck:
        return self.fields[0][1]


@dataclass(frozen=True, slots=True)
class _Scalar:
    """Registry entry for a DuckDB scalar type: its PostgreSQL type and Arrow type."""

    pg: str  # PostgreSQL typname
    arrow: Any  # pa.DataType
    no_quote: bool = False  # its text form never needs quoting inside an array literal


_SCALARS: dict[str, _Scalar] = {
    "BOOLEAN": _Scalar("bool", pa.bool_(), True),
    "TINYINT": _Scalar("int2", pa.int8(), True),
    "UTINYINT": _Scalar("int2", pa.uint8(), True),
    "SMALLINT": _Scalar("int2", pa.int16(), True),
    "USMALLINT": _Scalar("int4", pa.uint16(), True),
    "INTEGER": _Scalar("int4", pa.int32(), True),
    # PostgreSQL's one unsigned 32-bit type; the catalog emulation's OID columns are UINTEGER.
    "UINTEGER": _Scalar("oid", pa.uint32(), True),
    "BIGINT": _Scalar("int8", pa.int64(), True),
    "UBIGINT": _Scalar("numeric", pa.uint64(), True),
    "HUGEINT": _Scalar("numeric", pa.decimal128(38, 0), True),
    "UHUGEINT": _Scalar("numeric", pa.decimal128(38, 0), True),
    "BIGNUM": _Scalar(
        "numeric", pa.opaque(pa.binary(), type_name="bignum", vendor_name="DuckDB"), True
    ),
    "FLOAT": _Scalar("float4", pa.float32(), True),
    "DOUBLE": _Scalar("float8", pa.float64(), True),
    "DECIMAL": _Scalar("numeric", None, True),  # Arrow type from precision and scale
    "VARCHAR": _Scalar("text", pa.string()),
    "JSON": _Scalar("json", pa.string()),
    "ENUM": _Scalar("text", None),  # dictionary type from the label count
    "BLOB": _Scalar("bytea", pa.binary()),
    "BIT": _Scalar("bit", pa.binary(), True),
    "DATE": _Scalar("date", pa.date32()),  # '0044-03-15 BC' needs quotes in an array
    "TIME": _Scalar("time", pa.time64("us"), True),
    "TIME_NS": _Scalar("time", pa.time64("ns"), True),
    "TIME WITH TIME ZONE": _Scalar("timetz", pa.time64("us"), True),
    "TIMESTAMP": _Scalar("timestamp", pa.timestamp("us")),
    "TIMESTAMP_S": _Scalar("timestamp", pa.timestamp("s")),
    "TIMESTAMP_MS": _Scalar("timestamp", pa.timestamp("ms")),
    "TIMESTAMP_NS": _Scalar("timestamp", pa.timestamp("ns")),
    "TIMESTAMP WITH TIME ZONE": _Scalar("timestamptz", pa.timestamp("us", tz="UTC")),
    "INTERVAL": _Scalar("interval", pa.month_day_nano_interval()),
    "UUID": _Scalar("uuid", pa.string(), True),
    "NULL": _Scalar("text", pa.null()),
}
_NESTED_KINDS = frozenset({"LIST", "ARRAY", "STRUCT", "MAP", "UNION"})

# DuckDB type to CAST a parameter of a PostgreSQL type to (element types; arrays add '[]').
_DUCK_FOR_PG: dict[str, str] = {
    "bool": "BOOLEAN",
    "bytea": "BLOB",
    "char": "VARCHAR",
    "name": "VARCHAR",
    "int8": "BIGINT",
    "int2": "SMALLINT",
    "int4": "INTEGER",
    "regproc": "VARCHAR",
    "text": "VARCHAR",
    "oid": "UINTEGER",
    "xid": "UINTEGER",
    "cid": "UINTEGER",
    "json": "JSON",
    "jsonb": "JSON",
    "float4": "FLOAT",
    "float8": "DOUBLE",
    "bpchar": "VARCHAR",
    "varchar": "VARCHAR",
    "date": "DATE",
    "time": "TIME",
    "timestamp": "TIMESTAMP",
    "timestamptz": "TIMESTAMPTZ",
    "interval": "INTERVAL",
    "timetz": "TIMETZ",
    "bit": "BIT",
    "varbit": "BIT",
    "numeric": NUMERIC,  # numeric without a precision (engine.arithmetic)
    "uuid": "UUID",
    "regclass": "VARCHAR",
    "regtype": "VARCHAR",
}

_type_lock = threading.Lock()
_column_types: dict[str, tuple[ColumnType, _Duck]] = {}
_MAX_CACHED_TYPES = 4096  # distinct type spellings (ENUMs and STRUCTs can make many)


def _parse_duck(t: Any) -> _Duck:
    """Turn a DuckDBPyType into the _Duck tree the encoders dispatch on."""
    text = str(t)
    kind = str(t.id).upper()
    if kind == "VARCHAR" and text == "JSON":
        kind = "JSON"
    if kind in ("LIST", "ARRAY"):
        children = dict(t.children)
        size = int(children["size"]) if kind == "ARRAY" else 0
        return _Duck(kind, text, (("", _parse_duck(children["child"])),), size=size)
    if kind in ("STRUCT", "MAP"):
        return _Duck(kind, text, tuple((name, _parse_duck(c)) for name, c in t.children))
    if kind == "UNION":
        members = [(name, _parse_duck(c)) for name, c in t.children]
        return _Duck(kind, text, tuple(members[1:]))  # the first child is the tag
    if kind == "DECIMAL":
        params = dict(t.children)
        return _Duck(kind, text, precision=int(params["precision"]), scale=int(params["scale"]))
    if kind == "ENUM":
        return _Duck(kind, text, size=len(dict(t.children)["values"]))
    return _Duck(kind, text)


def _arrow_type(d: _Duck) -> Any:
    """The Arrow type DuckDB's Arrow export produces for a DuckDB type."""
    scalar = _SCALARS.get(d.kind)
    if scalar is not None and scalar.arrow is not None:
        return scalar.arrow
    if d.kind == "DECIMAL":
        return pa.decimal128(d.precision, d.scale)
    if d.kind == "ENUM":
        index = pa.uint8() if d.size <= 0xFF else pa.uint16() if d.size <= 0xFFFF else pa.uint32()
        return pa.dictionary(index, pa.string())
    if d.kind == "LIST":
        return pa.list_(pa.field("l", _arrow_type(d.element)))
    if d.kind == "ARRAY":
        return pa.list_(pa.field("", _arrow_type(d.element)), d.size)
    if d.kind == "STRUCT":
        return pa.struct([pa.field(n, _arrow_type(c)) for n, c in d.fields])
    if d.kind == "MAP":
        key, value = d.fields[0][1], d.fields[1][1]
        return pa.map_(pa.field("key", _arrow_type(key), nullable=False), _arrow_type(value))
    if d.kind == "UNION":
        fields = [pa.field(n, _arrow_type(c)) for n, c in d.fields]
        return pa.sparse_union(fields, list(range(len(fields))))
    return _probe_arrow(d.text)  # a type this table does not know; shown as text


_probe_lock = threading.Lock()
_probe_connection: list[Any] = []


def _probe_arrow(duck_text: str) -> Any:
    """Ask DuckDB which Arrow type it exports for a type this module has no entry for."""
    with _probe_lock:
        if not _probe_connection:
            _probe_connection.append(duckdb.connect(":memory:"))
        try:
            relation = _probe_connection[0].sql(f"SELECT CAST(NULL AS {duck_text}) AS x")
            return relation.to_arrow_table().schema.field(0).type
        except duckdb.Error:
            return pa.string()


def _pg_for(d: _Duck) -> tuple[PgType, int]:
    """The PostgreSQL type and typmod of a DuckDB type."""
    if d.kind in ("LIST", "ARRAY"):
        element = d.element
        if element.kind in _NESTED_KINDS or element.kind in ("NULL", "BIT"):
            return _PG["text"], -1
        pg, typmod = _pg_for(element)
        if not pg.array_oid:
            return _PG["text"], -1
        return _PG_BY_OID[pg.array_oid], typmod
    if d.kind == "DECIMAL":
        return _PG["numeric"], -1 if _unconstrained(d) else ((d.precision << 16) | d.scale) + 4
    scalar = _SCALARS.get(d.kind)
    return (_PG[scalar.pg] if scalar else _PG["text"]), -1


_LIMITED_VARCHAR = re.compile(r"VARCHAR\((\d+)\)")


def _lookup(duck_type: object) -> tuple[ColumnType, _Duck]:
    key = str(duck_type)
    hit = _column_types.get(key)
    if hit is not None:
        return hit
    limited = _LIMITED_VARCHAR.fullmatch(key)
    if limited:  # values as VARCHAR's, described as varchar(n)
        text, d = _lookup("VARCHAR")
        return replace(text, pg=_PG["varchar"], typmod=int(limited.group(1)) + 4), d
    parsed = duck_type if hasattr(duck_type, "id") else duckdb.sqltype(key)
    d = _parse_duck(parsed)
    pg, typmod = _pg_for(d)
    entry = (ColumnType(pg, typmod, d.text, _arrow_type(d)), d)
    with _type_lock:
        if len(_column_types) >= _MAX_CACHED_TYPES:
            _column_types.clear()
        _column_types[key] = entry
        _column_types.setdefault(d.text, entry)
    return entry


def column_type(duck_type: object) -> ColumnType:
    """Describe a DuckDB column type (a DuckDBPyType or its string) for the wire; cached.

    ``VARCHAR(n)``, a spelling DuckDB never gives back (its VARCHAR keeps no length), is the
    engine's for a result column that passes on a column declared ``varchar(n)``: sent as a
    VARCHAR, described as PostgreSQL's varchar with typmod n + 4."""
    return _lookup(duck_type)[0]


def pg_type_for_duck(duck_type: object) -> PgType:
    return column_type(duck_type).pg


def duck_type_for_oid(oid: int) -> str:
    """The DuckDB type a parameter declared with this PostgreSQL OID is cast to."""
    element_oid = _ELEMENT_OF.get(oid)
    if element_oid is not None:
        element = _PG_BY_OID[element_oid]
        return _DUCK_FOR_PG.get(element.name, "VARCHAR") + "[]"
    t = _PG_BY_OID.get(oid)
    return _DUCK_FOR_PG.get(t.name, "VARCHAR") if t else "VARCHAR"


def _duck_of(ct: ColumnType) -> _Duck:
    return _lookup(ct.duck)[1]


# --- Arrow / numpy plumbing -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Matrix:
    """n wire values as an (n, w) uint8 matrix: all w bytes, or the first ``lengths[i]``."""

    data: _Arr  # (n, w) uint8
    valid: _Arr | None = None  # bool per row; None means no NULLs
    lengths: _Arr | None = None  # int64 per row; None means every value is w bytes


_Values = Any  # a _Matrix, or a pa.Array of binary/string values (NULL where the input is)


_SKIP_NULLS = pc.JoinOptions(null_handling="skip")
_LITERAL_TYPES = {"string": pa.string(), "binary": pa.binary(), "bool": pa.bool_()}


@functools.lru_cache(maxsize=256)
def _lit(value: str | bytes | bool | None, type_name: str = "") -> Any:
    """A cached Arrow scalar.  Compute functions convert Python literals on every call, which
    costs far more than the call itself on small batches."""
    if not type_name:
        type_name = {str: "string", bytes: "binary", bool: "bool"}[type(value)]
    return pa.scalar(value, _LITERAL_TYPES[type_name])


def _valid_mask(arr: Any) -> _Arr | None:
    if arr.null_count == 0:
        return None
    return np.asarray(pc.is_valid(arr).to_numpy(zero_copy_only=False), dtype=bool)


def _bool_mask(arr: Any) -> _Arr:
    """A boolean Arrow array as a numpy mask, NULL counting as False."""
    return np.asarray(arr.fill_null(_lit(False)).to_numpy(zero_copy_only=False), dtype=bool)


def _raw(arr: Any, dtype: Any) -> _Arr:
    """The values buffer of a fixed-width array (NULL slots hold arbitrary values)."""
    dtype = np.dtype(dtype)
    buf = arr.buffers()[1]
    if buf is None:
        return np.zeros(len(arr), dtype)
    return np.frombuffer(buf, dtype=dtype, count=len(arr), offset=arr.offset * dtype.itemsize)


def _binary_parts(arr: Any) -> tuple[_Arr, Any]:
    """Offsets (int64, len n+1, absolute into the data buffer) and data buffer of a binary array."""
    off_dtype = np.int64 if pa.types.is_large_binary(arr.type) else np.int32
    buf = arr.buffers()[1]
    if buf is None:
        offsets = np.zeros(len(arr) + 1, np.int64)
    else:
        width = np.dtype(off_dtype).itemsize
        offsets = np.frombuffer(
            buf, dtype=off_dtype, count=len(arr) + 1, offset=arr.offset * width
        ).astype(np.int64)
    data = arr.buffers()[2]
    return offsets, (data if data is not None else pa.py_buffer(b""))


def _as_binary(arr: Any) -> Any:
    """View string-like arrays as pa.binary() (zero-copy for string/binary)."""
    t = arr.type
    if t == pa.binary():
        return arr
    if t == pa.string():
        return arr.view(pa.binary())
    return pc.cast(arr, pa.binary())


def _matrix_to_array(m: _Matrix) -> Any:
    """A pa.binary() array holding the matrix's values (NULL where invalid)."""
    n, w = m.data.shape
    validity = None
    null_count = 0
    if m.valid is not None:
        validity = pa.py_buffer(np.packbits(m.valid, bitorder="little"))
        null_count = int(n - np.count_nonzero(m.valid))
    if m.lengths is None:
        offsets = np.arange(0, (n + 1) * w, w, dtype=np.int64)
        data = np.ascontiguousarray(m.data)
    else:
        lengths = m.lengths if m.valid is None else np.where(m.valid, m.lengths, 0)
        if n and np.all(lengths == lengths[0]) and m.valid is None:
            return _matrix_to_array(_Matrix(m.data[:, : int(lengths[0])]))
        offsets = np.zeros(n + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        data = m.data[np.arange(w) < lengths[:, None]]
    return pa.Array.from_buffers(
        pa.binary(),
        n,
        [validity, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data)],
        null_count=null_count,
    )


def _as_array(values: _Values) -> Any:
    return _matrix_to_array(values) if isinstance(values, _Matrix) else values


def _validity_buffer(arr: Any) -> Any:
    valid = _valid_mask(arr)
    return None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))


def _null_array(n: int) -> Any:
    return pa.nulls(n, pa.binary())


def _fixed_from(values: _Arr, dtype: str, valid: _Arr | None) -> _Matrix:
    """Values converted to a big-endian numpy dtype, as a byte matrix."""
    be = np.ascontiguousarray(values.astype(dtype))
    return _Matrix(be.view(np.uint8).reshape(len(be), be.dtype.itemsize), valid)


def _replace_where(arr: Any, mask: _Arr, values: Sequence[bytes | str | None]) -> Any:
    """arr with the rows where mask is set replaced by values (in order)."""
    if not len(values):
        return arr
    arr = _as_binary(arr)
    repl = pa.array([v.encode() if isinstance(v, str) else v for v in values], pa.binary())
    return pc.replace_with_mask(arr, pa.array(mask), repl)


def _map_values(arr: Any, fn: Callable[[Any], bytes | str | None]) -> Any:
    """Per-value Python fallback: fn over arr's Python values (None stays NULL)."""
    out = [None if v is None else fn(v) for v in arr.to_pylist()]
    return pa.array([v.encode() if isinstance(v, str) else v for v in out], pa.binary())


# --- digits, dates and times ----------------------------------------------------------------------

_US_PER_DAY = 86_400_000_000
_PG_EPOCH_DAYS = 10_957  # 2000-01-01 - 1970-01-01
_PG_EPOCH_US = _PG_EPOCH_DAYS * _US_PER_DAY
_INT64_MAX = (1 << 63) - 1
_INT32_MAX = (1 << 31) - 1
_DUCK_TS_INF = _INT64_MAX  # DuckDB's timestamp 'infinity'; '-infinity' is -_INT64_MAX
_DUCK_DATE_INF = _INT32_MAX  # DuckDB's date 'infinity'; '-infinity' is -_INT32_MAX
# The date range the numpy formatter prints (0001-01-01 .. 9999-12-31), as days since 1970.
_MIN_AD_DAYS = -719_162
_MAX_AD_DAYS = 2_932_896


def _digits(n: int, width: int) -> _Arr:
    """Table of the zero-padded decimal text of 0..n-1 as an (n, width) byte matrix."""
    return np.array([f"{i:0{width}d}".encode() for i in range(n)], dtype=f"S{width}").view(
        np.uint8
    ).reshape(n, width)


_DIGITS2 = _digits(100, 2).view("V2").ravel()
_DIGITS3 = _digits(1000, 3).view("V3").ravel()
_DIGITS4 = _digits(10_000, 4).view("V4").ravel()
_DATE_FIELDS = np.dtype([("y", "V4"), ("c1", "S1"), ("m", "V2"), ("c2", "S1"), ("d", "V2")])
_FRACTION_FIELDS = np.dtype([("dot", "S1"), ("ms", "V3"), ("us", "V3")])
_CLOCK_FIELDS = np.dtype([("h", "V2"), ("c1", "S1"), ("m", "V2"), ("c2", "S1"), ("s", "V2")])
_tables: dict[str, _Arr] = {}


def _clocks() -> _Arr:
    """'HH:MM:SS' for every second of the day, as V8 values (built on first use)."""
    table = _tables.get("clock")
    if table is None:
        secs = np.arange(86_400)
        rec = np.empty(86_400, _CLOCK_FIELDS)
        rec["h"] = _DIGITS2[secs // 3600]
        rec["m"] = _DIGITS2[secs // 60 % 60]
        rec["s"] = _DIGITS2[secs % 60]
        rec["c1"] = rec["c2"] = b":"
        table = _tables["clock"] = rec.view("V8")
    return table


def _fraction_keep(frac: _Arr) -> _Arr:
    """Characters kept of '.ffffff' once trailing zeros are trimmed (0 when the fraction is 0)."""
    keep = _tables.get("keep")
    if keep is None:
        keep = np.full(1_000_000, 7, np.int8)
        for k in range(1, 6):
            keep[np.arange(0, 1_000_000, 10**k)] = 7 - k
        keep[0] = 0
        _tables["keep"] = keep
    return keep[frac].astype(np.int64)


def _fractions(frac: _Arr) -> _Arr:
    """'.ffffff' (6 digits, untrimmed) for µs fractions, as V7 values."""
    rec = np.empty(len(frac), _FRACTION_FIELDS)
    rec["dot"] = b"."
    rec["ms"] = _DIGITS3[frac // 1000]
    rec["us"] = _DIGITS3[frac % 1000]
    return rec.view("V7").ravel()


def _compose(n: int, parts: Sequence[_Arr | bytes]) -> _Arr:
    """An (n, w) byte matrix whose rows are the parts side by side: per-row V-typed arrays, or
    constant bytes."""
    present = [p for p in parts if not isinstance(p, bytes) or p]
    fields = [
        (f"f{i}", f"S{len(p)}" if isinstance(p, bytes) else p.dtype) for i, p in enumerate(present)
    ]
    rec = np.empty(n, np.dtype(fields))
    for (name, _), part in zip(fields, present, strict=True):
        rec[name] = part
    return rec.view(np.uint8).reshape(n, rec.dtype.itemsize)


def _civil(days: _Arr) -> tuple[_Arr, _Arr, _Arr]:
    """Proleptic Gregorian (year, month, day) from days since 1970-01-01 (H. Hinnant)."""
    z = days.astype(np.int64) + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def _civil_py(days: int) -> tuple[int, int, int]:
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def _days_from_civil(year: int, month: int, day: int) -> int:
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    mp = month - 3 if month > 2 else month + 9
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _date_text_py(days: int) -> str:
    if days >= _DUCK_DATE_INF:
        return "infinity"
    if days <= -_DUCK_DATE_INF:
        return "-infinity"
    year, month, day = _civil_py(days)
    if year <= 0:
        return f"{1 - year:04d}-{month:02d}-{day:02d} BC"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _time_text_py(us: int) -> str:
    hours, rest = divmod(us, 3_600_000_000)
    minutes, rest = divmod(rest, 60_000_000)
    seconds, frac = divmod(rest, 1_000_000)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return text + f".{frac:06d}".rstrip("0") if frac else text


def _timestamp_text_py(us: int, suffix: str) -> str:
    if us >= _DUCK_TS_INF:
        return "infinity"
    if us <= -_DUCK_TS_INF:
        return "-infinity"
    days, tod = divmod(us, _US_PER_DAY)
    year, month, day = _civil_py(days)
    era = ""
    if year <= 0:
        year, era = 1 - year, " BC"
    return f"{year:04d}-{month:02d}-{day:02d} {_time_text_py(tod)}{suffix}{era}"


def _with_suffix(m: _Matrix, lengths: _Arr, suffix: bytes) -> _Matrix:
    """Append a constant suffix after each value's first lengths[i] bytes."""
    data, n = m.data, len(lengths)
    if suffix:
        uniform = n and np.all(lengths == lengths[0])
        for k, ch in enumerate(suffix):
            if uniform:
                data[:, int(lengths[0]) + k] = ch
            else:
                data[np.arange(n), lengths + k] = ch
        lengths = lengths + len(suffix)
    if n and np.all(lengths == lengths[0]):
        return _Matrix(data[:, : int(lengths[0])], m.valid)
    return _Matrix(data, m.valid, lengths)


def _patch(values: _Matrix, bad: _Arr, texts: list[str]) -> _Values:
    if not bad.any():
        return values
    return _replace_where(_matrix_to_array(values), bad, texts)


def _dates(days: _Arr) -> _Arr:
    """'YYYY-MM-DD' for days since 1970 within years 1..9999, as V10 values."""
    n = len(days)
    lo, hi = (int(days.min()), int(days.max())) if n else (0, 0)
    if n > 64 and hi - lo < n // 2:  # few distinct days: format each once, then gather
        return np.asarray(_dates(np.arange(lo, hi + 1, dtype=np.int64))[days - lo])
    year, month, day = _civil(days)
    rec = np.empty(n, _DATE_FIELDS)
    rec["y"] = _DIGITS4[year]
    rec["m"] = _DIGITS2[month]
    rec["d"] = _DIGITS2[day]
    rec["c1"] = rec["c2"] = b"-"
    return rec.view("V10").ravel()


# Below this many values the numpy formatters' fixed cost exceeds formatting each value in
# Python; the per-value formatters are the same ones the vectorised paths fall back on.
_FEW_VALUES = 16


def _per_value(values: _Arr, valid: _Arr | None, fn: Callable[[Any], str]) -> Any:
    texts = [fn(v) for v in values.tolist()]
    return pa.array(texts, pa.string(), mask=None if valid is None else ~valid)


def _date_values(days: _Arr, valid: _Arr | None) -> _Values:
    if len(days) <= _FEW_VALUES:
        return _per_value(days, valid, _date_text_py)
    outside = (days < _MIN_AD_DAYS) | (days > _MAX_AD_DAYS)
    bad = outside if valid is None else outside & valid  # NULL slots hold arbitrary values
    text = _compose(len(days), [_dates(np.where(outside, 0, days))])
    return _patch(_Matrix(text, valid), bad, [_date_text_py(int(v)) for v in days[bad]])


def _clock_values(
    n: int, head: list[_Arr | bytes], tod: _Arr, valid: _Arr | None, suffix: bytes
) -> _Matrix:
    """head + 'HH:MM:SS[.ffffff]' (fraction trimmed) + suffix, for time-of-day µs."""
    secs = tod // 1_000_000
    frac = tod - secs * 1_000_000
    parts = [*head, _clocks()[secs]]
    if not frac.any():
        return _Matrix(_compose(n, [*parts, suffix]), valid)
    text = _compose(n, [*parts, _fractions(frac), b"\0" * len(suffix)])
    lengths = text.shape[1] - 7 - len(suffix) + _fraction_keep(frac)
    return _with_suffix(_Matrix(text, valid), lengths, suffix)


def _timestamp_values(us: _Arr, valid: _Arr | None, suffix: bytes) -> _Values:
    """PostgreSQL text of timestamps given as µs since 1970 (suffix: b'+00' for timestamptz)."""
    if len(us) <= _FEW_VALUES:
        return _per_value(us, valid, lambda v: _timestamp_text_py(v, suffix.decode()))
    outside = (us < _MIN_AD_DAYS * _US_PER_DAY) | (us >= (_MAX_AD_DAYS + 1) * _US_PER_DAY)
    bad = outside if valid is None else outside & valid
    safe = np.where(outside, 0, us)
    days = safe // _US_PER_DAY
    values = _clock_values(len(us), [_dates(days), b" "], safe - days * _US_PER_DAY, valid, suffix)
    suffix_text = suffix.decode()
    return _patch(values, bad, [_timestamp_text_py(int(v), suffix_text) for v in us[bad]])


def _time_values(us: _Arr, valid: _Arr | None, suffix: bytes) -> _Values:
    if len(us) <= _FEW_VALUES:
        return _per_value(us, valid, lambda v: _time_text_py(v) + suffix.decode())
    outside = (us < 0) | (us >= _US_PER_DAY)  # DuckDB allows '24:00:00': printed per value
    bad = outside if valid is None else outside & valid
    values = _clock_values(len(us), [], np.where(outside, 0, us), valid, suffix)
    return _patch(values, bad, [_time_text_py(int(v)) + suffix.decode() for v in us[bad]])


_TS_UNIT_DIVISOR = {"s": -1_000_000, "ms": -1000, "us": 1, "ns": 1000}


def _timestamp_us(arr: Any) -> _Arr:
    """Timestamps (any unit) as int64 µs since 1970, keeping DuckDB's ±infinity sentinels."""
    raw = _raw(arr, np.int64)
    div = _TS_UNIT_DIVISOR[arr.type.unit]
    if div == 1:
        return raw
    inf = np.abs(raw) == _DUCK_TS_INF
    with np.errstate(over="ignore"):
        scaled = raw * -div if div < 0 else np.floor_divide(raw, div)
    return np.where(inf, raw, scaled)


def _time_us(arr: Any) -> _Arr:
    raw = _raw(arr, np.int64)
    return np.floor_divide(raw, 1000) if arr.type.unit == "ns" else raw


# --- per-value text helpers (fallbacks and rare types) --------------------------------------------


def _float_text(x: float, float4: bool) -> str:
    """PostgreSQL float4out/float8out with extra_float_digits > 0 (shortest exact digits)."""
    if 1e-4 <= abs(x) < (1e6 if float4 else 1e15):
        # Python (numpy for float4) and PostgreSQL both write these in plain notation with the
        # shortest digits that round-trip; PostgreSQL leaves out a '.0' (tested).
        text = str(np.float32(x)) if float4 else repr(x)
        return text[:-2] if text.endswith(".0") else text
    return _float_text_exact(x, float4)


def _float_text_exact(x: float, float4: bool) -> str:
    """:func:`_float_text` worked out from the shortest digits, for every value."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    shortest = str(np.float32(x)) if float4 else repr(x)
    sign, digit_tuple, exp = Decimal(shortest).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    assert isinstance(exp, int)
    point = len(digit_tuple) + exp  # position of the decimal point after the first digit group
    if digits == "0":
        return "-0" if sign else "0"
    stripped_lead = len(digit_tuple) - len("".join(map(str, digit_tuple)).lstrip("0"))
    e10 = point - 1 - stripped_lead
    digits = digits.lstrip("0")
    minus = "-" if sign else ""
    if e10 < -4 or e10 >= (6 if float4 else 15):
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{minus}{mantissa}e{'-' if e10 < 0 else '+'}{abs(e10):02d}"
    if e10 < 0:
        return f"{minus}0.{'0' * (-e10 - 1)}{digits}"
    whole = digits[: e10 + 1].ljust(e10 + 1, "0")
    frac = digits[e10 + 1 :]
    return f"{minus}{whole}.{frac}" if frac else f"{minus}{whole}"


def _interval_text(months: int, days: int, us: int) -> str:
    """PostgreSQL interval_out with IntervalStyle 'postgres'."""
    year, mon = int(months / 12), months - int(months / 12) * 12  # C truncation
    parts: list[str] = []
    is_before = False
    for value, unit in ((year, "year"), (mon, "mon"), (days, "day")):
        if value == 0:
            continue
        plus = "+" if is_before and value > 0 else ""
        parts.append(f"{plus}{value} {unit}{'' if value == 1 else 's'}")
        is_before = value < 0
    if not parts or us != 0:
        minus = us < 0
        a = abs(us)
        hours, rest = divmod(a, 3_600_000_000)
        minutes, rest = divmod(rest, 60_000_000)
        seconds, frac = divmod(rest, 1_000_000)
        sign = "-" if minus else ("+" if is_before else "")
        clock = f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}"
        if frac:
            clock += f".{frac:06d}".rstrip("0")
        parts.append(clock)
    return " ".join(parts)


def _bit_string(raw: bytes) -> str:
    """DuckDB's BIT storage (padding-bit count, then bytes with leading padding) as '0101'."""
    if not raw:
        return ""
    bits = "".join(f"{b:08b}" for b in raw[1:])
    return bits[raw[0] :]


def _bit_storage(bits: str) -> bytes:
    pad = (8 - len(bits) % 8) % 8
    padded = "1" * pad + bits
    return bytes([pad]) + int(padded, 2).to_bytes(len(padded) // 8, "big") if padded else b"\0"


def _bit_send(raw: bytes) -> bytes:
    bits = _bit_string(raw)
    nbytes = (len(bits) + 7) // 8
    value = int(bits.ljust(nbytes * 8, "0"), 2) if bits else 0
    return struct.pack("!i", len(bits)) + value.to_bytes(nbytes, "big")


def _bignum_int(raw: bytes) -> int:
    """DuckDB's BIGNUM storage: 3-byte header (sign bit, byte count), big-endian magnitude."""
    if raw[0] & 0x80:
        return int.from_bytes(raw[3:], "big")
    return -int.from_bytes(bytes(255 - b for b in raw[3:]), "big")


def _bignum_storage(value: int) -> bytes:
    magnitude = abs(value).to_bytes(max(1, (abs(value).bit_length() + 7) // 8), "big")
    header = (len(magnitude) | 0x800000).to_bytes(3, "big")
    if value >= 0:
        return header + magnitude
    return bytes(255 - b for b in header + magnitude)


def _numeric_send(value: Decimal | int, dscale: int | None = None) -> bytes:
    """PostgreSQL numeric_send: ndigits, weight, sign, dscale, base-10000 digits."""
    d = Decimal(value) if isinstance(value, int) else value
    if d.is_nan():
        return struct.pack("!hhHh", 0, 0, 0xC000, 0)
    if d.is_infinite():
        return struct.pack("!hhHh", 0, 0, 0xF000 if d < 0 else 0xD000, 0)
    sign, digit_tuple, exp = d.as_tuple()
    assert isinstance(exp, int)
    scale = max(-exp, 0) if dscale is None else dscale
    digits = "".join(map(str, digit_tuple))
    if exp >= 0:
        whole, frac = digits + "0" * exp, ""
    elif len(digits) > -exp:
        whole, frac = digits[:exp], digits[exp:]
    else:
        whole, frac = "", digits.rjust(-exp, "0")
    whole = whole.lstrip("0")
    whole = whole.rjust((len(whole) + 3) // 4 * 4, "0")
    frac = frac.ljust((len(frac) + 3) // 4 * 4, "0")
    groups = [int(whole[i : i + 4]) for i in range(0, len(whole), 4)]
    weight = len(groups) - 1
    groups += [int(frac[i : i + 4]) for i in range(0, len(frac), 4)]
    while groups and groups[0] == 0:
        groups.pop(0)
        weight -= 1
    while groups and groups[-1] == 0:
        groups.pop()
    if not groups:
        weight = 0
    return struct.pack(
        f"!hhHh{len(groups)}H", len(groups), weight, 0x4000 if sign else 0, scale, *groups
    )


# --- vectorised text encoders ---------------------------------------------------------------------

_ARRAY_QUOTE = r'^$|^[Nn][Uu][Ll][Ll]$|[{},"\\ \t\n\r\x0b\x0c]'
_RECORD_QUOTE = r'^$|[(),"\\ \t\n\r\x0b\x0c]'


def _quote_elements(texts: Any, pattern: str, escape: str) -> Any:
    """Double-quote the values matching pattern, escaping '"' and '\\' (PG array/record rules)."""
    texts = _as_binary(texts).cast(pa.string())
    needs = pc.match_substring_regex(texts, pattern)
    if not pc.any(needs).as_py():
        return texts
    escaped = pc.replace_substring_regex(texts, r'(["\\])', escape)
    quoted = pc.binary_join_element_wise(_lit('"'), escaped, _lit('"'), _lit(""))
    return pc.if_else(needs, quoted, texts)


def _list_parts(arr: Any) -> tuple[_Arr, Any]:
    """(offsets starting at 0, the child values those offsets cover) of a list array."""
    if pa.types.is_fixed_size_list(arr.type):
        arr = pc.cast(arr, pa.list_(arr.type.value_field))
    offsets = np.asarray(arr.offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    start, end = int(offsets[0]), int(offsets[-1])
    return offsets - start, arr.values.slice(start, end - start)


def _rebuild_list(arr: Any, offsets: _Arr, child: Any) -> Any:
    mask = pc.is_null(arr) if arr.null_count else None
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), child, mask=mask)


def _text_list(arr: Any, d: _Duck) -> _Values:
    element = d.element
    offsets, child = _list_parts(arr)
    texts = _as_array(_text_values(child, element)).cast(pa.string())
    # Sub-arrays are written bare, as PostgreSQL writes multi-dimensional arrays.
    no_quote = element.kind in ("LIST", "ARRAY") or (
        element.kind in _SCALARS and _SCALARS[element.kind].no_quote
    )
    if not no_quote:
        texts = _quote_elements(texts, _ARRAY_QUOTE, r"\\\1")
    texts = texts.fill_null(_lit("NULL"))
    joined = pc.binary_join(_rebuild_list(arr, offsets, texts), _lit(","))
    return pc.binary_join_element_wise(_lit("{"), joined, _lit("}"), _lit(""))


def _text_struct(arr: Any, d: _Duck) -> _Values:
    parts = []
    for child, (_, child_type) in zip(arr.flatten(), d.fields, strict=True):
        texts = _as_array(_text_values(child, child_type)).cast(pa.string())
        parts.append(_quote_elements(texts, _RECORD_QUOTE, r"\1\1").fill_null(_lit("")))
    if not parts:
        return pa.array(["()"] * len(arr), pa.string())
    joined = pc.binary_join_element_wise(*parts, _lit(","))
    wrapped = pc.binary_join_element_wise(_lit("("), joined, _lit(")"), _lit(""))
    if arr.null_count:
        wrapped = pc.if_else(pc.is_valid(arr), wrapped, _lit(None, "string"))
    return wrapped


def _text_map(arr: Any, d: _Duck) -> _Values:
    """DuckDB's own map text, '{k=v, k2=v2}' (PostgreSQL has no map type)."""
    offsets, entries = _list_parts(arr)
    keys, items = entries.flatten()
    ktext = _as_array(_text_values(keys, d.fields[0][1])).cast(pa.string()).fill_null(_lit("NULL"))
    vtext = _as_array(_text_values(items, d.fields[1][1])).cast(pa.string()).fill_null(_lit("NULL"))
    pairs = pc.binary_join_element_wise(ktext, vtext, _lit("="))
    joined = pc.binary_join(_rebuild_list(arr, offsets, pairs), _lit(", "))
    return pc.binary_join_element_wise(_lit("{"), joined, _lit("}"), _lit(""))


def _text_union(arr: Any, d: _Duck) -> _Values:
    members = [
        _as_array(_text_values(arr.field(i), member)).cast(pa.string())
        for i, (_, member) in enumerate(d.fields)
    ]
    codes = _raw(arr, np.int8).astype(np.int64)  # arr.type_codes ignores the slice offset
    index_of = {code: i for i, code in enumerate(arr.type.type_codes)}
    index = np.vectorize(index_of.__getitem__, otypes=[np.int64])(codes) if len(codes) else codes
    return pc.choose(pa.array(index, pa.int8()), *members)


def _arrow_prints_plain_floats() -> bool:
    """Whether Arrow's float -> string cast writes plain notation (as PostgreSQL does) for every
    magnitude in [1e-4, 1e6) (float4) and [1e-4, 1e10) (float8); checked once, since the fast
    path of _text_float relies on it."""
    probes = [1e-4, 1.2345678901234567e-4, 0.1, 1.5, 123456.7, 999999.94]
    float8 = [*probes, 1234567.0, 9999999999.999998, 123456789.125, 1e9, 1e-4 * 3]
    checks = [(pa.array(float8, pa.float64()), False), (pa.array(probes, pa.float32()), True)]
    for arr, float4 in checks:
        texts = pc.cast(arr, pa.string()).to_pylist()
        values = arr.to_numpy()
        if texts != [_float_text(float(v), float4) for v in values]:
            return False
    return True


_PLAIN_FLOATS = _arrow_prints_plain_floats()


def value_texts(arr: pa.Array) -> pa.Array:
    """A float4, float8 or interval Arrow array as the text PostgreSQL writes for each value
    (NULL stays NULL): what the wire sends, for SQL's own casts to text (engine.pgfunctions)."""
    write = _text_interval if pa.types.is_interval(arr.type) else _text_float
    texts = write(arr, None)
    return texts if isinstance(texts, pa.Array) else pa.array(texts, pa.string())


def _text_float(arr: Any, d: _Duck | None) -> _Values:
    """Arrow's shortest round-trip digits, with PostgreSQL's choice of notation patched in."""
    float4 = arr.type == pa.float32()
    x = _raw(arr, np.float32 if float4 else np.float64)
    if len(x) <= _FEW_VALUES:
        return _per_value(x, _valid_mask(arr), lambda v: _float_text(v, float4))
    texts = pc.cast(arr, pa.string())
    valid = _valid_mask(arr)
    finite = np.isfinite(x)
    ax = np.abs(x)
    lo = np.float32(1e-4) if float4 else 1e-4
    hi = np.float32(1e6) if float4 else 1e15
    if _PLAIN_FLOATS:
        # Where Arrow and PostgreSQL both write plain notation there is nothing to patch.
        suspect = ~finite | ((ax < lo) & (ax != 0)) | (ax >= (hi if float4 else 1e10))
        if valid is not None:
            suspect &= valid
        if not suspect.any():
            return texts
    want_e = finite & (ax != 0) & ((ax < lo) | (ax >= hi))
    has_e = _bool_mask(pc.match_substring(texts, "e"))
    bad = ~finite | (has_e != want_e)
    if valid is not None:
        bad &= valid
    if (has_e & want_e).any():  # Arrow writes 'e-7' where PostgreSQL writes 'e-07'
        texts = pc.replace_substring_regex(texts, r"e([-+])(\d)$", r"e\10\2")
    if bad.any():
        texts = _replace_where(texts, bad, [_float_text(float(v), float4) for v in x[bad]])
    return texts


def _unconstrained(d: _Duck) -> bool:
    """Whether a DECIMAL is the server's numeric without a precision (engine.arithmetic
    .NUMERIC) or arithmetic's result on it: described without a typmod, its values written
    without trailing fraction zeros (0.0001 and 5, as PostgreSQL writes them, not
    0.0001000000 and 5.0000000000)."""
    return unconstrained(d.precision, d.scale)


def _text_decimal(arr: Any, d: _Duck) -> _Values:
    texts = pc.cast(arr, pa.string())
    # Arrow switches to scientific notation ('1E-10', '0E-10') for tiny values; PG never does.
    bad = _bool_mask(pc.match_substring(texts, "E"))
    if bad.any():
        scale = arr.type.scale
        zero = "0." + "0" * scale if scale > 0 else "0"
        values = arr.filter(pa.array(bad)).to_pylist()
        texts = _replace_where(
            texts, bad, [format(v, "f") if v != 0 else zero for v in values]
        )
    if _unconstrained(d):
        texts = pc.replace_substring_regex(texts, TRAILING_ZEROS, "")
    return texts


def _text_cast(arr: Any, d: _Duck) -> _Values:
    return pc.cast(arr, pa.string())


def _text_as_is(arr: Any, d: _Duck) -> _Values:
    return arr


def _text_bool(arr: Any, d: _Duck) -> _Values:
    return pc.if_else(arr, _lit("t"), _lit("f"))


_HEX = np.array([f"{i:02x}".encode() for i in range(256)], dtype="S2").view(np.uint16)


def _text_bytea(arr: Any, d: _Duck) -> _Values:
    """'\\x' + lowercase hex, vectorised through a byte -> two-hex-digits table."""
    arr = _as_binary(arr)
    offsets, data = _binary_parts(arr)
    start, end = int(offsets[0]), int(offsets[-1])
    hexed = _HEX[np.frombuffer(data, np.uint8, count=end - start, offset=start)]
    body = pa.Array.from_buffers(
        pa.binary(),
        len(arr),
        [_validity_buffer(arr), pa.py_buffer((2 * (offsets - start)).astype(np.int32)),
         pa.py_buffer(hexed)],
        null_count=arr.null_count,
    )
    return pc.binary_join_element_wise(_lit(b"\\x"), body, _lit(b""))


def _text_date(arr: Any, d: _Duck) -> _Values:
    return _date_values(_raw(arr, np.int32).astype(np.int64), _valid_mask(arr))


def _text_timestamp(arr: Any, d: _Duck) -> _Values:
    if d.kind != "TIMESTAMP WITH TIME ZONE":
        return _timestamp_values(_timestamp_us(arr), _valid_mask(arr), b"")
    zone = arr.type.tz if pa.types.is_timestamp(arr.type) else None
    if zone in (None, "UTC", "Etc/UTC"):
        return _timestamp_values(_timestamp_us(arr), _valid_mask(arr), b"+00")
    return _zoned_timestamp_values(_timestamp_us(arr), _valid_mask(arr), zone)


def _zoned_timestamp_values(us: _Arr, valid: _Arr | None, zone: str) -> _Values:
    """``timestamptz`` text in a session time zone other than UTC (DuckDB's Arrow export names
    it, from its TimeZone setting): the local wall-clock time, then its offset as PostgreSQL
    prints it (``2024-07-01 08:00:00-04``, ``+05:30``, ``-04:56:02`` before 1883)."""
    finite = np.abs(us) < _DUCK_TS_INF
    lowest, highest = _MIN_AD_DAYS * _US_PER_DAY, (_MAX_AD_DAYS + 1) * _US_PER_DAY - 1
    clipped = np.clip(us, lowest, highest)  # BC / far future: the first / last known offset
    try:
        local = _raw(pc.local_timestamp(pa.array(clipped, pa.timestamp("us", tz=zone))),
                     np.int64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a zone Arrow does not know
        return _timestamp_values(us, valid, b"+00")  # the same instants, in UTC
    offsets = np.where(finite, (local - clipped) // 1_000_000, 0)
    local_us = np.where(finite, us + offsets * 1_000_000, us)
    values = _timestamp_values(local_us, valid, b"")
    texts = _matrix_to_array(values) if isinstance(values, _Matrix) else _as_binary(values)
    # A zone has few offsets, all within a day: each is spelled once, then gathered.
    lowest_offset = int(offsets.min()) if len(offsets) else 0
    shifted = offsets - lowest_offset
    kinds = np.flatnonzero(np.bincount(shifted))
    which = np.zeros(len(kinds) and int(kinds[-1]) + 1, np.int64)
    which[kinds] = np.arange(len(kinds))
    suffixes = pa.array([_offset_text(int(k) + lowest_offset).encode() for k in kinds],
                        pa.binary()).take(pa.array(which[shifted]))
    joined = pc.binary_join_element_wise(texts, suffixes, _lit(b""))
    # PostgreSQL puts the offset before " BC", and none after infinity.
    odd = ~finite | (local_us < lowest)
    if valid is not None:
        odd &= valid
    return _replace_where(joined, odd, [
        _timestamp_text_py(int(v), _offset_text(int(o)) if abs(v) < _DUCK_TS_INF else "")
        for v, o in zip(local_us[odd], offsets[odd], strict=True)])


def _offset_text(seconds: int) -> str:
    """A UTC offset as PostgreSQL prints it: ``+00``, ``-04``, ``+05:30``, ``-04:56:02``."""
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}" + (f":{minutes:02d}" if minutes or secs else "") + (
        f":{secs:02d}" if secs else "")


def _text_time(arr: Any, d: _Duck) -> _Values:
    suffix = b"+00" if d.kind == "TIME WITH TIME ZONE" else b""
    return _time_values(_time_us(arr), _valid_mask(arr), suffix)


_MDN = np.dtype([("months", "<i4"), ("days", "<i4"), ("nanos", "<i8")])


def _interval_fields(arr: Any) -> _Arr:
    buf = arr.buffers()[1]
    if buf is None:
        return np.zeros(len(arr), _MDN)
    return np.frombuffer(buf, dtype=_MDN, count=len(arr), offset=arr.offset * 16)


def _text_interval(arr: Any, d: _Duck | None) -> _Values:
    fields = _interval_fields(arr)
    valid = _valid_mask(arr)
    columns = (fields["months"].tolist(), fields["days"].tolist(), fields["nanos"].tolist())
    texts = [
        _interval_text(int(m), int(dd), int(ns) // 1000) for m, dd, ns in zip(*columns, strict=True)
    ]
    return pa.array(texts, pa.string(), mask=None if valid is None else ~valid)


def _text_bit(arr: Any, d: _Duck) -> _Values:
    return _map_values(_as_binary(arr), _bit_string)


def _text_bignum(arr: Any, d: _Duck) -> _Values:
    storage = arr.storage if isinstance(arr, pa.ExtensionArray) else arr
    return _map_values(_as_binary(storage), lambda raw: str(_bignum_int(raw)))


def _text_null(arr: Any, d: _Duck) -> _Values:
    return _null_array(len(arr))


_DUCK_FOR_ARROW: tuple[tuple[Callable[[Any], bool], str], ...] = (
    (pa.types.is_boolean, "BOOLEAN"),
    (lambda t: t == pa.int8(), "TINYINT"),
    (lambda t: t == pa.int16(), "SMALLINT"),
    (lambda t: t == pa.int32(), "INTEGER"),
    (lambda t: t == pa.int64(), "BIGINT"),
    (lambda t: t == pa.uint8(), "UTINYINT"),
    (lambda t: t == pa.uint16(), "USMALLINT"),
    (lambda t: t == pa.uint32(), "UINTEGER"),
    (lambda t: t == pa.uint64(), "UBIGINT"),
    (lambda t: t == pa.float32(), "FLOAT"),
    (lambda t: t == pa.float64(), "DOUBLE"),
    (pa.types.is_string, "VARCHAR"),
    (pa.types.is_binary, "BLOB"),
    (pa.types.is_date32, "DATE"),
    (lambda t: pa.types.is_time64(t) and t.unit == "us", "TIME"),
    (lambda t: pa.types.is_time64(t) and t.unit == "ns", "TIME_NS"),
    (lambda t: pa.types.is_timestamp(t) and t.tz is not None, "TIMESTAMP WITH TIME ZONE"),
    (lambda t: pa.types.is_timestamp(t) and t.unit == "us", "TIMESTAMP"),
    (lambda t: pa.types.is_timestamp(t) and t.unit == "ns", "TIMESTAMP_NS"),
    (lambda t: pa.types.is_timestamp(t) and t.unit == "ms", "TIMESTAMP_MS"),
    (lambda t: pa.types.is_timestamp(t) and t.unit == "s", "TIMESTAMP_S"),
    (pa.types.is_interval, "INTERVAL"),
    (pa.types.is_null, "NULL"),
)


def _duck_from_arrow(t: Any) -> _Duck:
    """The DuckDB type whose encoders print Arrow values of type t (for types this module does
    not know, e.g. VARIANT or GEOMETRY, which are then shown as the text of their Arrow form)."""
    if pa.types.is_decimal(t):
        return _Duck("DECIMAL", str(t), precision=t.precision, scale=t.scale)
    if pa.types.is_dictionary(t):
        return _duck_from_arrow(t.value_type)
    if isinstance(t, pa.ExtensionType):
        return _duck_from_arrow(t.storage_type)
    fields: tuple[tuple[str, _Duck], ...]
    if pa.types.is_map(t):
        fields = (("key", _duck_from_arrow(t.key_type)), ("value", _duck_from_arrow(t.item_type)))
        return _Duck("MAP", str(t), fields)
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return _Duck("LIST", str(t), (("", _duck_from_arrow(t.value_type)),))
    if pa.types.is_struct(t) or pa.types.is_union(t):
        fields = tuple((t.field(i).name, _duck_from_arrow(t.field(i).type))
                       for i in range(t.num_fields))
        return _Duck("STRUCT" if pa.types.is_struct(t) else "UNION", str(t), fields)
    for matches, kind in _DUCK_FOR_ARROW:
        if matches(t):
            return _Duck(kind, kind)
    return _Duck("?", str(t))


def _text_unknown(arr: Any, d: _Duck) -> _Values:
    shown = _duck_from_arrow(arr.type)
    if shown.kind in _TEXT:
        return _TEXT[shown.kind](arr.storage if isinstance(arr, pa.ExtensionArray) else arr, shown)
    try:
        return pc.cast(arr, pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return _map_values(arr, str)


_TextFn = Callable[[Any, _Duck], _Values]

_TEXT: dict[str, _TextFn] = {
    "BOOLEAN": _text_bool,
    "TINYINT": _text_cast,
    "UTINYINT": _text_cast,
    "SMALLINT": _text_cast,
    "USMALLINT": _text_cast,
    "INTEGER": _text_cast,
    "UINTEGER": _text_cast,
    "BIGINT": _text_cast,
    "UBIGINT": _text_cast,
    "HUGEINT": _text_cast,
    "UHUGEINT": _text_cast,
    "BIGNUM": _text_bignum,
    "FLOAT": _text_float,
    "DOUBLE": _text_float,
    "DECIMAL": _text_decimal,
    "VARCHAR": _text_as_is,
    "JSON": _text_as_is,
    "UUID": _text_as_is,
    "ENUM": _text_as_is,
    "BLOB": _text_bytea,
    "BIT": _text_bit,
    "DATE": _text_date,
    "TIME": _text_time,
    "TIME_NS": _text_time,
    "TIME WITH TIME ZONE": _text_time,
    "TIMESTAMP": _text_timestamp,
    "TIMESTAMP_S": _text_timestamp,
    "TIMESTAMP_MS": _text_timestamp,
    "TIMESTAMP_NS": _text_timestamp,
    "TIMESTAMP WITH TIME ZONE": _text_timestamp,
    "INTERVAL": _text_interval,
    "NULL": _text_null,
    "LIST": _text_list,
    "ARRAY": _text_list,
    "STRUCT": _text_struct,
    "MAP": _text_map,
    "UNION": _text_union,
}


def _normalise(arr: Any) -> Any:
    """Undo Arrow encodings that do not change values: dictionaries, views, large offsets."""
    t = arr.type
    if pa.types.is_dictionary(t):
        return _normalise(arr.dictionary_decode())
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return pc.cast(arr, pa.string())
    if pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
        return pc.cast(arr, pa.binary())
    if pa.types.is_large_list(t) or pa.types.is_list_view(t) or pa.types.is_large_list_view(t):
        return pc.cast(arr, pa.list_(t.value_field))
    return arr


def _text_values(arr: Any, d: _Duck) -> _Values:
    """PostgreSQL text output for every value of arr (NULL stays NULL)."""
    arr = _normalise(arr)
    if pa.types.is_null(arr.type):
        return _null_array(len(arr))
    return _TEXT.get(d.kind, _text_unknown)(arr, d)


# --- vectorised binary encoders -------------------------------------------------------------------


def _bin_int(dtype: str) -> Callable[[Any, _Duck], _Values]:
    def encode(arr: Any, d: _Duck) -> _Values:
        return _fixed_from(_raw(arr, arr.type.to_pandas_dtype()), dtype, _valid_mask(arr))

    return encode


def _bin_bool(arr: Any, d: _Duck) -> _Values:
    valid = _valid_mask(arr)
    values = np.asarray(arr.fill_null(_lit(False)).to_numpy(zero_copy_only=False), dtype=np.uint8)
    return _Matrix(values.reshape(len(values), 1), valid)


def _bin_date(arr: Any, d: _Duck) -> _Values:
    days = _raw(arr, np.int32).astype(np.int64)
    pg = np.where(
        days >= _DUCK_DATE_INF,
        _INT32_MAX,
        np.where(days <= -_DUCK_DATE_INF, -_INT32_MAX - 1, days - _PG_EPOCH_DAYS),
    )
    return _fixed_from(pg, ">i4", _valid_mask(arr))


def _bin_timestamp(arr: Any, d: _Duck) -> _Values:
    us = _timestamp_us(arr)
    with np.errstate(over="ignore"):
        shifted = us - _PG_EPOCH_US
    pg = np.where(us >= _DUCK_TS_INF, _INT64_MAX, shifted)
    pg = np.where(us <= -_DUCK_TS_INF, -_INT64_MAX - 1, pg)
    return _fixed_from(pg, ">i8", _valid_mask(arr))


def _bin_time(arr: Any, d: _Duck) -> _Values:
    return _fixed_from(_time_us(arr), ">i8", _valid_mask(arr))


def _bin_timetz(arr: Any, d: _Duck) -> _Values:
    m = _fixed_from(_time_us(arr), ">i8", _valid_mask(arr))
    zone = np.zeros((len(arr), 4), np.uint8)  # the offset is lost in DuckDB's Arrow export: UTC
    return _Matrix(np.hstack([m.data, zone]), m.valid)


_PG_INTERVAL = np.dtype([("us", ">i8"), ("days", ">i4"), ("months", ">i4")])


def _bin_interval(arr: Any, d: _Duck) -> _Values:
    fields = _interval_fields(arr)
    out = np.empty(len(arr), _PG_INTERVAL)
    out["us"] = np.floor_divide(fields["nanos"], 1000)
    out["days"] = fields["days"]
    out["months"] = fields["months"]
    return _Matrix(out.view(np.uint8).reshape(len(arr), 16), _valid_mask(arr))


_UNHEX = np.zeros(256, np.uint8)
for _i, _c in enumerate(b"0123456789abcdef"):
    _UNHEX[_c] = _i
for _i, _c in enumerate(b"ABCDEF"):
    _UNHEX[_c] = 10 + _i
_UUID_HEX_COLUMNS = np.array([i for i in range(36) if i not in (8, 13, 18, 23)])


def _bin_uuid(arr: Any, d: _Duck) -> _Values:
    valid = _valid_mask(arr)
    zero = _lit("00000000-0000-0000-0000-000000000000")
    filled = arr.fill_null(zero) if valid is not None else arr
    filled = _as_binary(filled)
    offsets, data = _binary_parts(filled)
    n = len(filled)
    if n == 0 or not np.all(offsets[1:] - offsets[:-1] == 36):
        return _map_values(arr, lambda v: uuid.UUID(v).bytes)
    text = np.frombuffer(data, np.uint8, count=36 * n, offset=int(offsets[0])).reshape(n, 36)
    nibbles = _UNHEX[text[:, _UUID_HEX_COLUMNS]]
    return _Matrix((nibbles[:, 0::2] << 4) | nibbles[:, 1::2], valid)


def _bin_as_is(arr: Any, d: _Duck) -> _Values:
    return _as_binary(arr)


def _bin_text(arr: Any, d: _Duck) -> _Values:
    """Types shown as text (nested values, maps, unions): the binary form is the text."""
    return _text_values(arr, d)


_NUMERIC_HEAD = np.dtype(
    [("ndigits", ">i2"), ("weight", ">i2"), ("sign", ">u2"), ("dscale", ">i2")]
)
_DEC128 = np.dtype([("lo", "<u8"), ("hi", "<i8")])


def _pow10(e: int) -> np.uint64:
    return np.uint64(10**e)


def _numeric_matrix(magnitude: _Arr, negative: _Arr, scale: int, valid: _Arr | None,
                    trim: bool = False) -> _Matrix:
    """numeric_send for n values magnitude * 10**-scale (magnitude uint64), vectorised: the
    base-10000 groups of the integer and fraction parts, then leading and trailing zero groups
    dropped per row. With ``trim`` each value's display scale leaves out its trailing fraction
    zeros (the unconstrained numeric, ``_unconstrained``)."""
    n = len(magnitude)
    frac_groups = (scale + 3) // 4
    if scale <= 19:
        whole = magnitude // _pow10(scale)
        rest = magnitude - whole * _pow10(scale)
    else:  # magnitude < 2**64 < 10**scale: no integer part
        whole, rest = np.zeros(n, np.uint64), magnitude
    groups = np.zeros((n, 5 + frac_groups), np.int64)
    for j in range(5):  # 2**64 < 10**20: at most five integer groups
        groups[:, 4 - j] = (whole // _pow10(4 * j)) % np.uint64(10_000)
    for k in range(1, frac_groups + 1):
        e = scale - 4 * k
        if e >= 20:
            continue  # rest < 10**20 <= 10**e: the group is 0
        if e >= 0:
            groups[:, 4 + k] = (rest // _pow10(e)) % np.uint64(10_000)
        else:  # the last group, padded on the right
            above = scale - 4 * (k - 1)
            tail = rest % _pow10(above) if above < 20 else rest
            groups[:, 4 + k] = tail * _pow10(-e)
    nonzero = groups != 0
    width = groups.shape[1]
    any_digit = nonzero.any(axis=1)
    lead = np.where(any_digit, nonzero.argmax(axis=1), 0)
    trail = np.where(any_digit, nonzero[:, ::-1].argmax(axis=1), width)
    ndigits = width - lead - trail
    columns = np.minimum(lead[:, None] + np.arange(width), width - 1)
    digits = np.take_along_axis(groups, columns, axis=1).astype(">u2")
    head = np.empty(n, _NUMERIC_HEAD)
    head["ndigits"] = ndigits
    head["weight"] = np.where(any_digit, 4 - lead, 0)
    head["sign"] = np.where(negative & any_digit, 0x4000, 0)
    head["dscale"] = _trimmed_scales(magnitude, scale) if trim else scale
    data = np.hstack([head.view(np.uint8).reshape(n, 8), digits.view(np.uint8).reshape(n, -1)])
    return _Matrix(data, valid, 8 + 2 * ndigits)


def _trimmed_scales(magnitude: _Arr, scale: int) -> _Arr:
    """Per value, the fraction digits of magnitude * 10**-scale without its trailing zeros."""
    scales = np.full(len(magnitude), scale, np.int64)
    for e in range(1, min(scale, 19) + 1):  # a nonzero uint64 has at most 19 trailing zeros
        scales -= (magnitude % _pow10(e) == 0)
    scales[magnitude == 0] = 0
    return scales


def _bin_numeric(arr: Any, d: _Duck) -> _Values:
    """numeric_send: vectorised for values that fit 64 bits, per value beyond."""
    if isinstance(arr, pa.ExtensionArray):
        return _map_values(_as_binary(arr.storage), lambda raw: _numeric_send(_bignum_int(raw)))
    valid = _valid_mask(arr)
    if not pa.types.is_decimal(arr.type):  # UBIGINT
        unsigned = _raw(arr, np.uint64)
        return _numeric_matrix(unsigned, np.zeros(len(unsigned), bool), 0, valid)
    if not pa.types.is_decimal128(arr.type):
        return _map_values(arr, lambda v: _numeric_send(v, arr.type.scale))
    raw = _raw(arr, _DEC128)
    lo, hi = raw["lo"], raw["hi"]
    negative = hi < 0
    fits = np.where(negative, (hi == -1) & (lo >= np.uint64(1 << 63)), (hi == 0))
    magnitude = np.where(negative, ~lo + np.uint64(1), lo)
    trim = _unconstrained(d)
    values = _numeric_matrix(magnitude, negative, arr.type.scale, valid, trim)
    wide = ~fits if valid is None else ~fits & valid
    if not wide.any():
        return values
    scale = arr.type.scale
    exact = arr.filter(pa.array(wide)).to_pylist()
    return _replace_where(
        _matrix_to_array(values), wide,
        [_numeric_send(v, _display_scale(v) if trim else scale) for v in exact])


def _display_scale(value: Decimal) -> int:
    """The fraction digits of ``value`` without its trailing zeros."""
    return len(format(value, "f").partition(".")[2].rstrip("0"))


def _bin_bit(arr: Any, d: _Duck) -> _Values:
    return _map_values(_as_binary(arr), _bit_send)


def _bin_list(arr: Any, d: _Duck) -> _Values:
    """PostgreSQL array_send for a 1-D array: header, then a length word and bytes per element."""
    element = d.element
    element_oid = _pg_for(element)[0].oid
    offsets, child = _list_parts(arr)
    cells = _cells(_binary_values(child, element))
    lists = _rebuild_list(arr, offsets, cells)
    body = pc.binary_join(lists, _lit(b""))
    n = len(arr)
    counts = offsets[1:] - offsets[:-1]
    child_valid = _valid_mask(child)
    if child_valid is None:
        has_null = np.zeros(n, bool)
    else:
        seen = np.zeros(len(child) + 1, np.int64)
        np.cumsum(~child_valid, out=seen[1:])
        has_null = (seen[offsets[1:]] - seen[offsets[:-1]]) > 0
    head = np.empty(n, np.dtype([("ndim", ">i4"), ("flags", ">i4"), ("oid", ">u4")]))
    head["ndim"] = counts > 0
    head["flags"] = has_null
    head["oid"] = element_oid
    dims = np.empty(n, np.dtype([("len", ">i4"), ("lbound", ">i4")]))
    dims["len"] = counts
    dims["lbound"] = 1
    head_arr = _matrix_to_array(_Matrix(head.view(np.uint8).reshape(n, 12)))
    dims_arr = _matrix_to_array(_Matrix(dims.view(np.uint8).reshape(n, 8), counts > 0))
    joined = pc.binary_join_element_wise(head_arr, dims_arr, body, _lit(b""), options=_SKIP_NULLS)
    if arr.null_count:
        joined = pc.if_else(pc.is_valid(arr), joined, _lit(None, "binary"))
    return joined


_BinFn = Callable[[Any, _Duck], _Values]

_BINARY: dict[str, _BinFn] = {
    "BOOLEAN": _bin_bool,
    "TINYINT": _bin_int(">i2"),
    "UTINYINT": _bin_int(">i2"),
    "SMALLINT": _bin_int(">i2"),
    "USMALLINT": _bin_int(">i4"),
    "INTEGER": _bin_int(">i4"),
    "UINTEGER": _bin_int(">u4"),
    "BIGINT": _bin_int(">i8"),
    "FLOAT": _bin_int(">f4"),
    "DOUBLE": _bin_int(">f8"),
    "UBIGINT": _bin_numeric,
    "HUGEINT": _bin_numeric,
    "UHUGEINT": _bin_numeric,
    "BIGNUM": _bin_numeric,
    "DECIMAL": _bin_numeric,
    "VARCHAR": _bin_as_is,
    "JSON": _bin_as_is,
    "ENUM": _bin_as_is,
    "BLOB": _bin_as_is,
    "UUID": _bin_uuid,
    "BIT": _bin_bit,
    "DATE": _bin_date,
    "TIME": _bin_time,
    "TIME_NS": _bin_time,
    "TIME WITH TIME ZONE": _bin_timetz,
    "TIMESTAMP": _bin_timestamp,
    "TIMESTAMP_S": _bin_timestamp,
    "TIMESTAMP_MS": _bin_timestamp,
    "TIMESTAMP_NS": _bin_timestamp,
    "TIMESTAMP WITH TIME ZONE": _bin_timestamp,
    "INTERVAL": _bin_interval,
    "NULL": _text_null,
}


def _binary_values(arr: Any, d: _Duck) -> _Values:
    """PostgreSQL binary (send) output for every value of arr (NULL stays NULL)."""
    arr = _normalise(arr)
    if pa.types.is_null(arr.type):
        return _null_array(len(arr))
    pg = _pg_for(d)[0]
    if d.kind in ("LIST", "ARRAY") and pg.oid != _PG["text"].oid:
        return _bin_list(arr, d)
    fn = _BINARY.get(d.kind)
    if fn is not None:
        return fn(arr, d)
    if pg.oid in (_PG["text"].oid, _PG["varchar"].oid, _PG["json"].oid):
        return _bin_text(arr, d)
    raise SqlError(
        SqlState.FEATURE_NOT_SUPPORTED,
        f"binary output is not supported for type {pg.name} (DuckDB {d.text})",
        hint="Request this column in text format.",
    )


def _cells(values: _Values) -> Any:
    """Length-prefixed wire cells (-1 and no bytes for NULL) as a non-null pa.binary() array."""
    if isinstance(values, _Matrix) and values.lengths is None and values.valid is None:
        n, w = values.data.shape
        prefix = np.empty((n, 4), np.uint8)
        prefix[:] = np.frombuffer(struct.pack("!i", w), np.uint8)
        return _matrix_to_array(_Matrix(np.hstack([prefix, values.data])))
    arr = _as_binary(_as_array(values))
    lengths = _wire_lengths(arr)
    prefix = lengths.astype(">i4").view(np.uint8).reshape(len(arr), 4)
    return pc.binary_join_element_wise(
        _matrix_to_array(_Matrix(prefix)), arr, _lit(b""), options=_SKIP_NULLS
    )


def _wire_lengths(arr: Any) -> _Arr:
    """Byte length of each value of a binary array, -1 for NULL."""
    offsets, _ = _binary_parts(arr)
    lengths = offsets[1:] - offsets[:-1]
    valid = _valid_mask(arr)
    if valid is not None:
        lengths = np.where(valid, lengths, -1)
    return lengths


# --- DataRow assembly -----------------------------------------------------------------------------

# Batches are encoded in slices whose output stays well inside Arrow's 32-bit offsets.
_MAX_SLICE_BYTES = 1 << 29


class _RowPieces:
    """Collects the pieces of every row left to right.  Fixed-width pieces (constants and per-row
    byte strings) that follow each other are laid side by side in one matrix; variable-length
    Arrow arrays stand alone.  join() concatenates them row by row into one buffer."""

    def __init__(self, n: int) -> None:
        self.n = n
        # Each piece: a pa.Array, or a run (list) of fixed parts: bytes or V-typed numpy arrays.
        self.pieces: list[Any] = [[]]
        self.sizes = np.zeros(n, np.int64)  # bytes per row so far

    def fixed(self, part: _Arr | bytes) -> None:
        if not isinstance(self.pieces[-1], list):
            self.pieces.append([])
        self.pieces[-1].append(part)
        self.sizes += len(part) if isinstance(part, bytes) else part.dtype.itemsize

    def variable(self, arr: Any, lengths: _Arr | None = None) -> None:
        """A binary array; NULL values contribute no bytes."""
        self.pieces.append(arr)
        self.sizes += np.maximum(_wire_lengths(arr) if lengths is None else lengths, 0)

    def join(self, head: Sequence[_Arr | bytes] = ()) -> bytes:
        """The rows, each starting with the head parts (which are not counted in sizes)."""
        self.pieces[0][:0] = head
        if len(self.pieces) == 1:
            return bytes(_compose(self.n, self.pieces[0]).data)
        arrays = [
            _matrix_to_array(_Matrix(_compose(self.n, p))) if isinstance(p, list) else p
            for p in self.pieces
        ]
        joined = pc.binary_join_element_wise(*arrays, _lit(b""), options=_SKIP_NULLS)
        offsets, data = _binary_parts(joined)
        out: bytes = data.slice(int(offsets[0]), int(offsets[-1] - offsets[0])).to_pybytes()
        return out


def _length_words(lengths: _Arr) -> _Arr:
    """int32 big-endian length words as V4 values."""
    return lengths.astype(">i4").view("V4")


def _encode_slice(batch: Any, ducks: Sequence[_Duck], formats: Sequence[int],
                  tag: bytes = b"D") -> bytes:
    n, columns = batch.num_rows, batch.columns
    rows = _RowPieces(n)
    for arr, d, fmt in zip(columns, ducks, formats, strict=True):
        values = _binary_values(arr, d) if fmt == 1 else _text_values(arr, d)
        if isinstance(values, _Matrix) and values.lengths is None:
            w = values.data.shape[1]
            if values.valid is None:
                rows.fixed(struct.pack("!i", w))
                if w:
                    rows.fixed(np.ascontiguousarray(values.data).view(f"V{w}").ravel())
                continue
            lengths = np.where(values.valid, w, -1)
        else:
            values = _as_binary(_as_array(values))
            lengths = _wire_lengths(values)
        rows.fixed(_length_words(lengths))
        rows.variable(_as_array(values), lengths)
    # 'D', then the message length (counting itself and the column count), then the count.
    return rows.join([tag, _length_words(rows.sizes + 6), struct.pack("!h", len(columns))])


def _slices(batch: Any, extra_per_row: int) -> Iterable[Any]:
    n = batch.num_rows
    estimate = 3 * batch.nbytes + extra_per_row * n + 1
    step = max(1, n * _MAX_SLICE_BYTES // estimate) if estimate > _MAX_SLICE_BYTES else n
    for start in range(0, n, step):
        yield batch.slice(start, step)


# Below this many rows, the fixed cost of the column-wise row assembly (a dozen Arrow and numpy
# calls) exceeds assembling the few rows one by one; the cell values are computed by the same
# vectorised column encoders either way, so the bytes are identical.
_FEW_ROWS = 16


def _encode_few(batch: Any, ducks: Sequence[_Duck], formats: Sequence[int],
                tag: bytes = b"D") -> bytes:
    cells: list[list[bytes | None]] = []
    for arr, d, fmt in zip(batch.columns, ducks, formats, strict=True):
        values = _binary_values(arr, d) if fmt == 1 else _text_values(arr, d)
        cells.append(_as_binary(_as_array(values)).to_pylist())
    return b"".join(tag + encode_data_row(row)[1:] for row in zip(*cells, strict=True))


def encode_data_rows(batch: Any, types: Sequence[ColumnType], formats: Sequence[int],
                     tag: bytes = b"D") -> bytes:
    """All the DataRow messages for the rows of batch, concatenated and ready to send.

    ``tag`` b"d": the same rows as CopyData messages — a binary COPY tuple is a DataRow's
    body (column count, then each value's length and bytes) with all formats binary."""
    if batch.num_rows == 0:
        return b""
    ducks = [_duck_of(t) for t in types]
    if batch.num_rows <= _FEW_ROWS:
        return _encode_few(batch, ducks, formats, tag)
    out = []
    for part in _slices(batch, 7 + 40 * batch.num_columns):
        out.append(_encode_slice(part, ducks, formats, tag))
    return out[0] if len(out) == 1 else b"".join(out)


# COPY's binary format: the signature, flags (none) and the header extension's length (0),
# sent in front of the first row; -1 as a column count ends the data.
COPY_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
COPY_BINARY_TRAILER = b"\xff\xff"


def encode_copy_binary_rows(batch: Any, types: Sequence[ColumnType], header: bool) -> bytes:
    """The rows of batch as binary-format CopyData messages, one per row; ``header`` puts
    the file header in front of the first row, in its message, as PostgreSQL does."""
    data = encode_data_rows(batch, types, [1] * len(types), tag=b"d")
    if not header or not data:
        return data
    (length,) = struct.unpack_from("!i", data, 1)
    return (b"d" + struct.pack("!i", length + len(COPY_BINARY_HEADER)) + COPY_BINARY_HEADER
            + data[5:])


# Small results of the common scalar types skip Arrow: building Arrow arrays from a handful of
# Python values costs more (~60-300 µs) than the whole encoding below; the bytes are the same
# (tested against encode_data_rows over batch_from_rows). Per kind: (text, binary) of one value.
_ONE_US = dt.timedelta(microseconds=1)


def _py_days(v: Any) -> int:
    """Days since 1970 of DuckDB's Python DATE value (a date, or text outside years 1-9999)."""
    return int((v - _EPOCH_DATE).days if isinstance(v, dt.date) else _py_date(v))


def _py_us(v: Any) -> int:
    """µs since 1970 of DuckDB's Python TIMESTAMP value (a datetime, or text)."""
    return int((v - _EPOCH) // _ONE_US if isinstance(v, dt.datetime) else _py_timestamp(v))


def _py_date_text(v: Any) -> bytes:
    if isinstance(v, dt.date):
        return v.isoformat().encode("ascii")
    return _date_text_py(_py_days(v)).encode("ascii")


def _py_timestamp_text(v: Any) -> bytes:
    if isinstance(v, dt.datetime):  # PostgreSQL's text, fraction trimmed
        text = v.isoformat(" ")
        return (text.rstrip("0") if v.microsecond else text).encode("ascii")
    return _timestamp_text_py(_py_us(v), "").encode("ascii")


def _py_text_int(v: Any) -> bytes:
    return str(int(v)).encode("ascii")


def _py_utf8(v: Any) -> bytes:
    return str(v).encode("utf-8")


_PyCell = Callable[[Any], bytes]
_PY_CELLS: dict[str, tuple[_PyCell, _PyCell]] = {
    "BOOLEAN": (lambda v: b"t" if v else b"f", lambda v: b"\x01" if v else b"\x00"),
    "TINYINT": (_py_text_int, struct.Struct("!h").pack),
    "SMALLINT": (_py_text_int, struct.Struct("!h").pack),
    "INTEGER": (_py_text_int, struct.Struct("!i").pack),
    "BIGINT": (_py_text_int, struct.Struct("!q").pack),
    "FLOAT": (lambda v: _float_text(v, True).encode("ascii"), struct.Struct("!f").pack),
    "DOUBLE": (lambda v: _float_text(v, False).encode("ascii"), struct.Struct("!d").pack),
    "VARCHAR": (_py_utf8, _py_utf8),
    "JSON": (_py_utf8, _py_utf8),
    # DuckDB's Python values have no ±infinity (it hands out the year 1/9999 ends instead).
    "DATE": (_py_date_text, lambda v: struct.pack("!i", _py_days(v) - _PG_EPOCH_DAYS)),
    "TIMESTAMP": (_py_timestamp_text, lambda v: struct.pack("!q", _py_us(v) - _PG_EPOCH_US)),
    "UUID": (_py_utf8, lambda v: v.bytes),
}
# Python beats Arrow's vectorised encoders for any number of these (~0.1-0.5 µs a value) ...
_PY_CHEAP_KINDS = frozenset({"BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "VARCHAR",
                             "JSON"})
# ... and for up to this many rows of the others (measured: 16 rows of BIGINT, VARCHAR, DOUBLE,
# TIMESTAMP 114 vs 194 µs as text; 64 rows 279 vs 423 µs; 256 rows 1130 vs 636 µs).
_PY_FEW_ROWS = 32


def encode_py_rows(rows: Sequence[tuple[object, ...]], types: Sequence[ColumnType],
                   formats: Sequence[int]) -> bytes | None:
    """DataRows straight from Python values, or None when a column is not one of the types
    this handles (booleans, signed integers up to BIGINT, VARCHAR/JSON; and for a few rows
    floats, DATE, TIMESTAMP, UUID)."""
    cells: list[_PyCell] = []
    for t, fmt in zip(types, formats, strict=True):
        kind = _duck_of(t).kind
        pair = _PY_CELLS.get(kind)
        if pair is None or (len(rows) > _PY_FEW_ROWS and kind not in _PY_CHEAP_KINDS):
            return None
        cells.append(pair[1] if fmt else pair[0])
    return b"".join(
        encode_data_row([None if value is None else cell(value)
                         for value, cell in zip(row, cells, strict=True)])
        for row in rows)


# --- COPY TO STDOUT -------------------------------------------------------------------------------

_COPY_TEXT_ESCAPES = (("\\", "\\\\"), ("\b", "\\b"), ("\f", "\\f"), ("\n", "\\n"),
                      ("\r", "\\r"), ("\t", "\\t"), ("\v", "\\v"))


def _char_class(chars: str) -> str:
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]"


def _copy_text_column(texts: Any, delimiter: str, null: str) -> Any:
    """PostgreSQL COPY text format: backslash escapes for '\\', control characters and the
    delimiter (CopyAttributeOutText); NULL as the null string."""
    if pc.any(pc.match_substring_regex(texts, _char_class("\\\b\f\n\r\t\v" + delimiter))).as_py():
        for raw, escaped in _COPY_TEXT_ESCAPES:
            texts = pc.replace_substring(texts, raw, escaped)
        if delimiter not in "\\\b\f\n\r\t\v":
            texts = pc.replace_substring(texts, delimiter, "\\" + delimiter)
    return texts.fill_null(_lit(null))


def _copy_csv_column(
    texts: Any, delimiter: str, null: str, quote: str, escape: str, single: bool,
    force: bool = False,
) -> Any:
    """PostgreSQL COPY CSV format (CopyAttributeOutCSV): a value is quoted when it contains the
    delimiter, the quote, CR or LF, or equals the null string (or is '\\.' alone on a line),
    or always with ``force`` (FORCE_QUOTE; NULLs stay unquoted); inside quotes the quote and
    escape characters are preceded by the escape character."""
    if force:
        needs = pc.is_valid(texts)
    else:
        needs = pc.match_substring_regex(texts, _char_class(delimiter + quote + "\r\n"))
        needs = pc.or_(needs, pc.equal(texts, _lit(null)))
        if single:
            needs = pc.or_(needs, pc.equal(texts, _lit("\\.")))
    needs = needs.fill_null(_lit(False))
    if pc.any(needs).as_py():
        escaped = texts
        if escape != quote:
            escaped = pc.replace_substring(escaped, escape, escape + escape)
        escaped = pc.replace_substring(escaped, quote, escape + quote)
        quoted = pc.binary_join_element_wise(_lit(quote), escaped, _lit(quote), _lit(""))
        texts = pc.if_else(needs, quoted, texts)
    return texts.fill_null(_lit(null))


@dataclass(frozen=True, slots=True)
class _CopyFormat:
    csv: bool
    delimiter: str
    null: str
    quote: str
    escape: str
    force_quote: tuple[bool, ...] = ()  # per column (CSV FORCE_QUOTE)


def _copy_lines(part: Any, ducks: Sequence[_Duck], fmt: _CopyFormat) -> Any:
    """One COPY line per row ('\\n'-terminated), as a pa.binary() array."""
    columns = []
    for i, (arr, d) in enumerate(zip(part.columns, ducks, strict=True)):
        texts = _as_binary(_as_array(_text_values(arr, d))).cast(pa.string())
        if fmt.csv:
            single = len(ducks) == 1
            force = i < len(fmt.force_quote) and fmt.force_quote[i]
            columns.append(_copy_csv_column(texts, fmt.delimiter, fmt.null, fmt.quote,
                                            fmt.escape, single, force))
        else:
            columns.append(_copy_text_column(texts, fmt.delimiter, fmt.null))
    if not columns:
        return pa.array([b"\n"] * part.num_rows, pa.binary())
    lines = pc.binary_join_element_wise(*columns, _lit(fmt.delimiter))
    return _as_binary(pc.binary_join_element_wise(lines, _lit("\n"), _lit("")))


def _copy_encode(batch: Any, types: Sequence[ColumnType], fmt: _CopyFormat, framed: bool) -> bytes:
    if batch.num_rows == 0:
        return b""
    ducks = [_duck_of(t) for t in types]
    out = []
    for part in _slices(batch, 16 + 8 * batch.num_columns):
        lines = _copy_lines(part, ducks, fmt)
        if framed:  # 'd' + int32 length before every line: one CopyData message per row
            rows = _RowPieces(part.num_rows)
            rows.variable(lines)
            out.append(rows.join([b"d", _length_words(rows.sizes + 4)]))
        else:
            offsets, data = _binary_parts(lines)
            out.append(data.slice(int(offsets[0]), int(offsets[-1] - offsets[0])).to_pybytes())
    return b"".join(out)


def encode_copy_text(
    batch: Any,
    types: Sequence[ColumnType],
    *,
    csv: bool,
    delimiter: str,
    null: str,
    quote: str = '"',
    escape: str = '"',
) -> bytes:
    """The COPY … TO STDOUT payload (text or CSV format) for the rows of batch."""
    return _copy_encode(batch, types, _CopyFormat(csv, delimiter, null, quote, escape), False)


def encode_copy_data_rows(
    batch: Any,
    types: Sequence[ColumnType],
    *,
    csv: bool,
    delimiter: str,
    null: str,
    quote: str = '"',
    escape: str = '"',
    force_quote: Sequence[bool] = (),
) -> bytes:
    """Like encode_copy_text, but as wire-ready CopyData ('d') messages, one per row, as
    PostgreSQL sends them (psycopg's ``Copy.rows()`` relies on that)."""
    fmt = _CopyFormat(csv, delimiter, null, quote, escape, tuple(force_quote))
    return _copy_encode(batch, types, fmt, True)


# --- small-result path: DuckDB's Python values -> the Arrow batch DuckDB would export ------------

_EPOCH_DATE = dt.date(1970, 1, 1)
_EPOCH = dt.datetime(1970, 1, 1)
_UTC = dt.UTC
_DUCK_FAR_DATE = re.compile(
    r"(\d+)-(\d+)-(\d+)( \(BC\))?(?: (\d+):(\d+):(\d+)(?:\.(\d+))?)?")


def _bc_days_us(text: str) -> tuple[int, int]:
    """DuckDB's Python rendering of a date/timestamp outside Python's years 1-9999
    ('0044-03-15 (BC) 01:02:03', '10000-01-01') → days since 1970, µs into the day."""
    match = _DUCK_FAR_DATE.fullmatch(text)
    if match is None:
        raise SqlError(SqlState.DATA_EXCEPTION, f"unexpected date value {text!r}")
    y, mo, d, bc, h, mi, sec, frac = match.groups()
    days = _days_from_civil(1 - int(y) if bc else int(y), int(mo), int(d))
    us = ((int(h or 0) * 60 + int(mi or 0)) * 60 + int(sec or 0)) * 1_000_000
    return days, us + int((frac or "0").ljust(6, "0")[:6])


def _py_date(v: Any) -> Any:
    return _bc_days_us(v)[0] if isinstance(v, str) else v


def _py_timestamp(v: Any) -> Any:
    if isinstance(v, str):
        days, us = _bc_days_us(v)
        return days * _US_PER_DAY + us
    return v


def _py_timestamptz(v: Any) -> Any:
    if isinstance(v, dt.datetime) and v.tzinfo is None:
        # DuckDB hands ±infinity out as naive datetime.max/min in an otherwise aware column.
        return _DUCK_TS_INF if v == dt.datetime.max else -_DUCK_TS_INF
    return _py_timestamp(v)


def _py_timetz(v: Any) -> Any:
    return v.replace(tzinfo=None)  # DuckDB's Arrow export keeps the local time, drops the offset


_PyFn = Callable[[Any], Any]

_PY_SCALARS: dict[str, _PyFn] = {
    "HUGEINT": Decimal,
    "UHUGEINT": Decimal,
    "BIGNUM": lambda v: _bignum_storage(int(v)),
    "UUID": str,
    "BIT": _bit_storage,
    "DATE": _py_date,
    "TIMESTAMP": _py_timestamp,
    "TIMESTAMP_S": _py_timestamp,
    "TIMESTAMP_MS": _py_timestamp,
    "TIMESTAMP_NS": _py_timestamp,
    "TIMESTAMP WITH TIME ZONE": _py_timestamptz,
    "TIME WITH TIME ZONE": _py_timetz,
}


def _py_converter(d: _Duck) -> _PyFn | None:
    """How to turn one of DuckDB's Python values of type d into what pa.array accepts."""
    if d.kind in ("LIST", "ARRAY"):
        inner = _py_converter(d.element)
        if inner is None:
            return list if d.kind == "ARRAY" else None
        return lambda v: [None if e is None else inner(e) for e in v]
    if d.kind == "STRUCT":
        convs = {name: _py_converter(c) for name, c in d.fields}
        if all(c is None for c in convs.values()):
            return None
        return lambda v: {
            k: (e if e is None or convs.get(k) is None else convs[k](e))  # type: ignore[misc]
            for k, e in v.items()
        }
    if d.kind == "MAP":
        kc, vc = _py_converter(d.fields[0][1]), _py_converter(d.fields[1][1])

        def convert_map(v: Any) -> Any:
            items = v.items() if isinstance(v, dict) else zip(v["key"], v["value"], strict=True)
            return [
                (k if kc is None else kc(k), e if e is None or vc is None else vc(e))
                for k, e in items
            ]

        return convert_map
    return _PY_SCALARS.get(d.kind)


def _union_array(values: Sequence[Any], d: _Duck, arrow: Any) -> Any:
    """A sparse union from Python values, choosing the first member that accepts each value."""
    n = len(values)
    members = [(c, arrow.field(i).type) for i, (_, c) in enumerate(d.fields)]
    codes = np.zeros(n, np.int8)
    columns: list[list[Any]] = [[None] * n for _ in members]
    for row, v in enumerate(values):
        if v is None:
            continue
        for i, (member, member_arrow) in enumerate(members):
            conv = _py_converter(member)
            candidate = v if conv is None else conv(v)
            if isinstance(v, str) != pa.types.is_string(member_arrow):
                continue
            try:
                pa.scalar(candidate, member_arrow)
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
                continue
            codes[row] = i
            columns[i][row] = candidate
            break
    children = [_build_array(col, m, t) for col, (m, t) in zip(columns, members, strict=True)]
    return pa.UnionArray.from_sparse(
        pa.array(codes, pa.int8()), children, [n for n, _ in d.fields], list(range(len(members)))
    )


def _null_mask(values: Sequence[Any]) -> Any:
    return pa.array([v is None for v in values], pa.bool_())


def _offsets(lengths: Iterable[int]) -> Any:
    offsets = [0]
    for n in lengths:
        offsets.append(offsets[-1] + n)
    return pa.array(offsets, pa.int32())


def _build_array(values: Sequence[Any], d: _Duck, arrow: Any) -> Any:
    """An Arrow array of type arrow from DuckDB's Python values of type d (built child by child
    for nested types, so that every leaf gets its own conversion)."""
    if d.kind == "UNION":
        return _union_array(values, d, arrow)
    if pa.types.is_null(arrow):
        return pa.nulls(len(values))
    if d.kind == "LIST" or (d.kind == "ARRAY" and pa.types.is_list(arrow)):
        child = [e for v in values if v is not None for e in v]
        lengths = (0 if v is None else len(v) for v in values)
        return pa.ListArray.from_arrays(
            _offsets(lengths), _build_array(child, d.element, arrow.value_type),
            type=arrow, mask=_null_mask(values),
        )
    if d.kind == "ARRAY":
        child = [e for v in values for e in (v if v is not None else [None] * d.size)]
        return pa.FixedSizeListArray.from_arrays(
            _build_array(child, d.element, arrow.value_type), type=arrow, mask=_null_mask(values)
        )
    if d.kind == "STRUCT":
        children = [
            _build_array([None if v is None else v.get(name) for v in values], c, field.type)
            for (name, c), field in zip(d.fields, arrow, strict=True)
        ]
        return pa.StructArray.from_arrays(children, fields=list(arrow), mask=_null_mask(values))
    if d.kind == "MAP":
        entries = [
            [] if v is None else list(
                v.items() if isinstance(v, dict) else zip(v["key"], v["value"], strict=True)
            )
            for v in values
        ]
        (_, key_type), (_, item_type) = d.fields
        keys = _build_array([k for e in entries for k, _ in e], key_type, arrow.key_type)
        items = _build_array([i for e in entries for _, i in e], item_type, arrow.item_type)
        return pa.MapArray.from_arrays(
            _offsets(len(e) for e in entries), keys, items, type=arrow, mask=_null_mask(values)
        )
    conv = _py_converter(d)
    if conv is not None:
        values = [None if v is None else conv(v) for v in values]
    if isinstance(arrow, pa.ExtensionType):
        return pa.ExtensionArray.from_storage(arrow, pa.array(values, arrow.storage_type))
    if d.kind not in _TEXT:  # a type this module does not know: let Arrow infer
        try:
            return pa.array(values, arrow)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            return pa.array(values)
    return pa.array(values, arrow)


def batch_from_rows(
    rows: Sequence[tuple[object, ...]], types: Sequence[ColumnType], names: Sequence[str]
) -> Any:
    """A RecordBatch, typed as DuckDB's own Arrow export, from rows fetched as Python values.

    Encoding it gives the same bytes as encoding DuckDB's Arrow batch, except where DuckDB's Python
    values have already lost information: INTERVAL months (timedelta counts them as 30 days),
    DATE/TIMESTAMP ±infinity (clamped to the year 1/9999 range) and TIME WITH TIME ZONE offsets.
    """
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(types)
    arrays = [
        _build_array(list(col), _duck_of(t), t.arrow)
        for col, t in zip(columns, types, strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, names=list(names))


def exact_from_rows(types: Sequence[ColumnType]) -> bool:
    """Whether batch_from_rows reproduces DuckDB's Arrow values for these column types (INTERVAL
    and TIME WITH TIME ZONE lose information in DuckDB's Python values; prefer the Arrow path)."""

    def exact(d: _Duck) -> bool:
        # Unknown types (VARIANT, GEOMETRY, ...) are inferred by Arrow on this path.
        lossy = d.kind in ("INTERVAL", "TIME WITH TIME ZONE") or (
            d.kind not in _TEXT and d.kind not in _SCALARS
        )
        return not lossy and all(exact(c) for _, c in d.fields)

    return all(exact(_duck_of(t)) for t in types)


# --- Bind parameters ------------------------------------------------------------------------------

# The names PostgreSQL uses for types in its error messages (format_type).
_DISPLAY_NAMES = {
    "bool": "boolean",
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "varchar": "character varying",
    "bpchar": "character",
    "time": "time without time zone",
    "timetz": "time with time zone",
    "timestamp": "timestamp without time zone",
    "timestamptz": "timestamp with time zone",
}
_DATETIME_FIELD_OVERFLOW = "22008"


def _type_display(pg: PgType) -> str:
    element_oid = _ELEMENT_OF.get(pg.oid)
    if element_oid is not None:
        return _type_display(_PG_BY_OID[element_oid]) + "[]"
    return _DISPLAY_NAMES.get(pg.name, pg.name)


class _BadText(ValueError):
    """Raised by a text decoder; decode_param turns it into 22P02 naming the type and input."""


class _OutOfRange(ValueError):
    """Raised by a decoder for a well-formed value outside the type's range."""

    def __init__(self, sqlstate: str = SqlState.NUMERIC_VALUE_OUT_OF_RANGE) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


class _BadBinary(ValueError):
    """Raised by a binary decoder; decode_param turns it into 22P03."""


_BOOL_WORDS = (("true", True, 1), ("false", False, 1), ("yes", True, 1), ("no", False, 1),
               ("on", True, 2), ("off", False, 2), ("1", True, 1), ("0", False, 1))


def _text_bool_in(s: str) -> bool:
    word = s.strip().lower()
    for full, value, min_len in _BOOL_WORDS:
        if len(word) >= min_len and full.startswith(word):
            return value
    raise _BadText


_INT_TEXT = re.compile(r"\s*[+-]?\d+\s*")


def _int_in(bits: int) -> Callable[[str], int]:
    limit = 1 << (bits - 1)

    def decode(s: str) -> int:
        if not _INT_TEXT.fullmatch(s):
            raise _BadText
        value = int(s)
        if not -limit <= value < limit:
            raise _OutOfRange
        return value

    return decode


_FLOAT_TEXT = re.compile(
    r"\s*[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|inf|infinity|nan)\s*", re.IGNORECASE
)


def _float_in(float4: bool) -> Callable[[str], float]:
    def decode(s: str) -> float:
        if not _FLOAT_TEXT.fullmatch(s):
            raise _BadText
        value = float(s)
        if float4 and math.isfinite(value) and abs(value) > 3.4028234663852886e38:
            raise _OutOfRange
        if math.isinf(value) and "inf" not in s.lower():
            raise _OutOfRange
        return value

    return decode


_NUMERIC_TEXT = re.compile(
    r"\s*([+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?)|nan|[+-]?inf(inity)?)\s*", re.IGNORECASE
)


def _numeric_in(s: str) -> Decimal:
    if not _NUMERIC_TEXT.fullmatch(s):
        raise _BadText
    return Decimal(s.strip())


def _bytea_in(s: str) -> bytes:
    try:
        return bytea_from_text(s)
    except SqlError as exc:
        raise _BadText from exc


_DATE_PART = r"(?P<y>\d{4,})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
_TIME_PART = r"(?P<h>\d{1,2}):(?P<mi>\d{1,2})(?::(?P<s>\d{1,2})(?:\.(?P<f>\d*))?)?"
_ZONE_PART = r"(?P<tz>z|utc|gmt|[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?)"
_TIMESTAMP_TEXT = re.compile(
    rf"\s*{_DATE_PART}(?:(?:\s+|t){_TIME_PART})?\s*{_ZONE_PART}?\s*(?P<era>bc|ad)?\s*",
    re.IGNORECASE,
)
_TIME_TEXT = re.compile(rf"\s*{_TIME_PART}\s*{_ZONE_PART}?\s*", re.IGNORECASE)
_SPECIAL_TIMESTAMPS = {"infinity": "infinity", "+infinity": "infinity", "-infinity": "-infinity"}


def _zone_seconds(tz: str | None) -> int | None:
    """Seconds east of UTC for '+02', '-05:30', '+0530', 'Z', 'UTC'; None without a zone."""
    if tz is None:
        return None
    if tz.lower() in ("z", "utc", "gmt"):
        return 0
    sign = -1 if tz[0] == "-" else 1
    body = tz[1:]
    if ":" in body:
        fields = [int(x) for x in body.split(":")]
    else:  # hh, hmm, hhmm, hmmss, hhmmss
        cut = 2 - len(body) % 2
        fields = [int(body[:cut])] + [int(body[i : i + 2]) for i in range(cut, len(body), 2)]
    h, m, sec = [*fields, 0, 0][:3]
    if h > 15 or m > 59 or sec > 59:
        raise _OutOfRange(_DATETIME_FIELD_OVERFLOW)
    return sign * (h * 3600 + m * 60 + sec)


def _clock_us(match: re.Match[str]) -> int:
    h, mi, sec = int(match["h"] or 0), int(match["mi"] or 0), int(match["s"] or 0)
    frac = match["f"] or ""
    us = round(int(frac.ljust(7, "0")[:7]) / 10) if frac else 0
    if mi > 59 or sec > 60 or h > 24 or (h == 24 and (mi or sec or us)):
        raise _OutOfRange(_DATETIME_FIELD_OVERFLOW)
    return ((h * 60 + mi) * 60 + sec) * 1_000_000 + us


def _parse_timestamp(s: str, with_zone: bool) -> tuple[int, int]:
    """(days since 1970, µs of day or UTC µs adjustment) of a timestamp literal; see callers."""
    match = _TIMESTAMP_TEXT.fullmatch(s)
    if match is None:
        raise _BadText
    year, month, day = int(match["y"]), int(match["mo"]), int(match["d"])
    if (match["era"] or "").lower() == "bc":
        year = 1 - year
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise _OutOfRange(_DATETIME_FIELD_OVERFLOW)
    days = _days_from_civil(year, month, day)
    if _civil_py(days) != (year, month, day):
        raise _OutOfRange(_DATETIME_FIELD_OVERFLOW)
    us = _clock_us(match) if match["h"] is not None else 0
    zone = _zone_seconds(match["tz"]) if with_zone else None
    total = days * _US_PER_DAY + us - (zone or 0) * 1_000_000
    return total, year


def _has_zone(s: str) -> bool:
    match = _TIMESTAMP_TEXT.fullmatch(s)
    return match is not None and match["tz"] is not None


def _duck_timestamp_text(total_us: int, with_zone: bool) -> str:
    """A timestamp outside Python's datetime range, spelled the way DuckDB's casts accept."""
    days, tod = divmod(total_us, _US_PER_DAY)
    year, month, day = _civil_py(days)
    era = ""
    if year <= 0:
        year, era = 1 - year, " (BC)"
    return f"{year:04d}-{month:02d}-{day:02d}{era} {_time_text_py(tod)}{'+00' if with_zone else ''}"


def _timestamp_in(with_zone: bool) -> Callable[[str], object]:
    def decode(s: str) -> object:
        special = _SPECIAL_TIMESTAMPS.get(s.strip().lower())
        if special is not None:
            return special
        if s.strip().lower() == "epoch":
            return _EPOCH.replace(tzinfo=_UTC) if with_zone else _EPOCH
        total, year = _parse_timestamp(s, with_zone)
        # A timestamptz without an offset is local time: it goes to DuckDB without a zone and
        # is cast to TIMESTAMPTZ there, in the session's TimeZone (engine.arithmetic).
        zoned = with_zone and _has_zone(s)
        if not 1 <= year <= 9999:
            return _duck_timestamp_text(total, zoned)
        value = _EPOCH + dt.timedelta(microseconds=total)
        return value.replace(tzinfo=_UTC) if zoned else value

    return decode


def _date_in(s: str) -> object:
    special = _SPECIAL_TIMESTAMPS.get(s.strip().lower())
    if special is not None:
        return special
    if s.strip().lower() == "epoch":
        return _EPOCH_DATE
    total, year = _parse_timestamp(s, False)
    days = total // _US_PER_DAY
    if not 1 <= year <= 9999:
        y, mo, d = _civil_py(days)
        return f"{1 - y:04d}-{mo:02d}-{d:02d} (BC)" if y <= 0 else f"{y:04d}-{mo:02d}-{d:02d}"
    return _EPOCH_DATE + dt.timedelta(days=days)


def _time_in(with_zone: bool) -> Callable[[str], object]:
    def decode(s: str) -> object:
        match = _TIME_TEXT.fullmatch(s)
        if match is None:
            # PostgreSQL accepts a full timestamp for a time, keeping the clock part.
            full = _TIMESTAMP_TEXT.fullmatch(s)
            if full is None or full["h"] is None:
                raise _BadText
            match = full
        us = _clock_us(match)
        if us >= _US_PER_DAY:
            return "24:00:00"
        seconds, micro = divmod(us, 1_000_000)
        value = dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro)
        if with_zone:
            zone = _zone_seconds(match["tz"]) or 0
            value = value.replace(tzinfo=dt.timezone(dt.timedelta(seconds=zone)))
        return value

    return decode


def _interval_in(s: str) -> dt.timedelta:
    """A PostgreSQL interval literal as a timedelta (a month counts as 30 days), read as the
    engine reads interval literals (engine.pgdatetime.interval_fields)."""
    try:
        months, days, us = pgdatetime.interval_fields(s)
    except SqlError as exc:
        if exc.sqlstate == SqlState.INTERVAL_FIELD_OVERFLOW:
            raise _OutOfRange(SqlState.INTERVAL_FIELD_OVERFLOW) from exc
        raise _BadText from exc
    try:
        return dt.timedelta(days=months * 30 + days, microseconds=us)
    except OverflowError as exc:
        raise _OutOfRange(_DATETIME_FIELD_OVERFLOW) from exc


def _uuid_in(s: str) -> uuid.UUID:
    try:
        return uuid.UUID(s.strip())
    except ValueError as exc:
        raise _BadText from exc


def _json_in(s: str) -> str:
    import json

    try:
        json.loads(s)
    except ValueError as exc:
        raise _BadText from exc
    return s


def _bit_in(s: str) -> str:
    if not re.fullmatch(r"[01]*", s):
        raise _BadText
    return s


def _oid_in(s: str) -> int:
    value = _int_in(64)(s)
    if not -(1 << 31) <= value < (1 << 32):
        raise _OutOfRange
    return value & 0xFFFFFFFF


_TEXT_IN: dict[str, Callable[[str], object]] = {
    "bool": _text_bool_in,
    "int2": _int_in(16),
    "int4": _int_in(32),
    "int8": _int_in(64),
    "oid": _oid_in,
    "xid": _oid_in,
    "cid": _oid_in,
    "float4": _float_in(True),
    "float8": _float_in(False),
    "numeric": _numeric_in,
    "bytea": _bytea_in,
    "date": _date_in,
    "time": _time_in(False),
    "timetz": _time_in(True),
    "timestamp": _timestamp_in(False),
    "timestamptz": _timestamp_in(True),
    "interval": _interval_in,
    "uuid": _uuid_in,
    "json": _json_in,
    "jsonb": _json_in,
    "bit": _bit_in,
    "varbit": _bit_in,
}


def _parse_array_literal(s: str) -> list[Any]:
    """Split a PostgreSQL array literal into nested lists of element strings (None for NULL)."""
    text = s.strip()
    if text.startswith("["):  # optional dimension decoration: [1:3]={...}
        eq = text.find("=")
        if eq < 0:
            raise _BadText
        text = text[eq + 1 :].strip()
    pos = 0

    def parse_list() -> list[Any]:
        nonlocal pos
        if text[pos : pos + 1] != "{":
            raise _BadText
        pos += 1
        items: list[Any] = []
        while True:
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text):
                raise _BadText
            if text[pos] == "}" and not items:
                pos += 1
                return items
            if text[pos] == "{":
                items.append(parse_list())
            elif text[pos] == '"':
                pos += 1
                buf = []
                while pos < len(text) and text[pos] != '"':
                    if text[pos] == "\\":
                        pos += 1
                    if pos >= len(text):
                        raise _BadText
                    buf.append(text[pos])
                    pos += 1
                if pos >= len(text):
                    raise _BadText
                pos += 1
                items.append("".join(buf))
            else:
                buf = []
                quoted_any = False
                while pos < len(text) and text[pos] not in ",}":
                    if text[pos] in '{"':
                        raise _BadText
                    if text[pos] == "\\":
                        pos += 1
                        quoted_any = True
                        if pos >= len(text):
                            raise _BadText
                    buf.append(text[pos])
                    pos += 1
                raw = "".join(buf).strip()
                if not raw:
                    raise _BadText
                items.append(None if raw.upper() == "NULL" and not quoted_any else raw)
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos >= len(text):
                raise _BadText
            if text[pos] == ",":
                pos += 1
            elif text[pos] == "}":
                pos += 1
                return items
            else:
                raise _BadText

    result = parse_list()
    if text[pos:].strip():
        raise _BadText
    return result


def _array_text_in(element: PgType) -> Callable[[str], object]:
    decode = _TEXT_IN.get(element.name, str)

    def convert(items: list[Any]) -> list[Any]:
        return [
            convert(v) if isinstance(v, list) else None if v is None else decode(v)
            for v in items
        ]

    return lambda s: convert(_parse_array_literal(s))


# Binary receive functions: bytes -> Python value.

def _unpack(fmt: str) -> Callable[[bytes], Any]:
    packer = struct.Struct(fmt)

    def decode(b: bytes) -> Any:
        if len(b) != packer.size:
            raise _BadBinary
        return packer.unpack(b)[0]

    return decode


def _bool_recv(b: bytes) -> bool:
    if len(b) != 1:
        raise _BadBinary
    return b != b"\0"


def _utf8_recv(b: bytes) -> str:
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SqlError(
            SqlState.CHARACTER_NOT_IN_REPERTOIRE, 'invalid byte sequence for encoding "UTF8"'
        ) from exc


def _jsonb_recv(b: bytes) -> str:
    if not b or b[0] != 1:
        raise _BadBinary
    return _utf8_recv(b[1:])


def _numeric_recv(b: bytes) -> Decimal:
    if len(b) < 8:
        raise _BadBinary
    ndigits, weight, sign, dscale = struct.unpack_from("!hhHh", b)
    if ndigits < 0 or len(b) != 8 + 2 * ndigits or dscale < 0:
        raise _BadBinary
    special = {0xC000: "NaN", 0xD000: "Infinity", 0xF000: "-Infinity"}.get(sign)
    if special is not None:
        return Decimal(special)
    if sign not in (0, 0x4000):
        raise _BadBinary
    groups = struct.unpack_from(f"!{ndigits}H", b, 8)
    value = 0
    for g in groups:
        if g >= 10_000:
            raise _BadBinary
        value = value * 10_000 + g
    exp = 4 * (weight - ndigits + 1)  # value * 10**exp is the number
    shift = exp + dscale  # express it with exactly dscale fraction digits
    scaled = value * 10**shift if shift >= 0 else value // 10**-shift
    if shift < 0 and scaled * 10**-shift != value:
        scaled, dscale = value, -exp  # more digits than dscale says: keep them all
    digits = tuple(int(c) for c in str(scaled))
    return Decimal((1 if sign == 0x4000 else 0, digits, -dscale))


def _date_recv(b: bytes) -> object:
    days = _unpack("!i")(b)
    if days == _INT32_MAX:
        return "infinity"
    if days == -_INT32_MAX - 1:
        return "-infinity"
    days += _PG_EPOCH_DAYS
    y, mo, d = _civil_py(days)
    if not 1 <= y <= 9999:
        return f"{1 - y:04d}-{mo:02d}-{d:02d} (BC)" if y <= 0 else f"{y:04d}-{mo:02d}-{d:02d}"
    return _EPOCH_DATE + dt.timedelta(days=days)


def _time_recv(b: bytes) -> object:
    us = _unpack("!q")(b)
    if not 0 <= us <= _US_PER_DAY:
        raise _BadBinary
    if us == _US_PER_DAY:
        return "24:00:00"
    seconds, micro = divmod(us, 1_000_000)
    return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro)


def _timetz_recv(b: bytes) -> object:
    if len(b) != 12:
        raise _BadBinary
    value = _time_recv(b[:8])
    west = struct.unpack("!i", b[8:])[0]
    if not isinstance(value, dt.time):
        return value
    return value.replace(tzinfo=dt.timezone(dt.timedelta(seconds=-west)))


def _timestamp_recv(with_zone: bool) -> Callable[[bytes], object]:
    def decode(b: bytes) -> object:
        us = _unpack("!q")(b)
        if us == _INT64_MAX:
            return "infinity"
        if us == -_INT64_MAX - 1:
            return "-infinity"
        total = us + _PG_EPOCH_US
        days = total // _US_PER_DAY
        if not _MIN_AD_DAYS <= days <= _MAX_AD_DAYS:
            return _duck_timestamp_text(total, with_zone)
        value = _EPOCH + dt.timedelta(microseconds=total)
        return value.replace(tzinfo=_UTC) if with_zone else value

    return decode


def _interval_recv(b: bytes) -> dt.timedelta:
    if len(b) != 16:
        raise _BadBinary
    us, days, months = struct.unpack("!qii", b)
    try:
        return dt.timedelta(days=months * 30 + days, microseconds=us)
    except OverflowError as exc:
        raise _OutOfRange(_DATETIME_FIELD_OVERFLOW) from exc


def _uuid_recv(b: bytes) -> uuid.UUID:
    if len(b) != 16:
        raise _BadBinary
    return uuid.UUID(bytes=b)


def _bit_recv(b: bytes) -> str:
    if len(b) < 4:
        raise _BadBinary
    nbits = struct.unpack_from("!i", b)[0]
    if nbits < 0 or len(b) != 4 + (nbits + 7) // 8:
        raise _BadBinary
    bits = "".join(f"{x:08b}" for x in b[4:])
    return bits[:nbits]


def _char_recv(b: bytes) -> str:
    return _utf8_recv(b)


_BINARY_IN: dict[str, Callable[[bytes], object]] = {
    "bool": _bool_recv,
    "int2": _unpack("!h"),
    "int4": _unpack("!i"),
    "int8": _unpack("!q"),
    "oid": _unpack("!I"),
    "xid": _unpack("!I"),
    "cid": _unpack("!I"),
    "regclass": _unpack("!I"),
    "regtype": _unpack("!I"),
    "regproc": _unpack("!I"),
    "float4": _unpack("!f"),
    "float8": _unpack("!d"),
    "numeric": _numeric_recv,
    "bytea": bytes,
    "text": _utf8_recv,
    "varchar": _utf8_recv,
    "bpchar": _utf8_recv,
    "name": _utf8_recv,
    "char": _char_recv,
    "unknown": _utf8_recv,
    "json": _utf8_recv,
    "xml": _utf8_recv,
    "jsonb": _jsonb_recv,
    "date": _date_recv,
    "time": _time_recv,
    "timetz": _timetz_recv,
    "timestamp": _timestamp_recv(False),
    "timestamptz": _timestamp_recv(True),
    "interval": _interval_recv,
    "uuid": _uuid_recv,
    "bit": _bit_recv,
    "varbit": _bit_recv,
}


def _array_recv(element: PgType, b: bytes) -> list[Any]:
    if len(b) < 12:
        raise _BadBinary
    ndim, flags, element_oid = struct.unpack_from("!iiI", b)
    if ndim < 0 or ndim > 6 or flags not in (0, 1):
        raise _BadBinary
    if element_oid != element.oid:
        raise SqlError(
            SqlState.DATATYPE_MISMATCH,
            f"binary data has array element type {element_oid} instead of {element.oid}",
        )
    pos = 12
    dims = []
    for _ in range(ndim):
        if pos + 8 > len(b):
            raise _BadBinary
        length, _lbound = struct.unpack_from("!ii", b, pos)
        if length < 0:
            raise _BadBinary
        dims.append(length)
        pos += 8
    total = math.prod(dims) if dims else 0
    flat: list[Any] = []
    for _ in range(total):
        if pos + 4 > len(b):
            raise _BadBinary
        size = struct.unpack_from("!i", b, pos)[0]
        pos += 4
        if size == -1:
            flat.append(None)
            continue
        if size < 0 or pos + size > len(b):
            raise _BadBinary
        flat.append(_decode_value(b[pos : pos + size], element, 1))
        pos += size
    if pos != len(b):
        raise _BadBinary
    for length in reversed(dims[1:]):
        flat = [flat[i : i + length] for i in range(0, len(flat), length)]
    return flat


def _decode_value(data: bytes, pg: PgType, fmt: int) -> object:
    element_oid = _ELEMENT_OF.get(pg.oid)
    if fmt == 0:
        text = _utf8_recv(data)
        if element_oid is not None:
            return _array_text_in(_PG_BY_OID[element_oid])(text)
        return _TEXT_IN.get(pg.name, str)(text)
    if element_oid is not None:
        return _array_recv(_PG_BY_OID[element_oid], data)
    decode = _BINARY_IN.get(pg.name)
    if decode is None:
        raise SqlError(
            SqlState.FEATURE_NOT_SUPPORTED,
            f"binary input is not supported for type {_type_display(pg)}",
            hint="Send this parameter in text format.",
        )
    return decode(data)


def decode_param(data: bytes | None, oid: int, fmt: int) -> object:
    """A Bind parameter of PostgreSQL type oid, in text (0) or binary (1) format, as a Python
    value that DuckDB binds correctly; None for NULL. Bad input raises SqlError (22P02/22P03)."""
    if data is None:
        return None
    if fmt not in (0, 1):
        raise SqlError(SqlState.PROTOCOL_VIOLATION, f"unsupported format code: {fmt}")
    pg = _PG_BY_OID.get(oid) or _PG["unknown"]
    try:
        return _decode_value(bytes(data), pg, fmt)
    except _BadText:
        shown = bytes(data).decode("utf-8", "replace")
        raise SqlError(
            SqlState.INVALID_TEXT_REPRESENTATION,
            f'invalid input syntax for type {_type_display(pg)}: "{shown}"',
        ) from None
    except _OutOfRange as exc:
        shown = bytes(data).decode("utf-8", "replace") if fmt == 0 else "(binary)"
        if exc.sqlstate == _DATETIME_FIELD_OVERFLOW:
            message = f'date/time field value out of range: "{shown}"'
        else:
            message = f'value "{shown}" is out of range for type {_type_display(pg)}'
        raise SqlError(exc.sqlstate, message) from None
    except (_BadBinary, struct.error, InvalidOperation, ValueError, OverflowError):
        if fmt == 0:
            shown = bytes(data).decode("utf-8", "replace")
            raise SqlError(
                SqlState.INVALID_TEXT_REPRESENTATION,
                f'invalid input syntax for type {_type_display(pg)}: "{shown}"',
            ) from None
        raise SqlError(
            SqlState.INVALID_BINARY_REPRESENTATION,
            f"incorrect binary data format for type {_type_display(pg)}",
        ) from None


# --- COPY FROM STDIN (binary) ---------------------------------------------------------------------

_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\0"


def decode_copy_binary(data: bytes, types: Sequence[ColumnType]) -> list[tuple[object, ...]]:
    """Rows of Python values from a complete COPY BINARY stream (header, tuples, trailer)."""

    def bad(message: str) -> SqlError:
        return SqlError(SqlState.BAD_COPY_FILE_FORMAT, message)

    view = memoryview(data)
    if bytes(view[:11]) != _COPY_SIGNATURE:
        raise bad("COPY file signature not recognized")
    if len(view) < 19:
        raise bad("invalid COPY file header (missing flags)")
    flags, ext_len = struct.unpack_from("!iI", view, 11)
    if flags & (1 << 16):
        raise bad("COPY with OIDs is not supported")
    if flags & ~0xFFFF & ~(1 << 16):
        raise bad("unrecognized critical flags in COPY file header")
    pos = 19 + ext_len
    if pos > len(view):
        raise bad("invalid COPY file header (wrong length)")
    rows: list[tuple[object, ...]] = []
    ncols = len(types)
    while True:
        if pos + 2 > len(view):
            raise bad("unexpected EOF in COPY data")
        (count,) = struct.unpack_from("!h", view, pos)
        pos += 2
        if count == -1:
            if pos != len(view):
                raise bad("received copy data after EOF marker")
            return rows
        if count != ncols:
            raise bad(f"row field count is {count}, expected {ncols}")
        row: list[object] = []
        for t in types:
            if pos + 4 > len(view):
                raise bad("unexpected EOF in COPY data")
            (size,) = struct.unpack_from("!i", view, pos)
            pos += 4
            if size == -1:
                row.append(None)
                continue
            if size < 0 or pos + size > len(view):
                raise bad("unexpected EOF in COPY data")
            row.append(decode_param(bytes(view[pos : pos + size]), t.pg.oid, 1))
            pos += size
        rows.append(tuple(row))
