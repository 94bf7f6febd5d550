"""The PostgreSQL 15 harness itself: a throwaway cluster answers psycopg and psql."""

from __future__ import annotations

import psycopg
import pytest

from tests.pg15 import PostgresCluster, pg15_available


@pytest.mark.slow
def test_cluster_answers_psycopg_and_psql() -> None:
    assert pg15_available(), "PostgreSQL 15 is not installed; run `make system-deps`"
    with PostgresCluster() as cluster:
        with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
            row = conn.execute("select version(), current_setting('fsync')").fetchone()
        assert row is not None
        assert row[0].startswith("PostgreSQL 15.")
        assert row[1] == "off"
        assert cluster.psql("select version()").startswith("PostgreSQL 15.")
        root = cluster.log_path.parent
    assert not root.exists(), "the cluster's directory is removed on exit"
