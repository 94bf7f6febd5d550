"""One configuration model for ``pixelsql serve``: flags, environment variables, a config file.

Every setting is declared once in ``SETTINGS`` with its type, default and help. From that one
table come the command-line flags (``--max-connections``), the environment variables
(``PIXELSQL_MAX_CONNECTIONS``), the keys of the optional TOML config file (``max_connections =
200``, file given by ``--config`` or ``PIXELSQL_CONFIG``), ``pixelsql serve --help`` and the
table in README.md (``pixelsql config-table`` prints it; a test keeps the two equal).

Precedence, highest first: flag, environment variable, config file, default. List settings
(``image_root``, ``allow_dir``) take a repeated flag, a colon-separated variable or a TOML list.
Secrets are never flags (they would show in a process listing): the password comes from
``PIXELSQL_PASSWORD`` or a file named by ``password_file``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.codec import DEFAULT_MAX_MESSAGE_SIZE

ENV_PREFIX = "PIXELSQL_"
CONFIG_ENV = "PIXELSQL_CONFIG"


@dataclass(frozen=True)
class Setting:
    name: str  # the config-file key; the flag and variable derive from it
    kind: type  # str, int, float, Path
    default: Any
    help: str
    repeatable: bool = False  # a list: repeated flag / colon-separated variable / TOML list
    shown_default: str | None = None  # how the table shows a computed default
    env_name: str | None = None  # when the variable is not PIXELSQL_<NAME>
    alias: str | None = None  # another flag spelling, e.g. --workers for --ml-workers

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def flags(self) -> tuple[str, ...]:
        return (self.flag, self.alias) if self.alias else (self.flag,)

    @property
    def env(self) -> str:
        return self.env_name or ENV_PREFIX + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("host", str, "127.0.0.1", "address to listen on"),
    Setting("port", int, 5433, "TCP port; 0 picks a free one"),
    Setting("data_dir", Path, Path("./data"),
            "directory of the database file `pixelsql.duckdb`, models and (default) images",
            shown_default="`./data`"),
    Setting("auth", str, "auto",
            "`trust`, `password` (= `scram-sha-256`), `scram-sha-256`, `md5`, `cleartext`; "
            "`auto`: SCRAM-SHA-256, or trust on a loopback address while no user is "
            "configured (trust is refused on any other)"),
    Setting("user", str, "pixelsql", "the user that `PIXELSQL_PASSWORD` / `password_file` define"),
    Setting("password_file", Path, None,
            "file whose first line is that user's password (e.g. a Docker secret)"),
    Setting("users_file", Path, None,
            "lines `name:secret`; secret is a SCRAM verifier, `md5…` hash or `plain:<password>`"),
    Setting("tls_cert", Path, None, "PEM certificate; with `tls_key` enables TLS"),
    Setting("tls_key", Path, None, "PEM private key for `tls_cert`"),
    Setting("require_tls", bool, False,
            "refuse connections that did not negotiate TLS (28000), loopback ones too"),
    Setting("read_only_user", str, (),
            "a user who may query, PREDICT and EVALUATE but not write, build or delete",
            repeatable=True, env_name="PIXELSQL_READ_ONLY_USERS"),
    Setting("max_connections", int, 100,
            "further clients get `53300 sorry, too many clients already`"),
    Setting("max_message_size", int, DEFAULT_MAX_MESSAGE_SIZE,
            "largest protocol message accepted, in bytes (larger: 08P01)",
            shown_default="64 MiB"),
    Setting("startup_timeout", float, 60.0,
            "seconds a client has to start up and authenticate"),
    Setting("statement_timeout", str, "0",
            "default `statement_timeout` of every session (`30s`, `5min`; 0: none); "
            "sessions may SET their own"),
    Setting("idle_session_timeout", str, "0",
            "close sessions idle this long (57P05); `idle_in_transaction_session_timeout` "
            "is a session setting too"),
    Setting("timezone", str, "UTC",
            "every session's `TimeZone` (how timestamptz is read, computed and shown); "
            "sessions may SET only this zone"),
    Setting("duckdb_threads", int, 1,
            "DuckDB worker threads per statement (0 = one per core)"),
    Setting("allow_dir", Path, (), "another directory SQL may read and write files in",
            repeatable=True, env_name="PIXELSQL_ALLOW_DIRS"),
    Setting("image_root", Path, (),
            "a directory image paths may point into", repeatable=True,
            shown_default="`<data_dir>/images`", env_name="PIXELSQL_IMAGE_ROOTS"),
    Setting("gpus", str, "auto",
            "GPUs the ML workers use: `auto` (every visible one), `none`, or ids `0,1`"),
    Setting("ml_workers", str, "auto",
            "ML worker processes, each running one training or prediction job; `auto`: one "
            "per GPU, else 1", alias="--workers"),
    Setting("max_queued_jobs", int, 32,
            "ML jobs that may wait for a free worker; more are refused with 53400"),
    Setting("max_predict_rows", int, 1_000_000,
            "most rows one PREDICT / EVALUATE may score (more: 54000)"),
    Setting("event_loop", str, "auto",
            "`uvloop` (libuv; SELECT 1 round trips 3-9% shorter here), `asyncio` (the standard "
            "library's), or `auto`: uvloop when it is installed"),
    Setting("log_level", str, "INFO", "DEBUG, INFO, WARNING or ERROR"),
)
BY_NAME = {s.name: s for s in SETTINGS}


class ConfigError(ValueError):
    """A setting with a value of the wrong type, or an unknown key in the config file."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """One flag per setting, plus ``--config``; unset flags stay absent from the namespace."""
    parser.add_argument("--config", type=Path, default=argparse.SUPPRESS,
                        help=f"TOML file with settings (keys as below; {CONFIG_ENV})")
    for s in SETTINGS:
        default = s.shown_default or (s.default if s.default not in (None, ()) else "none")
        help_text = f"{_plain(s.help)} ({s.env}; default {_plain(str(default))})"
        convert = _parse_bool if s.kind is bool else s.kind
        if s.repeatable:
            parser.add_argument(*s.flags, dest=s.name, type=convert, action="append",
                                default=argparse.SUPPRESS, help=help_text + "; repeatable")
        else:
            parser.add_argument(*s.flags, dest=s.name, type=convert, default=argparse.SUPPRESS,
                                help=help_text)


def resolve(args: argparse.Namespace, env: Mapping[str, str]) -> dict[str, Any]:
    """Every setting's value: flag, else environment, else config file, else default."""
    flags = vars(args)
    config_path = flags.get("config") or (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
    from_file = load_file(config_path) if config_path is not None else {}
    values: dict[str, Any] = {}
    for s in SETTINGS:
        if s.name in flags:
            values[s.name] = flags[s.name]
        elif env.get(s.env):
            values[s.name] = _parse_env(s, env[s.env])
        elif s.name in from_file:
            values[s.name] = _from_toml(s, from_file[s.name])
        else:
            values[s.name] = list(s.default) if s.repeatable else s.default
    return values


def load_file(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path}: {exc}") from exc
    unknown = sorted(set(data) - set(BY_NAME))
    if unknown:
        raise ConfigError(f"config file {path}: unknown setting(s) {', '.join(unknown)}; "
                          f"known: {', '.join(BY_NAME)}")
    return data


def _parse_env(s: Setting, text: str) -> Any:
    if s.repeatable:
        return [_convert(s, part) for part in text.split(os.pathsep) if part]
    return _convert(s, text)


def _from_toml(s: Setting, value: Any) -> Any:
    if s.repeatable:
        if not isinstance(value, list):
            raise ConfigError(f"config setting {s.name} must be a list")
        return [_convert(s, item) for item in value]
    return _convert(s, value)


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(value)


def _convert(s: Setting, value: Any) -> Any:
    try:
        if s.kind is bool:
            return _parse_bool(value)
        if s.kind is int and isinstance(value, bool):
            raise ValueError(value)
        return s.kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {s.name} ({s.env}) must be {s.kind.__name__}, "
                          f"got {value!r}") from exc


