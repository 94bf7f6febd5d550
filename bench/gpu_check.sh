#!/usr/bin/env bash
# Everything the ML GPU path needs checked, in one call on a lent GPU machine (see
# /work/.library/device/README.md): bench/ml.py (nvJPEG decode, the default on a GPU),
# bench/loader_start.py (rows given as bytes), the CUDA tests, then the worker pool through a
# real server (bench/gpu_server.py: concurrent jobs, PREDICT, DDP, cancel, GPU memory).
# Needs duckdb, sqlglot and psycopg importable.
# Usage there: bash bench/gpu_check.sh   (outputs also under $OUT when set)
# The steps' time limits add up to 575 s, so the whole check fits one device call (600 s at
# most); the benchmark, what issue 4 measures, goes first. `bash bench/gpu_check.sh compile`
# measures the compiled model alone (300 s at most).
set -u
OUT=${OUT:-/tmp/gpu_check}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONWARNINGS=ignore::DeprecationWarning
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/gpu.txt"
if [ "${1:-}" = compile ]; then
  # Second call, when device time is left: the compiled model (torch.compile, inductor) against
  # its own compiled ceiling, ~1 min of compiling first (bash bench/gpu_check.sh compile).
  timeout 300 python3 bench/ml.py --images 4096 --repeat 2 --decode device --compile \
    --decode-threads ${DECODE_THREADS:-0} 2>&1 | tee "$OUT/bench_compile.txt"
  exit
fi
python3 -c "import sys, torch, torchvision, PIL; print('python', sys.version.split()[0], 'torch',
torch.__version__, 'torchvision', torchvision.__version__, 'pillow', PIL.__version__)" \
  | tee -a "$OUT/gpu.txt"
# Photo-sized files (~44 KiB), nvJPEG decoding (the GPU default; 2026-11-28 on an H200 host
# threads beside it and decoding in the DataLoader workers were slower): with and without a
# thread decoding two batches ahead (the default), with the model on the default CUDA stream
# and on one of its own. The first lines say whether a decode waits for queued GPU work.
timeout 250 python3 bench/ml.py --images 4096 --repeat 4 --decode ${DECODE:-device} \
  --decode-ahead ${DECODE_AHEAD:-2,0} --decode-threads ${DECODE_THREADS:-0} \
  --compute-stream ${COMPUTE_STREAM:-0,1} 2>&1 | tee "$OUT/bench.txt"
# Rows given as JPEG bytes (bytea): what a call pays to read them through the shared readers,
# in its own process (up to ml.readers.IN_PROCESS_JPEGS rows) or with fresh workers, on this
# machine's CPUs (the 2-core VM favoured reading in process at every size).
timeout 35 python3 bench/loader_start.py --ballast-gb 3 --workers 8 --bytes --photos \
  --read-only --images 4096 --batch-size 256 --calls 2 2>&1 | tee "$OUT/loader_start.txt"
timeout 170 python3 -m pytest -q -p no:cacheprovider -o addopts="" \
  tests/test_ml_gpu.py tests/test_ml_device_decode.py tests/test_ml_distributed.py 2>&1 \
  | tee "$OUT/pytest.txt" | tail -15
timeout 120 python3 bench/gpu_server.py --images 2048 2>&1 | tee "$OUT/gpu_server.txt"
nvidia-smi --query-gpu=memory.used,utilization.gpu --format=csv,noheader
