"""Image paths, COPY … FROM and DuckDB's file functions cannot leave their roots by ``..``,
absolute paths, look-alike prefixes or symlinks — through a real server.

tests/test_file_confinement.py covers DuckDB's functions with ``../`` and absolute paths,
``COPY … TO``, ``ATTACH`` and ``INSTALL``; tests/test_thanosql_e2e.py one absolute path in BUILD
MODEL and one ``../`` in PRINT IMAGE; tests/test_ml_data.py the resolver itself. What is left
is here: symlinks (files and directories) out of the image root and out of the data directory,
a sibling directory whose name starts like the root, COPY of an image folder holding such links,
COPY of a file, and PREDICT / EVALUATE / ``pixelsql_predict`` / BUILD MODEL with paths outside.
Every refusal is 42501 and names no file contents; links that stay inside keep working.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from ml.testing import shape_image
from tests.conftest import RunningServer, start_server
from tests.test_thanosql_e2e import write_tutorial_images

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SECRET_CSV = "secret,value\nlaunch-code,0000\n"


@dataclass
class Layout:
    """A server whose data directory has links and look-alikes pointing out of its roots."""

    srv: RunningServer
    data: Path  # the data directory
    images: Path  # the image root
    outside: Path  # a directory next to the data directory, out of bounds


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Layout]:
    base = tmp_path_factory.mktemp("confine")
    data, outside = base / "data", base / "outside"
    images = data / "images"
    write_tutorial_images(images)
    outside.mkdir()
    (outside / "secret.png").write_bytes(shape_image("red", 32, seed=99))
    (outside / "secret.csv").write_text(SECRET_CSV)
    # Out of the image root: a file link, a directory link, a link inside a COPY folder.
    (images / "escape.png").symlink_to(outside / "secret.png")
    (images / "escape_dir").symlink_to(outside, target_is_directory=True)
    (images / "training_set" / "cats" / "cat.99.png").symlink_to(outside / "secret.png")
    (images / "training_set" / "linked_dir").symlink_to(outside, target_is_directory=True)
    # A directory whose path starts with the root's path but is not inside it.
    (data / "images-evil").mkdir()
    (data / "images-evil" / "x.png").write_bytes(shape_image("blue", 32, seed=98))
    # Out of SQL's files folder (data/files), for COPY of a file and DuckDB's functions.
    (data / "files").mkdir()
    (data / "files" / "link.csv").symlink_to(outside / "secret.csv")
    (data / "files" / "linkdir").symlink_to(outside, target_is_directory=True)
    # A link that stays inside the image root is fine.
    (images / "inner.png").symlink_to(images / "test_set" / "cats" / "cat.0.png")
    srv = start_server(data)
    yield Layout(srv, data, images, outside)
    srv.stop()


def _refused(layout: Layout, sql: str) -> psycopg.Error:
    """Run ``sql``; it must fail with 42501 and leave the session usable."""
    with psycopg.connect(layout.srv.dsn(), autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as info:
            conn.execute(sql).fetchall()
        assert info.value.sqlstate == "42501", f"{sql}: {info.value!r}"
        assert "launch-code" not in str(info.value)
        assert conn.execute("SELECT 1").fetchone() == (1,)
    return info.value


def _outside_paths(layout: Layout) -> list[str]:
    """Image paths that all lead out of the image root, in every spelling."""
    return [
        str(layout.outside / "secret.png"),  # absolute
        "../../outside/secret.png",  # relative to the image root
        "training_set/../../../outside/secret.png",  # down, then further up
        str(layout.images / ".." / ".." / "outside" / "secret.png"),  # absolute with ..
        "escape.png",  # a file symlink in the root
        str(layout.images / "escape_dir" / "secret.png"),  # through a directory symlink
        "escape_dir/secret.png",
        str(layout.data / "images-evil" / "x.png"),  # same prefix, other directory
        "../images-evil/x.png",
        str(layout.data / "pixelsql.duckdb"),  # the database itself
    ]


def _literal(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


# -- PRINT IMAGE and COPY -------------------------------------------------------------------------


def test_print_image_stays_in_the_image_root(layout: Layout) -> None:
    for path in _outside_paths(layout):
        error = _refused(layout, f"PRINT IMAGE AS SELECT {_literal(path)} AS image")
        assert "outside the allowed image roots" in str(error), path
    with psycopg.connect(layout.srv.dsn(), autocommit=True) as conn:
        rows = conn.execute("PRINT IMAGE AS SELECT 'inner.png' AS image UNION ALL "
                            "SELECT 'test_set/dogs/dog.1.png'").fetchall()
    inner = (layout.images / "test_set" / "cats" / "cat.0.png").read_bytes()
    assert {bytes(r[1]) for r in rows} == {
        inner, (layout.images / "test_set" / "dogs" / "dog.1.png").read_bytes()}


def test_copy_of_a_folder_or_file_outside_is_refused(layout: Layout) -> None:
    for source in (str(layout.outside), "../outside", "../images/../../outside", "escape_dir",
                   str(layout.images / "escape_dir"), "linkdir", "link.csv",
                   "../outside/secret.csv", str(layout.outside / "secret.csv"),
                   "../images/escape_dir/secret.csv"):
        _refused(layout, f"COPY stolen OPTIONS (if_exists='replace') FROM {_literal(source)}")
    with psycopg.connect(layout.srv.dsn(), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_name = 'stolen'").fetchone() == (0,)


def test_copy_of_an_image_folder_skips_links_that_leave_it(layout: Layout) -> None:
    with psycopg.connect(layout.srv.dsn(), autocommit=True) as conn:
        cur = conn.execute("COPY train_rows OPTIONS (if_exists='replace') FROM 'training_set'")
        assert cur.statusmessage == "COPY 40"  # 20 cats + 20 dogs; the linked cat is left out
        paths = [r[0] for r in conn.execute("SELECT image_path FROM train_rows")]
    assert all(Path(p).resolve().is_relative_to(layout.images.resolve()) for p in paths)
    assert not any("outside" in p or "linked_dir" in p or "cat.99" in p for p in paths)


# -- DuckDB's own file functions and symlinks -----------------------------------------------------


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_csv('link.csv')",
    "SELECT * FROM read_csv('linkdir/secret.csv')",
    "SELECT * FROM read_csv('linkdir/*.csv')",
    "SELECT * FROM read_text('../images/escape_dir/secret.csv')",
    "SELECT * FROM read_blob('../images/escape.png')",
    "SELECT * FROM glob('linkdir/*')",
    "COPY (SELECT 1 AS a) TO 'linkdir/written.csv'",
])
def test_duckdb_functions_do_not_follow_symlinks_out(layout: Layout, sql: str) -> None:
    _refused(layout, sql)
    assert not (layout.outside / "written.csv").exists()


# -- ML statements -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model(layout: Layout) -> str:
    """A tiny trained model (one epoch at 32 px)."""
    with psycopg.connect(layout.srv.dsn(), autocommit=True) as conn:
        conn.execute("COPY train_set OPTIONS (if_exists='replace') FROM 'training_set'")
        conn.execute("BUILD MODEL guard USING ConvNeXt_Tiny OPTIONS (max_epochs=1, "
                     "input_size=32) AS SELECT * FROM train_set QUALIFY row_number() OVER "
                     "(PARTITION BY label ORDER BY image_path) <= 4")  # 8 images: cheap
    return "guard"


def test_build_model_refuses_paths_outside_and_makes_no_model(layout: Layout) -> None:
    good = layout.images / "training_set"
    for path in ("escape.png", "escape_dir/secret.png", "../images-evil/x.png",
                 str(layout.outside / "secret.png")):
        rows = ", ".join(f"({_literal(str(p))}, {_literal(p.parent.name)})"
                         for p in sorted(good.rglob("*.[0-3].png")))
        _refused(layout, f"BUILD MODEL leaky USING ConvNeXt_Tiny OPTIONS (max_epochs=1, "
                         f"input_size=32) AS SELECT * FROM (VALUES {rows}, "
                         f"({_literal(path)}, 'cats')) AS t(image_path, label)")
    with psycopg.connect(layout.srv.dsn(), autocommit=True) as conn:
        assert "leaky" not in [r[0] for r in conn.execute("LIST MODEL")]
    assert not (layout.data / "models" / "leaky").exists()


def test_predict_and_evaluate_refuse_paths_outside(layout: Layout, model: str) -> None:
    for path in _outside_paths(layout)[:-1]:
        query = f"SELECT {_literal(path)} AS image_path, 'cats' AS label"
        _refused(layout, f"PREDICT USING {model} AS {query}")
        _refused(layout, f"EVALUATE USING {model} AS {query}")
    with psycopg.connect(layout.srv.dsn(), autocommit=True) as conn:
        rows = conn.execute(f"PREDICT USING {model} AS SELECT 'inner.png' AS image_path"
                            ).fetchall()
    assert len(rows) == 1 and rows[0][1] in ("cats", "dogs")


def test_scalar_predict_refuses_paths_outside(layout: Layout, model: str) -> None:
    with psycopg.connect(layout.srv.dsn(), autocommit=True) as conn:
        for path in ("escape.png", str(layout.outside / "secret.png")):
            with pytest.raises(psycopg.Error, match="outside the allowed image roots"):
                conn.execute(f"SELECT pixelsql_predict('{model}', {_literal(path)})")
        row = conn.execute(f"SELECT pixelsql_predict('{model}', 'inner.png')").fetchone()
        assert row is not None and row[0] in ("cats", "dogs")


def test_scalar_predict_refusal_has_the_right_sqlstate(layout: Layout, model: str) -> None:
    error = _refused(layout, f"SELECT pixelsql_predict('{model}', 'escape.png')")
    assert "Python exception" not in str(error)


def test_sql_cannot_write_into_the_model_store(layout: Layout, model: str) -> None:
    target = layout.data / "models" / model / "notes.csv"
    try:
        _refused(layout, f"COPY (SELECT 'junk' AS x) TO {_literal(str(target))}")
    finally:
        target.unlink(missing_ok=True)


def test_sql_cannot_reach_the_model_store_or_overwrite_the_database(layout: Layout,
                                                                     model: str) -> None:
    """Relative names resolve in data/files: ``..`` out of it is refused like any other path.
    (DuckDB itself lets SQL read, never write, the database file and WAL: SECURITY.md.)"""
    metadata = layout.data / "models" / model / "metadata.json"
    for sql in (f"SELECT * FROM read_text({_literal(str(metadata))})",
                f"SELECT * FROM glob('../models/{model}/*')",
                f"COPY (SELECT 1 AS x) TO '../models/{model}/weights.pt'"):
        _refused(layout, sql)
    with psycopg.connect(layout.srv.dsn(), autocommit=True) as conn:
        for target in ("../pixelsql.duckdb", "../pixelsql.duckdb.wal"):
            with pytest.raises(psycopg.Error, match="belongs to an attached database"):
                conn.execute(f"COPY (SELECT 1 AS x) TO '{target}'")
        assert conn.execute("SELECT count(*) FROM pixelsql_ml.models WHERE name = %s",
                            (model,)).fetchone() == (1,)
    assert json.loads(metadata.read_text())["classes"] == ["cats", "dogs"]