def _plain(text: str) -> str:
    return text.replace("`", "")


def markdown_table() -> str:
    """The settings table of README.md."""
    lines = ["| flag | environment | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        if s.shown_default is not None:
            default = s.shown_default
        elif s.default in (None, ()):
            default = "—"
        else:
            default = f"`{s.default}`"
        flag = " / ".join(f"`{f}`" for f in s.flags) + (" (repeatable)" if s.repeatable else "")
        lines.append(f"| {flag} | `{s.env}` | {default} | {s.help} |")
    return "\n".join(lines) + "\n"


def visible_gpus(env: Mapping[str, str], probe: Sequence[str] | None = None) -> list[int]:
    """GPU ids visible to this machine, without importing CUDA: ``CUDA_VISIBLE_DEVICES`` when
    set, else the lines of ``nvidia-smi -L`` (``probe`` stands in for them in tests)."""
    visible = env.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return [int(p) for p in visible.split(",") if p.strip().isdigit()]
    if probe is None:
        import shutil
        import subprocess

        smi = shutil.which("nvidia-smi")
        if smi is None:
            return []
        try:
            done = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return []
        probe = done.stdout.splitlines() if done.returncode == 0 else []
    return [i for i, line in enumerate(p for p in probe if p.startswith("GPU "))]


EVENT_LOOPS = ("auto", "uvloop", "asyncio")


def event_loop_factory(choice: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """What makes the server's event loop: uvloop's, or None for the standard library's."""
    if choice not in EVENT_LOOPS:
        raise ConfigError(f"event_loop must be one of {', '.join(EVENT_LOOPS)}; got {choice!r}")
    if choice == "asyncio":
        return None
    try:
        import uvloop
    except ImportError as exc:
        if choice == "uvloop":
            raise ConfigError("event_loop uvloop: the uvloop package is not installed") \
                from exc
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def worker_plan(gpus: str, ml_workers: str, visible: Sequence[int]) -> tuple[int, list[int]]:
    """(number of ML workers, GPU ids they share round-robin; empty: CPU only)."""
    if gpus == "auto":
        ids = list(visible)
    elif gpus == "none":
        ids = []
    else:
        try:
            ids = [int(p) for p in gpus.split(",") if p.strip()]
        except ValueError as exc:
            raise ConfigError(f"gpus must be auto, none or ids like 0,1; got {gpus!r}") from exc
    if ml_workers == "auto":
        workers = max(1, len(ids))
    else:
        try:
            workers = int(ml_workers)
        except ValueError as exc:
            raise ConfigError(f"ml_workers must be auto or a number; got {ml_workers!r}") \
                from exc
        if workers < 1:
            raise ConfigError("ml_workers must be at least 1")
    return workers, ids
