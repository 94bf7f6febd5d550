"""Load: 200 concurrent asyncpg clients for a bounded time, mixing queries, COPY in and out and
PREDICT on a tiny model; three waves (connect, work 4 s, disconnect), 600 sessions in all.

What a user would notice is checked: no client sees an error except the intended limit (53400
when the ML queue is full), every result is right (each client checks its own answers, and the
rows it wrote are all there afterwards), the server's memory stays bounded (and stops growing
once warm), and it still accepts new clients at the end.
"""

from __future__ import annotations

import asyncio
import io
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import asyncpg
import psycopg
import pytest

from tests.conftest import RunningServer, start_server
from tests.test_thanosql_e2e import write_tutorial_images

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CLIENTS = 200
PREDICTORS = 4  # of the clients, those that also PREDICT (slow on 2 CPU cores)
PREDICTS_EACH = 2
WAVES = 3  # all clients connect, work DURATION_S, disconnect; then again
DURATION_S = 4.0
RSS_GROWTH_LIMIT = 1 << 30  # bytes, over the whole test
RSS_WAVE_GROWTH_LIMIT = 256 << 20  # bytes, from the second wave's end to the last one's


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS line")


@pytest.fixture(scope="module")
def load_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("load")
    write_tutorial_images(data / "images")
    srv = start_server(data, "--max-connections", "250")
    with psycopg.connect(srv.dsn(), autocommit=True) as conn:
        conn.execute("COPY pics FROM 'test_set'")
        conn.execute("COPY train FROM 'training_set'")
        conn.execute("BUILD MODEL tiny USING ConvNeXt_Tiny OPTIONS (max_epochs=1, "
                     "input_size=32) AS SELECT * FROM train QUALIFY row_number() OVER "
                     "(PARTITION BY label ORDER BY image_path) <= 4")  # 8 images: cheap
        conn.execute("CREATE TABLE load_rows (client INTEGER, seq INTEGER)")
        conn.execute("CREATE TABLE load_copy (client INTEGER, seq INTEGER, note TEXT)")
    yield srv
    srv.stop()


@dataclass
class Tally:
    """What one client did and saw."""

    inserted: int = 0
    copied: int = 0
    operations: int = 0
    predictions: int = 0
    limited: int = 0  # 53400: the ML queue was full (an intended limit)
    errors: list[str] = field(default_factory=list)


async def _query_mix(conn: asyncpg.Connection, client: int, step: int, tally: Tally) -> None:
    """One of the ordinary operations, chosen by step; each checks its own answer."""
    op = (client + step) % 5
    if op == 0:
        assert await conn.fetchval("SELECT $1::int8 * 2", client * 1000 + step) == \
            2 * (client * 1000 + step)
    elif op == 1:
        n = 1000 + client
        assert await conn.fetchval("SELECT sum(i) FROM range($1::int8) t(i)", n) == \
            n * (n - 1) // 2
    elif op == 2:
        await conn.execute("INSERT INTO load_rows VALUES ($1, $2)", client, step)
        tally.inserted += 1
        assert await conn.fetchval("SELECT count(*) FROM load_rows WHERE client = $1",
                                   client) == tally.inserted
    elif op == 3:
        records = [(client, step * 100 + k, f"c{client} s{step}\tk{k}") for k in range(20)]
        status = await conn.copy_records_to_table("load_copy", records=records)
        assert status == "COPY 20"
        tally.copied += 20
    else:
        out = io.BytesIO()
        status = await conn.copy_from_query(
            f"SELECT seq, note FROM load_copy WHERE client = {client} ORDER BY seq",
            output=out, format="csv")
        assert status == f"COPY {tally.copied}"
        assert len(out.getvalue().splitlines()) == tally.copied
    tally.operations += 1


async def _predict(conn: asyncpg.Connection, tally: Tally) -> None:
    try:
        rows = await conn.fetch("PREDICT USING tiny AS SELECT * FROM pics")
    except asyncpg.exceptions.ConfigurationLimitExceededError:  # 53400, queue full
        tally.limited += 1
        return
    assert len(rows) == 16
    assert {r["predicted"] for r in rows} <= {"cats", "dogs"}
    assert [r["image_path"] for r in rows] == sorted(r["image_path"] for r in rows)
    tally.predictions += 1


