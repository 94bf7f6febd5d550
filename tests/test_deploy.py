"""Deployment files checked without Docker (no engine on these machines): the Dockerfile and
docker-compose.yml are parsed and cross-checked against the configuration model, and the
image's entry point is run directly with the image's environment."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import yaml

from server import config
from tests.conftest import ROOT
from tests.pg15 import find_pg_bin

SETTING_VARS = {s.env for s in config.SETTINGS} | {"PIXELSQL_PASSWORD", config.CONFIG_ENV}


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [arg for kw, arg in self.instructions if kw == keyword]

    def env(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for arg in self.all("ENV"):
            for item in shlex.split(arg):
                key, _, value = item.partition("=")
                out[key] = value
        return out


def dockerfile_stages() -> list[Stage]:
    """The Dockerfile's stages: instructions with line continuations joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    logical: list[str] = []
    buffer = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            buffer += stripped[:-1] + " "
            continue
        logical.append(buffer + stripped)
        buffer = ""
    stages: list[Stage] = []
    for line in logical:
        keyword, _, arg = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            parts = arg.split()
            stages.append(Stage(parts[2] if len(parts) > 2 else "", parts[0]))
        elif stages:
            stages[-1].instructions.append((keyword, arg.strip()))
    return stages


def server_stage() -> Stage:
    return next(s for s in dockerfile_stages() if s.name == "server")


def compose() -> dict[str, object]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


def test_dockerfile_runs_pixelsql_serve_as_a_user_with_a_health_check() -> None:
    stage = server_stage()
    assert json.loads(stage.all("ENTRYPOINT")[-1]) == ["pixelsql", "serve"]
    assert 'pixelsql = "server.cli:main"' in (ROOT / "pyproject.toml").read_text()
    assert stage.all("USER")[-1] not in ("root", "0")
    assert json.loads(stage.all("VOLUME")[-1]) == ["/data"]
    health = stage.all("HEALTHCHECK")[-1]
    assert "pg_isready" in health and "$PIXELSQL_PORT" in health
    assert stage.all("EXPOSE") == [stage.env()["PIXELSQL_PORT"]]
    for arg in stage.all("COPY"):
        for source in arg.split()[:-1]:
            assert (ROOT / source).exists(), source
    assert "cuda" in stage.base.lower() or "${BASE_IMAGE}" in stage.base


def test_dockerfile_environment_uses_only_real_settings() -> None:
    env = server_stage().env()
    pixelsql_vars = {k for k in env if k.startswith("PIXELSQL_")}
    assert pixelsql_vars <= SETTING_VARS, pixelsql_vars - SETTING_VARS
    assert env["PIXELSQL_AUTH"] == "password" and env["PIXELSQL_HOST"] == "0.0.0.0"
    assert "PIXELSQL_PASSWORD" not in env  # secrets come from a file


def test_compose_matches_the_image_and_the_settings() -> None:
    data = compose()
    services = data["services"]
    assert isinstance(services, dict)
    server = services["pixelsql"]
    image_env = server_stage().env()
    assert set(server["environment"]) <= SETTING_VARS
    for name, value in server["environment"].items():
        setting = next(s for s in config.SETTINGS if s.env == name) \
            if name in {s.env for s in config.SETTINGS} else None
        if setting is not None and not setting.repeatable:
            config._convert(setting, value)  # each value parses as its setting's type
    port = image_env["PIXELSQL_PORT"]
    assert server["ports"] == [f"{port}:{port}"]
    mounts = {v.split(":")[1] for v in server["volumes"]}
    assert {image_env["PIXELSQL_DATA_DIR"], image_env["PIXELSQL_IMAGE_ROOTS"]} <= mounts
    devices = server["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["capabilities"] == ["gpu"] and devices[0]["driver"] == "nvidia"
    # Decode workers and NCCL need more shared memory than Docker's 64 MiB default.
    assert re.fullmatch(r"\d+gb", server["shm_size"]) and int(server["shm_size"][:-2]) >= 1
    secret = Path(image_env["PIXELSQL_PASSWORD_FILE"]).name
    assert secret in server["secrets"] and secret in data["secrets"]
    stages = {s.name for s in dockerfile_stages()}
    for service in services.values():
        assert service["build"]["target"] in stages
    notebook = services["jupyter"]
    dsn = notebook["environment"]["PIXELSQL_DSN"]
    assert re.fullmatch(rf"postgresql://\w+@pixelsql:{port}/pixelsql", dsn)
    assert notebook["depends_on"]["pixelsql"]["condition"] == "service_healthy"
    assert "PGPASSWORD" in " ".join(notebook["entrypoint"])


@pytest.mark.integration
def test_the_images_entry_point_with_the_images_environment(tmp_path: Path) -> None:
    """``pixelsql serve`` with the Dockerfile's ENV, its paths moved under tmp_path (the
    container listens on 0.0.0.0; here it stays on loopback, still requiring the password)."""
    env = dict(os.environ)
    env.update(server_stage().env())
    moved = {"/data": tmp_path / "data", "/images": tmp_path / "images",
             "/run/secrets": tmp_path / "secrets"}
    for name, value in list(env.items()):
        for old, new in moved.items():
            if name.startswith("PIXELSQL_") and value.startswith(old):
                env[name] = str(new) + value[len(old):]
    for path in moved.values():
        path.mkdir()
    Path(env["PIXELSQL_PASSWORD_FILE"]).write_text("container-secret\n")
    env.update(PIXELSQL_HOST="127.0.0.1", PIXELSQL_PORT="0", PIXELSQL_ML_WORKERS="1")
    entry = json.loads(server_stage().all("ENTRYPOINT")[-1])
    exe = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / entry[0]
    if not exe.exists():
        exe = ROOT / ".venv" / "bin" / entry[0]
    proc = subprocess.Popen([str(exe), *entry[1:]], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        port = None
        for line in proc.stdout:
            match = re.search(r"ready on [\d.]+:(\d+).*auth=scram-sha-256", line)
            if match:
                port = int(match.group(1))
                break
        assert port is not None, "server did not start"
        ready = find_pg_bin("pg_isready")
        assert ready is not None
        done = subprocess.run([str(ready), "-h", "127.0.0.1", "-p", str(port), "-d", "pixelsql"],
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stdout + done.stderr
        dsn = f"host=127.0.0.1 port={port} dbname=pixelsql user=pixelsql"
        with psycopg.connect(dsn + " password=container-secret") as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(dsn + " password=nope")
        assert (tmp_path / "data" / "pixelsql.duckdb").exists()
    finally:
        proc.terminate()
        proc.wait(30)
