#!/usr/bin/env bash
# Everything the ML GPU path needs checked, in one call on a lent GPU machine (see
# /work/.library/device/README.md): the CUDA tests, then bench/ml.py with both decode paths.
# Usage there: bash bench/gpu_check.sh   (outputs also under $OUT when set)
set -u
OUT=${OUT:-/tmp/gpu_check}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD PYTHONWARNINGS=ignore::DeprecationWarning
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/gpu.txt"
python3 -c "import sys, torch, torchvision, PIL; print('python', sys.version.split()[0], 'torch',
torch.__version__, 'torchvision', torchvision.__version__, 'pillow', PIL.__version__)" \
  | tee -a "$OUT/gpu.txt"
df -h /dev/shm | tail -1
timeout 150 python3 -m pytest -q -p no:cacheprovider -o addopts="" \
  tests/test_ml_gpu.py tests/test_ml_device_decode.py 2>&1 | tee "$OUT/pytest.txt" | tail -15
# Photo-sized files (~44 KiB), every decode mode, plus the training loop's own overhead.
timeout 240 python3 bench/ml.py --images 4096 --repeat 4 --decode all --overhead \
  2>&1 | tee "$OUT/bench.txt"
# Heavy files (~112 KiB): where decoding costs most.
timeout 150 python3 bench/ml.py --images 4096 --repeat 2 --decode all --jpeg-noise 40 \
  2>&1 | tee "$OUT/bench_heavy.txt"
nvidia-smi --query-gpu=memory.used,utilization.gpu --format=csv,noheader
