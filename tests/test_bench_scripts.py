"""The scripts of ``bench/gpu_check.sh`` run on the CPU at toy sizes and report what they name.

They are run for real on a lent GPU, where device time is short: a script broken by a change
elsewhere would waste that time, so their CPU paths run here on a few tiny images.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(script: str, *args: str) -> str:
    """``bench/<script>`` with ``args``; its standard output (it must exit 0)."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_ml_benchmark_reports_every_figure_on_the_cpu(tmp_path: Path) -> None:
    out = run("ml.py", "--device", "cpu", "--images", "8", "--batch-size", "4",
              "--infer-batch-size", "4", "--input-size", "32", "--steps", "1", "--workers", "1",
              "--decode", "pil,workers", "--overhead", "--dir", str(tmp_path))
    figures = json.loads(out.strip().splitlines()[-1])
    for key in ("train_synthetic", "infer_synthetic", "loop_bare", "loop_pipeline",
                "predict_bare", "predict_pipeline"):
        assert figures[key] > 0, key
    for mode in ("pil", "workers"):
        for key in ("train_end_to_end", "infer_end_to_end", "decode_only", "train_ratio",
                    "infer_ratio"):
            assert figures[f"{key}_{mode}"] > 0, f"{key}_{mode}"
    assert "predict loop, ready tensors" in out
    assert list(tmp_path.iterdir()) == []  # the generated JPEGs are gone


def test_loader_start_benchmark_times_the_three_ways_to_read_bytes() -> None:
    out = run("loader_start.py", "--ballast-gb", "0.05", "--workers", "2", "--bytes",
              "--photos", "--read-only", "--images", "32", "--batch-size", "16", "--calls", "1")
    for way in ("fresh workers", "shared readers", "in process"):
        assert re.search(rf"^{way} +first batch \d+ ms; whole call \d+ ms$", out, re.M), way


@pytest.mark.slow
@pytest.mark.integration
def test_gpu_server_benchmark_runs_every_check_through_a_real_server_on_the_cpu() -> None:
    out = run("gpu_server.py", "--images", "64", "--input-size", "32")
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["first_build_notices"] > 0
    assert {state for _, state, *_ in summary["jobs"]} == {"succeeded"}
    assert summary["predicts_during"] > 0 and summary["predict_accuracy"] is not None
    assert summary["gpus_64"].startswith("22023")
    assert summary["cancel_state"] == "cancelled"
    assert summary["server_log_errors"] == 0
