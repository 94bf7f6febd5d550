"""README.md's SQL runs as written: every ```sql block through psql against a fresh server
(with the tutorial's image folders generated under the data directory's images/), so the
docs cannot drift from the product. Also: the set-up commands it names exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, start_server
from tests.test_psql import psql
from tests.test_thanosql_e2e import write_tutorial_images

pytestmark = [pytest.mark.integration, pytest.mark.slow]

README = (ROOT / "README.md").read_text()
SQL_BLOCKS = re.findall(r"```sql\n(.*?)```", README, flags=re.DOTALL)


def test_readme_has_the_two_setup_commands_first() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, flags=re.DOTALL)
    assert first_block is not None and first_block.group(1).split("\n")[:2] == [
        "make run", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


@pytest.mark.parametrize("block", range(len(SQL_BLOCKS)))
def test_readme_sql_block_runs(block: int, tmp_path: Path) -> None:
    write_tutorial_images(tmp_path / "data" / "images")
    script = tmp_path / "block.sql"
    script.write_text("\\set ON_ERROR_STOP on\n" + SQL_BLOCKS[block])
    srv = start_server(tmp_path / "data")
    try:
        done = psql(srv.dsn(), "-f", str(script), cwd=tmp_path, timeout=600)
    finally:
        srv.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ERROR" not in done.stderr
