"""The ``pixelsql`` command line: ``pixelsql serve`` starts the server.

Configuration comes from options, with environment variables for secrets
(``PIXELSQL_PASSWORD`` / ``PIXELSQL_USER``) so that they never appear in a process listing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import ssl
import sys
from collections.abc import Sequence
from pathlib import Path

from engine.ml_exec import MLService
from engine.session import DEFAULT_QUERY_THREADS, Database
from ml.pool import WorkerPool
from ml.roots import IMAGE_ROOTS_ENV
from server.auth import AuthMethod, UserStore, parse_auth_method, scram_verifier
from server.codec import DEFAULT_MAX_MESSAGE_SIZE
from server.handler import ServerState
from server.transport import PixelServer, ServerConfig

log = logging.getLogger("pixelsql")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pixelsql", description="PixelSQL server")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the PostgreSQL-compatible server")
    serve.add_argument("--host", default=os.environ.get("PIXELSQL_HOST", "127.0.0.1"),
                       help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PIXELSQL_PORT", "5433")),
                       help="TCP port (default 5433; 0 picks a free port)")
    serve.add_argument("--data-dir", type=Path,
                       default=Path(os.environ.get("PIXELSQL_DATA_DIR", "./data")),
                       help="directory holding the DuckDB database file (default ./data)")
    serve.add_argument("--auth", default=os.environ.get("PIXELSQL_AUTH", "trust"),
                       help="trust | password (= scram-sha-256) | scram-sha-256 | md5 | "
                            "cleartext (default trust). Note: unlike pg_hba.conf, 'password' "
                            "here means SCRAM-SHA-256.")
    serve.add_argument("--users-file", default=os.environ.get("PIXELSQL_USERS_FILE"),
                       help="file of 'name:secret' lines (SCRAM verifier, md5 hash or "
                            "plain:<password>); PIXELSQL_USER/PIXELSQL_PASSWORD add one user")
    serve.add_argument("--tls-cert", type=Path, help="PEM certificate: enables TLS")
    serve.add_argument("--tls-key", type=Path, help="PEM private key for --tls-cert")
    serve.add_argument("--max-connections", type=int, default=100)
    serve.add_argument("--max-message-size", type=int, default=DEFAULT_MAX_MESSAGE_SIZE,
                       help="largest protocol message accepted, in bytes")
    serve.add_argument("--startup-timeout", type=float, default=60.0,
                       help="seconds a client may take to start up and authenticate")
    serve.add_argument("--duckdb-threads", type=int, default=DEFAULT_QUERY_THREADS,
                       help="DuckDB worker threads per statement (default 1: lowest latency; "
                            "0 = DuckDB's default, one per core)")
    serve.add_argument("--allow-dir", type=Path, action="append", default=[],
                       help="a directory (besides --data-dir) whose files SQL may read and "
                            "write, e.g. read_csv(); repeatable. Nothing else is reachable.")
    serve.add_argument("--image-root", type=Path, action="append", default=[],
                       help="a directory image paths may point into (repeatable; default: "
                       "$PIXELSQL_IMAGE_ROOTS, colon-separated, else <data-dir>/images)")
    serve.add_argument("--ml-workers", type=int,
                       default=int(os.environ.get("PIXELSQL_ML_WORKERS", "1")),
                       help="ML worker processes (each runs one training/prediction job)")
    serve.add_argument("--max-queued-jobs", type=int, default=32,
                       help="ML jobs that may wait for a worker; more are refused (53400)")
    serve.add_argument("--log-level", default=os.environ.get("PIXELSQL_LOG_LEVEL", "INFO"))
    verifier = sub.add_parser("scram-verifier",
                              help="print a SCRAM-SHA-256 verifier for a users file "
                                   "(reads the password from stdin)")
    verifier.add_argument("--iterations", type=int, default=4096)
    return parser


def _tls_context(cert: Path | None, key: Path | None) -> ssl.SSLContext | None:
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise SystemExit("--tls-cert and --tls-key must be given together")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(cert), str(key))
    return ctx


def _image_roots(given: Sequence[Path], data_dir: Path) -> list[Path]:
    """--image-root, else $PIXELSQL_IMAGE_ROOTS, else <data-dir>/images (created)."""
    roots = [p.resolve() for p in given]
    if not roots:
        env = os.environ.get(IMAGE_ROOTS_ENV, "")
        roots = [Path(p).resolve() for p in env.split(os.pathsep) if p]
    if not roots:
        default = data_dir / "images"
        default.mkdir(parents=True, exist_ok=True)
        roots = [default]
    for root in roots:
        if not root.is_dir():
            raise SystemExit(f"image root {root} is not a directory")
    return roots


async def _serve(args: argparse.Namespace) -> None:
    method = parse_auth_method(args.auth)
    users = UserStore.from_sources(users_file=args.users_file, env=os.environ)
    if method is not AuthMethod.TRUST and len(users) == 0:
        raise SystemExit(f"--auth {args.auth} needs users: set PIXELSQL_PASSWORD "
                         "(and optionally PIXELSQL_USER) or --users-file")
    tls = _tls_context(args.tls_cert, args.tls_key)
    data_dir = args.data_dir.resolve()
    image_roots = _image_roots(args.image_root, data_dir)
    db = Database(data_dir, threads=args.duckdb_threads,
                  allowed_dirs=[d.resolve() for d in [*args.allow_dir, *image_roots]])
    pool = WorkerPool(args.ml_workers, max_queued=args.max_queued_jobs)
    db.ml = MLService(db.cursor(), data_dir, image_roots, pool)
    # Relative file names in SQL (read_csv('train.csv'), COPY … TO 'out.csv') resolve against the
    # working directory: make that the data directory, the one place they are allowed. Every
    # path given on the command line has been used or resolved by now.
    os.chdir(data_dir)
    state = ServerState(db, method, users, max_message_size=args.max_message_size,
                        startup_timeout=args.startup_timeout,
                        max_connections=args.max_connections)
    server = PixelServer(state, ServerConfig(args.host, args.port, tls))
    await server.start()
    # Tests and scripts read this line to learn the port (useful with --port 0).
    print(f"PixelSQL ready on {args.host}:{server.port} database=pixelsql "
          f"data={db.path} auth={method.value}", flush=True)
    await server.serve_forever()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "scram-verifier":
        password = sys.stdin.readline().rstrip("\n")
        print(scram_verifier(password, iterations=args.iterations))
        return 0
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