@dataclass
class Clock:
    """Starts every client at once, after all have connected, and ends them together."""

    start: asyncio.Event = field(default_factory=asyncio.Event)
    connected: int = 0
    deadline: float = 0.0


async def _client(srv: RunningServer, client: int, wave: int, clock: Clock,
                  tally: Tally) -> None:
    try:
        conn = await asyncpg.connect(host=srv.host, port=srv.port, user=f"load{client}",
                                     database="pixelsql", timeout=60, command_timeout=60)
    except Exception as exc:
        tally.errors.append(f"client {client} connect: {exc!r}")
        return
    finally:
        clock.connected += 1
    try:
        await clock.start.wait()
        step = tally.operations
        await _query_mix(conn, client, step, tally)
        if client < PREDICTORS and wave == 0:
            for _ in range(PREDICTS_EACH):
                await _predict(conn, tally)
        while time.monotonic() < clock.deadline:
            step += 1
            await _query_mix(conn, client, step, tally)
    except Exception as exc:
        tally.errors.append(f"client {client} step {tally.operations}: {exc!r}")
    finally:
        await conn.close(timeout=10)


async def _wave(srv: RunningServer, wave: int, tallies: list[Tally], rss: list[int]) -> None:
    """All clients connect, then run for DURATION_S; ``rss`` gets the server's RSS samples."""
    clock = Clock()

    async def sample_rss() -> None:
        while True:
            rss.append(rss_bytes(srv.process.pid))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample_rss())
    clients = [asyncio.create_task(_client(srv, n, wave, clock, tallies[n]))
               for n in range(CLIENTS)]
    connect_deadline = time.monotonic() + 60
    while clock.connected < CLIENTS and time.monotonic() < connect_deadline:
        await asyncio.sleep(0.05)
    clock.deadline = time.monotonic() + DURATION_S
    clock.start.set()
    try:
        await asyncio.wait_for(asyncio.gather(*clients), DURATION_S + 90)
    finally:
        sampler.cancel()


def test_two_hundred_clients_mixing_queries_copy_and_predict(load_server: RunningServer) -> None:
    srv = load_server
    before = rss_bytes(srv.process.pid)
    samples: list[int] = []
    tallies = [Tally() for _ in range(CLIENTS)]
    after_wave: list[int] = []
    started = time.monotonic()
    for wave in range(WAVES):
        asyncio.run(_wave(srv, wave, tallies, samples))
        time.sleep(0.5)  # sessions of closed clients end asynchronously
        after_wave.append(rss_bytes(srv.process.pid))
    elapsed = time.monotonic() - started
    after = after_wave[-1]

    errors = [e for t in tallies for e in t.errors]
    assert errors == [], f"{len(errors)} errors, first: {errors[:3]}"
    idle = [(n, t) for n, t in enumerate(tallies) if t.operations == 0]
    assert idle == [], f"{len(idle)} clients never got a turn"
    assert sum(t.predictions + t.limited for t in tallies) == PREDICTORS * PREDICTS_EACH
    assert sum(t.predictions for t in tallies) >= 1
    peak = max([before, after, *samples])
    assert peak - before < RSS_GROWTH_LIMIT, f"RSS {before >> 20} → peak {peak >> 20} MiB"
    assert after - before < RSS_GROWTH_LIMIT, f"RSS {before >> 20} → {after >> 20} MiB"
    # More sessions served does not mean more memory held: once warm, a wave of 200 new
    # sessions adds little (a leak of a MiB per session would show).
    assert after - after_wave[1] < RSS_WAVE_GROWTH_LIMIT, [r >> 20 for r in after_wave]

    with psycopg.connect(srv.dsn(), autocommit=True, connect_timeout=10) as conn:
        count = "SELECT client, count(*) FROM {} GROUP BY client"
        rows: dict[int, int] = dict(conn.execute(count.format("load_rows")).fetchall())
        copied: dict[int, int] = dict(conn.execute(count.format("load_copy")).fetchall())
    for n, t in enumerate(tallies):
        assert rows.get(n, 0) == t.inserted and copied.get(n, 0) == t.copied, n
    assert "Traceback" not in "".join(srv.log)
    print(f"\n{sum(t.operations for t in tallies)} operations by {CLIENTS} clients in "
          f"{elapsed:.1f} s; RSS {before >> 20} → peak {peak >> 20} MiB, after each wave "
          f"{[r >> 20 for r in after_wave]} MiB; "
          f"{os.cpu_count()} cores")
