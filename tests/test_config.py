"""The one configuration model: flags, environment, TOML file, defaults, docs, GPU plan."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from server import config
from server.cli import _auth_method, build_parser
from tests.conftest import ROOT, start_server


def _resolve(argv: list[str], env: dict[str, str] | None = None) -> dict[str, object]:
    args = build_parser().parse_args(["serve", *argv])
    return config.resolve(args, env or {})


def test_readme_table_is_the_generated_one() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("<!-- config-table")
    table = readme[readme.index("\n", start) + 1: readme.index("<!-- /config-table -->")]
    assert table == config.markdown_table()


def test_serve_help_lists_every_setting_with_its_variable() -> None:
    done = subprocess.run([sys.executable, "-m", "server.cli", "serve", "--help"], cwd=ROOT,
                          capture_output=True, text=True, check=True,
                          env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    text = " ".join(done.stdout.split())
    for s in config.SETTINGS:
        assert s.flag in text and s.env in text, s.name
    assert "--config" in text


def test_flag_beats_environment_beats_file_beats_default(tmp_path: Path) -> None:
    file = tmp_path / "pixelsql.toml"
    file.write_text('port = 7000\nmax_connections = 7\nlog_level = "DEBUG"\n'
                    'image_root = ["/a", "/b"]\n')
    env = {"PIXELSQL_MAX_CONNECTIONS": "8", "PIXELSQL_CONFIG": str(file),
           "PIXELSQL_ALLOW_DIRS": "/x:/y"}
    values = _resolve(["--port", "9000"], env)
    assert values["port"] == 9000  # flag
    assert values["max_connections"] == 8  # environment over file
    assert values["log_level"] == "DEBUG"  # file
    assert values["image_root"] == [Path("/a"), Path("/b")]
    assert values["allow_dir"] == [Path("/x"), Path("/y")]
    assert values["startup_timeout"] == 60.0  # default
    assert _resolve(["--workers", "3"])["ml_workers"] == "3"  # --ml-workers' other spelling
    assert _resolve(["--image-root", "/c", "--image-root", "/d"])["image_root"] == [
        Path("/c"), Path("/d")]


@pytest.mark.parametrize(("content", "message"), [
    ("prot = 1\n", "unknown setting(s) prot"),
    ('port = "many"\n', "port (PIXELSQL_PORT) must be int"),
    ("port = true\n", "must be int"),
    ('image_root = "/a"\n', "must be a list"),
    ("port = [\n", "config file"),
])
def test_bad_config_files_are_reported(tmp_path: Path, content: str, message: str) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(content)
    with pytest.raises(config.ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _resolve(["--config", str(file)])
    with pytest.raises(config.ConfigError, match="cannot read config file"):
        _resolve(["--config", str(tmp_path / "missing.toml")])


def test_bad_values_stop_the_server_with_a_message(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "server.cli", "serve", "--data-dir",
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          env={"PIXELSQL_PORT": "high", "PATH": "/usr/bin:/bin"}, timeout=60)
    assert done.returncode != 0 and "PIXELSQL_PORT" in done.stderr


@pytest.mark.parametrize(("auth", "host", "users", "expected"), [
    ("auto", "127.0.0.1", False, "trust"), ("auto", "::1", False, "trust"),
    ("auto", "localhost", False, "trust"),
    ("auto", "127.0.0.1", True, "scram-sha-256"),  # a password set is a password enforced
    ("auto", "0.0.0.0", True, "scram-sha-256"), ("auto", "10.1.2.3", True, "scram-sha-256"),
    ("auto", "0.0.0.0", False, "scram-sha-256"),  # (and the server then refuses to start)
    ("md5", "0.0.0.0", True, "md5"), ("trust", "127.0.0.1", True, "trust"),
])
def test_authentication_is_on_off_loopback_and_whenever_users_exist(
        auth: str, host: str, users: bool, expected: str) -> None:
    assert _auth_method(auth, host, users).value == expected


def test_trust_is_refused_on_a_public_address() -> None:
    with pytest.raises(SystemExit, match="only allowed on a loopback"):
        _auth_method("trust", "0.0.0.0", False)


@pytest.mark.parametrize(("gpus", "workers", "visible", "expected"), [
    ("auto", "auto", [], (1, [])),
    ("auto", "auto", [0, 1, 2, 3], (4, [0, 1, 2, 3])),
    ("none", "auto", [0, 1], (1, [])),
    ("1,3", "auto", [0, 1, 2, 3], (2, [1, 3])),
    ("auto", "6", [0, 1], (6, [0, 1])),
    ("auto", "2", [], (2, [])),
])
def test_worker_plan(gpus: str, workers: str, visible: list[int],
                     expected: tuple[int, list[int]]) -> None:
    assert config.worker_plan(gpus, workers, visible) == expected


def test_worker_plan_rejects_nonsense() -> None:
    with pytest.raises(config.ConfigError):
        config.worker_plan("first", "auto", [])
    with pytest.raises(config.ConfigError):
        config.worker_plan("auto", "0", [])


def test_visible_gpus_without_cuda() -> None:
    assert config.visible_gpus({"CUDA_VISIBLE_DEVICES": "0,2"}) == [0, 2]
    assert config.visible_gpus({"CUDA_VISIBLE_DEVICES": ""}) == []
    smi = ["GPU 0: NVIDIA H200 (UUID: GPU-1)", "GPU 1: NVIDIA H200 (UUID: GPU-2)"]
    assert config.visible_gpus({}, probe=smi) == [0, 1]


@pytest.mark.integration
def test_server_from_a_config_file_with_a_password_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret-pw\n")
    file = tmp_path / "pixelsql.toml"
    file.write_text(f'auth = "password"\nuser = "alice"\npassword_file = "{secret}"\n'
                    'max_connections = 5\n')
    srv = start_server(tmp_path / "data", "--config", str(file))
    try:
        with psycopg.connect(srv.dsn(user="alice", password="s3cret-pw")) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(srv.dsn(user="alice", password="wrong"))
        assert not any("s3cret-pw" in line for line in srv.log)
    finally:
        srv.stop()
