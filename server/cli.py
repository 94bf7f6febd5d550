"""The ``pixelsql`` command line: ``pixelsql serve`` starts the server.

Settings are declared once in :mod:`server.config` (flags, ``PIXELSQL_*`` variables, a TOML
file); secrets come only from the environment or a file, never from a flag, so that they never
appear in a process listing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import logging
import os
import ssl
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.layout import FILES_DIR
from engine.ml_exec import MLService
from engine.session import Database
from engine.settings import milliseconds
from ml.pool import WorkerPool
from server import config
from server.auth import (
    ENV_PASSWORD,
    ENV_USER,
    AuthMethod,
    UserStore,
    parse_auth_method,
    scram_verifier,
)
from server.handler import ServerState
from server.transport import PixelServer, ServerConfig

log = logging.getLogger("pixelsql")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pixelsql", description="PixelSQL server")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser(
        "serve", help="run the PostgreSQL-compatible server",
        description="Each setting is a flag, an environment variable or a key of the TOML "
                    "file given by --config; a flag wins over the variable, which wins over "
                    "the file. The password is PIXELSQL_PASSWORD or password_file, never a "
                    "flag.")
    config.add_arguments(serve)
    verifier = sub.add_parser("scram-verifier",
                              help="print a SCRAM-SHA-256 verifier for a users file "
                                   "(reads the password from stdin)")
    verifier.add_argument("--iterations", type=int, default=4096)
    sub.add_parser("config-table", help="print the settings table (Markdown) of README.md")
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
    """The image roots; by default ``<data-dir>/images`` (created)."""
    roots = [Path(p).resolve() for p in given]
    if not roots:
        default = data_dir / "images"
        default.mkdir(parents=True, exist_ok=True)
        roots = [default]
    for root in roots:
        if not root.is_dir():
            raise SystemExit(f"image root {root} is not a directory")
    return roots


def _auth_method(auth: str, host: str, have_users: bool) -> AuthMethod:
    """``auto`` → SCRAM, except trust on a loopback address when no user is configured (a
    password set is a password enforced); trust on a non-loopback address is refused (anyone
    who can reach the port would be in)."""
    loopback = _is_loopback(host)
    if auth == "auto":
        if loopback and not have_users:
            return AuthMethod.TRUST
        return parse_auth_method("scram-sha-256")
    method = parse_auth_method(auth)
    if method is AuthMethod.TRUST and not loopback:
        raise SystemExit(f"--auth trust is only allowed on a loopback address, not {host}; "
                         "use --auth password and set PIXELSQL_PASSWORD or a users file")
    return method


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _timeout(settings: dict[str, Any], name: str) -> str:
    value = str(settings[name])
    if milliseconds(value) is None:
        raise SystemExit(f"--{name.replace('_', '-')} must be a time like 30s, 5min or 500ms; "
                         f"got {value!r}")
    return value


def _users(settings: dict[str, Any]) -> UserStore:
    env = {ENV_USER: settings["user"]}
    # Taken out of the environment, so that the ML workers (started later) do not inherit it.
    password = os.environ.pop(ENV_PASSWORD, None)
    if password is None and settings["password_file"] is not None:
        try:
            password = Path(settings["password_file"]).read_text().splitlines()[0]
        except (OSError, IndexError) as exc:
            raise SystemExit(f"cannot read a password from {settings['password_file']}") \
                from exc
    if password is not None:
        env[ENV_PASSWORD] = password
    users_file = settings["users_file"]
    return UserStore.from_sources(users_file=str(users_file) if users_file else None, env=env)


def _loop_name() -> str:
    module = type(asyncio.get_running_loop()).__module__
    return "uvloop" if module.startswith("uvloop") else "asyncio"


async def _serve(settings: dict[str, Any]) -> None:
    host = str(settings["host"])
    users = _users(settings)
    method = _auth_method(str(settings["auth"]), host, len(users) > 0)
    if method is not AuthMethod.TRUST and len(users) == 0:
        raise SystemExit(f"--auth {method.value} needs users: set PIXELSQL_PASSWORD (or "
                         "password_file; PIXELSQL_USER names the user) or --users-file")
    tls = _tls_context(settings["tls_cert"], settings["tls_key"])
    if settings["require_tls"] and tls is None:
        raise SystemExit("--require-tls needs --tls-cert and --tls-key")
    data_dir = Path(settings["data_dir"]).resolve()
    image_roots = _image_roots(settings["image_root"], data_dir)
    try:
        db = Database(data_dir, threads=settings["duckdb_threads"],
                      allowed_dirs=[Path(d).resolve() for d in [*settings["allow_dir"],
                                                                *image_roots]],
                      timezone=settings["timezone"])
    except ValueError as exc:
        raise SystemExit(f"--timezone: {exc}") from exc
    workers, gpus = config.worker_plan(settings["gpus"], settings["ml_workers"],
                                       config.visible_gpus(os.environ))
    pool = WorkerPool(workers, gpus=gpus, max_queued=settings["max_queued_jobs"])
    if gpus:  # a GPU worker takes tens of seconds to start: not while the first jobs wait
        pool.prestart()
    db.ml = MLService(db.cursor(), data_dir, image_roots, pool,
                      max_predict_rows=settings["max_predict_rows"])
    # Relative file names in SQL (read_csv('train.csv'), COPY … TO 'out.csv') resolve against the
    # working directory: make that the data directory's files folder, where they are allowed.
    # Every path given on the command line has been used or resolved by now.
    os.chdir(data_dir / FILES_DIR)
    state = ServerState(db, method, users, max_message_size=settings["max_message_size"],
                        startup_timeout=settings["startup_timeout"],
                        max_connections=settings["max_connections"],
                        require_tls=settings["require_tls"],
                        read_only_users=frozenset(settings["read_only_user"]),
                        statement_timeout=_timeout(settings, "statement_timeout"),
                        idle_session_timeout=_timeout(settings, "idle_session_timeout"))
    server = PixelServer(state, ServerConfig(host, settings["port"], tls))
    await server.start()
    # Tests and scripts read this line to learn the port (useful with --port 0).
    print(f"PixelSQL ready on {host}:{server.port} database=pixelsql "
          f"data={db.path} auth={method.value} ml_workers={workers} "
          f"gpus={','.join(map(str, gpus)) or 'none'} loop={_loop_name()}", flush=True)
    await server.serve_forever()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "scram-verifier":
        password = sys.stdin.readline().rstrip("\n")
        print(scram_verifier(password, iterations=args.iterations))
        return 0
    if args.command == "config-table":
        print(config.markdown_table(), end="")
        return 0
    try:
        settings = config.resolve(args, os.environ)
        loop_factory = config.event_loop_factory(settings["event_loop"])
    except config.ConfigError as exc:
        raise SystemExit(f"pixelsql: {exc}") from exc
    logging.basicConfig(level=str(settings["log_level"]).upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt), asyncio.Runner(loop_factory=loop_factory) as run:
        run.run(_serve(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
