"""``bench/ml.py`` runs end to end on the CPU at toy sizes and reports every figure it names.

The benchmark is run for real on a lent GPU, where device time is short: a script broken by a
change elsewhere would waste that time, so its CPU path is run here on 8 tiny images.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_ml_benchmark_reports_every_figure_on_the_cpu(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "bench" / "ml.py"), "--device", "cpu",
               "--images", "8", "--batch-size", "4", "--infer-batch-size", "4",
               "--input-size", "32", "--steps", "1", "--workers", "1",
               "--decode", "pil,workers", "--overhead", "--dir", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for key in ("train_synthetic", "infer_synthetic", "loop_bare", "loop_pipeline",
                "predict_bare", "predict_pipeline"):
        assert figures[key] > 0, key
    for mode in ("pil", "workers"):
        for key in ("train_end_to_end", "infer_end_to_end", "decode_only", "train_ratio",
                    "infer_ratio"):
            assert figures[f"{key}_{mode}"] > 0, f"{key}_{mode}"
    assert "predict loop, ready tensors" in done.stdout
    assert list(tmp_path.iterdir()) == []  # the generated JPEGs are gone
