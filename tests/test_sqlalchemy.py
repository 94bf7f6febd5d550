"""SQLAlchemy 2 (``postgresql+psycopg://``) and pandas against a running PixelSQL server.

What an application or notebook built on SQLAlchemy needs: the dialect's connect-time setup,
reflection through ``inspect(engine)`` (table, view and schema names, ``has_table``, columns with
their types — NUMERIC(10,2), VARCHAR(20), BIGINT, TIMESTAMP, BOOLEAN, TEXT —, nullability and
defaults, the primary key, indexes) and ``Table(autoload_with=...)``, Core and ORM insert/select
round trips, and pandas' ``read_sql``, ``read_sql_table`` and ``DataFrame.to_sql`` (create,
append and replace).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pandas as pd
import psycopg
import pytest
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    create_engine,
    func,
    insert,
    inspect,
    select,
    text,
    types,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from tests.conftest import RunningServer

pytestmark = pytest.mark.integration


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def engine(server: RunningServer) -> Iterator[Engine]:
    url = f"postgresql+psycopg://tester@{server.host}:{server.port}/pixelsql"
    eng = create_engine(url, connect_args={"connect_timeout": 10}, pool_pre_ping=True)
    yield eng
    eng.dispose()


def drop_tables(server: RunningServer, *names: str) -> None:
    """Clean up through psycopg: it works even when SQLAlchemy cannot connect at all."""
    with psycopg.connect(server.dsn(), autocommit=True, connect_timeout=10) as conn:
        for name in names:
            if name.endswith("_view"):
                conn.execute(f"DROP VIEW IF EXISTS {name}")
            else:
                conn.execute(f"DROP TABLE IF EXISTS {name}")


@pytest.fixture(scope="module")
def reflected(engine: Engine, server: RunningServer) -> Iterator[str]:
    """A table with the column kinds reflection must describe, an index and a view on it."""
    name = unique("sa_items")
    try:
        with engine.begin() as conn:
            conn.execute(text(
                f"CREATE TABLE {name} ("
                " id INTEGER PRIMARY KEY,"
                " name VARCHAR(20) NOT NULL,"
                " price NUMERIC(10,2) DEFAULT 0,"
                " qty BIGINT,"
                " created TIMESTAMP,"
                " active BOOLEAN DEFAULT true,"
                " note TEXT)"))
            conn.execute(text(f"CREATE INDEX {name}_name_idx ON {name} (name)"))
            conn.execute(text(f"CREATE VIEW {name}_view AS SELECT id, name FROM {name}"))
        yield name
    finally:
        drop_tables(server, f"{name}_view", name)


# -- connecting --------------------------------------------------------------------------------


def test_engine_connects_and_reports_a_server_version(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1 + 1")).scalar_one() == 2
        version = conn.dialect.server_version_info
        assert version is not None and version >= (9, 6), version
        assert conn.dialect.default_schema_name == "public"


# -- reflection ----------------------------------------------------------------------------------


def test_get_schema_names(engine: Engine) -> None:
    assert "public" in inspect(engine).get_schema_names()


def test_get_table_names(engine: Engine, reflected: str) -> None:
    insp = inspect(engine)
    assert reflected in insp.get_table_names()
    assert reflected in insp.get_table_names(schema="public")
    assert f"{reflected}_view" not in insp.get_table_names()


def test_get_view_names(engine: Engine, reflected: str) -> None:
    assert f"{reflected}_view" in inspect(engine).get_view_names()


def test_has_table(engine: Engine, reflected: str) -> None:
    insp = inspect(engine)
    assert insp.has_table(reflected)
    assert insp.has_table(reflected, schema="public")
    assert not insp.has_table(unique("no_such_table"))


def test_get_columns_names_and_order(engine: Engine, reflected: str) -> None:
    columns = inspect(engine).get_columns(reflected)
    assert [c["name"] for c in columns] == [
        "id", "name", "price", "qty", "created", "active", "note"]


def test_get_columns_types(engine: Engine, reflected: str) -> None:
    columns = {c["name"]: c["type"] for c in inspect(engine).get_columns(reflected)}
    assert isinstance(columns["id"], types.INTEGER)
    assert isinstance(columns["name"], types.VARCHAR)
    assert columns["name"].length == 20
    assert isinstance(columns["price"], types.NUMERIC)
    assert (columns["price"].precision, columns["price"].scale) == (10, 2)
    assert isinstance(columns["qty"], types.BIGINT)
    assert isinstance(columns["created"], types.TIMESTAMP)
    assert columns["created"].timezone is False
    assert isinstance(columns["active"], types.BOOLEAN)
    assert isinstance(columns["note"], types.TEXT)


def test_get_columns_nullability(engine: Engine, reflected: str) -> None:
    nullable = {c["name"]: c["nullable"] for c in inspect(engine).get_columns(reflected)}
    assert nullable == {"id": False, "name": False, "price": True, "qty": True,
                        "created": True, "active": True, "note": True}


def test_get_columns_defaults(engine: Engine, reflected: str) -> None:
    defaults = {c["name"]: c["default"] for c in inspect(engine).get_columns(reflected)}
    assert defaults["id"] is None
    assert defaults["name"] is None
    assert defaults["price"] is not None and "0" in defaults["price"], defaults["price"]
    assert defaults["active"] is not None and "true" in defaults["active"].lower()


def test_get_pk_constraint(engine: Engine, reflected: str) -> None:
    pk = inspect(engine).get_pk_constraint(reflected)
    assert pk["constrained_columns"] == ["id"]


def test_get_indexes(engine: Engine, reflected: str) -> None:
    indexes = inspect(engine).get_indexes(reflected)
    by_name = {ix["name"]: ix for ix in indexes}
    assert f"{reflected}_name_idx" in by_name, indexes
    index = by_name[f"{reflected}_name_idx"]
    assert index["column_names"] == ["name"]
    assert index["unique"] is False


def test_get_foreign_keys_empty(engine: Engine, reflected: str) -> None:
    assert inspect(engine).get_foreign_keys(reflected) == []


def test_table_autoload(engine: Engine, reflected: str) -> None:
    table = Table(reflected, MetaData(), autoload_with=engine)
    assert list(table.columns.keys()) == [
        "id", "name", "price", "qty", "created", "active", "note"]
    assert [c.name for c in table.primary_key.columns] == ["id"]
    assert table.c.name.type.length == 20


# -- Core and ORM round trips ------------------------------------------------------------------


def test_core_create_insert_select(engine: Engine, server: RunningServer) -> None:
    metadata = MetaData()
    table = Table(
        unique("sa_core"), metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("name", String(30), nullable=False),
        Column("price", Numeric(10, 2)),
        Column("qty", BigInteger),
        Column("created", DateTime),
        Column("active", Boolean),
        Column("note", Text),
    )
    try:
        metadata.create_all(engine)  # checks has_table first, then CREATE TABLE
        created = dt.datetime(2024, 2, 29, 13, 45, 30, 123456)
        with engine.begin() as conn:
            conn.execute(insert(table), [
                {"id": 1, "name": "widget", "price": Decimal("12.50"), "qty": 2**40,
                 "created": created, "active": True, "note": "it's ünïcødé"},
                {"id": 2, "name": "gadget", "price": None, "qty": None,
                 "created": None, "active": False, "note": None},
            ])
        with engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.name == "widget")).one()
            assert row._asdict() == {"id": 1, "name": "widget", "price": Decimal("12.50"),
                                     "qty": 2**40, "created": created, "active": True,
                                     "note": "it's ünïcødé"}
            total = conn.execute(select(func.count()).select_from(table)).scalar_one()
            assert total == 2
            inactive = conn.execute(
                select(table.c.id).where(table.c.active.is_(False))).scalars().all()
            assert inactive == [2]
        metadata.drop_all(engine)
        assert not inspect(engine).has_table(table.name)
    finally:
        drop_tables(server, table.name)


def test_orm_session_round_trip(engine: Engine, server: RunningServer) -> None:
    table_name = unique("sa_orm")

    class Base(DeclarativeBase):
        pass

    class Pet(Base):
        __tablename__ = table_name
        id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
        name: Mapped[str] = mapped_column(String(20))
        born: Mapped[dt.date | None]
        weight: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))

    try:
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            session.add_all([
                Pet(id=1, name="Tom", born=dt.date(2020, 5, 1), weight=Decimal("4.20")),
                Pet(id=2, name="Kitty", born=None, weight=None),
            ])
            session.commit()
        with Session(engine) as session:
            tom = session.scalars(select(Pet).where(Pet.name == "Tom")).one()
            assert (tom.id, tom.born, tom.weight) == (1, dt.date(2020, 5, 1), Decimal("4.20"))
            tom.weight = Decimal("4.50")
            kitty = session.get(Pet, 2)
            assert kitty is not None
            session.delete(kitty)
            session.commit()
        with Session(engine) as session:
            pets = session.execute(select(Pet.name, Pet.weight).order_by(Pet.id)).all()
            assert [tuple(p) for p in pets] == [("Tom", Decimal("4.50"))]
    finally:
        drop_tables(server, table_name)


# -- pandas ----------------------------------------------------------------------------------------


def test_pandas_read_sql_query(engine: Engine, reflected: str) -> None:
    with engine.begin() as conn:
        conn.execute(text(
            f"INSERT INTO {reflected} (id, name, price, qty, created, active, note) VALUES "
            "(1, 'a', 1.50, 10, '2024-01-01 10:00:00', true, 'x'),"
            "(2, 'b', 2.25, 20, '2024-01-02 11:30:00', false, NULL)"))
    try:
        frame = pd.read_sql(
            text(f"SELECT id, name, price, qty, created, active FROM {reflected} "
                 "WHERE qty >= :low ORDER BY id"),
            engine, params={"low": 10})
        assert list(frame.columns) == ["id", "name", "price", "qty", "created", "active"]
        assert frame["id"].tolist() == [1, 2]
        assert frame["name"].tolist() == ["a", "b"]
        assert frame["price"].tolist() == [Decimal("1.50"), Decimal("2.25")]
        assert frame["qty"].tolist() == [10, 20]
        assert pd.api.types.is_datetime64_any_dtype(frame["created"])
        assert frame["created"].tolist() == [pd.Timestamp("2024-01-01 10:00:00"),
                                             pd.Timestamp("2024-01-02 11:30:00")]
        assert frame["active"].tolist() == [True, False]
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {reflected}"))


def test_pandas_read_sql_table(engine: Engine, reflected: str) -> None:
    frame = pd.read_sql_table(reflected, engine)  # reflects the table first
    assert list(frame.columns) == ["id", "name", "price", "qty", "created", "active", "note"]
    assert len(frame) == 0


def test_pandas_to_sql_create_append_replace(engine: Engine, server: RunningServer) -> None:
    name = unique("pd_frame")
    first = pd.DataFrame({
        "id": [1, 2, 3],
        "label": ["cat", "dog", "cat"],
        "score": [0.5, 0.25, 1.0],
        "seen": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
        "ok": [True, False, True],
    })
    try:
        first.to_sql(name, engine, index=False)
        assert inspect(engine).has_table(name)
        back = pd.read_sql(text(f"SELECT * FROM {name} ORDER BY id"), engine)
        pd.testing.assert_frame_equal(back, first, check_dtype=False)

        with pytest.raises(ValueError, match="already exists"):
            first.to_sql(name, engine, index=False)  # if_exists='fail' is the default

        first.to_sql(name, engine, index=False, if_exists="append")
        counts = pd.read_sql(
            text(f"SELECT label, count(*) AS n FROM {name} GROUP BY label ORDER BY label"),
            engine)
        assert counts.to_dict("list") == {"label": ["cat", "dog"], "n": [4, 2]}

        replacement = pd.DataFrame({"id": [10], "label": ["bird"]})
        replacement.to_sql(name, engine, index=False, if_exists="replace")
        columns = [c["name"] for c in inspect(engine).get_columns(name)]
        assert columns == ["id", "label"]
        back = pd.read_sql(text(f"SELECT * FROM {name}"), engine)
        assert back.to_dict("list") == {"id": [10], "label": ["bird"]}
    finally:
        drop_tables(server, name)


def test_pandas_to_sql_with_index_and_chunks(engine: Engine, server: RunningServer) -> None:
    name = unique("pd_chunks")
    frame = pd.DataFrame({"value": range(250)}, index=pd.Index(range(250), name="row_id"))
    try:
        frame.to_sql(name, engine, chunksize=100, method="multi")
        columns = [c["name"] for c in inspect(engine).get_columns(name)]
        assert columns == ["row_id", "value"]
        total = pd.read_sql(text(f"SELECT sum(value) AS s, count(*) AS n FROM {name}"), engine)
        assert total.to_dict("list") == {"s": [sum(range(250))], "n": [250]}
    finally:
        drop_tables(server, name)
