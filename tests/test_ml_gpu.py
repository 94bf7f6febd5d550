"""The GPU path: nvjpeg decode, bf16 autocast, channels_last, fused AdamW, GPU→CPU artifacts.

These need a CUDA device; CI has none, so there they are skipped and the same code runs on the
CPU in test_ml_device_decode.py and test_ml_train.py. They run on the lent GPU machine through
``bench/gpu_check.sh`` and their output is recorded in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
from PIL import Image

from ml.artifacts import load_model, metadata_from_training, save_model
from ml.data import ImageRoots, LabelEncoder, Preprocessing
from ml.device_decode import DeviceLoader, DeviceTransform, EncodedDataset, collate_encoded
from ml.models import get_model
from ml.predict import predict
from ml.testing import write_shape_dataset
from ml.train import DeviceSetup, TrainOptions, cosine_with_warmup, fit, train_one_epoch

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def _jpegs(count: int) -> list[bytes]:
    out = []
    for i in range(count):
        image = Image.effect_noise((160 + 8 * i, 120), 30 + i).convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=90)
        out.append(buffer.getvalue())
    return out


def test_setup_on_a_gpu_uses_every_fast_switch() -> None:
    setup = DeviceSetup.choose("cuda")
    assert setup.autocast_dtype == torch.bfloat16
    assert setup.channels_last and setup.fused_optimizer and setup.pin_memory
    assert setup.decode == "device", "torchvision here cannot decode JPEG on the GPU (nvjpeg)"
    assert torch.backends.cudnn.benchmark


@pytest.mark.parametrize("host_threads", [0, 3])
def test_nvjpeg_batch_matches_the_cpu_decoder(host_threads: int) -> None:
    # With host threads, libjpeg-turbo decodes most of the batch (the truncated one included)
    # beside nvJPEG, and its pixels are copied to the GPU from pinned memory.
    good = _jpegs(6)
    refs = [*good, good[0][:-400], b"broken" * 10]  # a truncated JPEG, then not an image
    pre = Preprocessing(input_size=64)
    dataset = EncodedDataset(refs, None, ImageRoots.of())  # type: ignore[arg-type]
    batch = collate_encoded([dataset[i] for i in range(len(refs))])
    transform = DeviceTransform(pre, False, torch.device("cuda"), channels_last=True,
                                host_threads=host_threads)
    transform.host_share.share = 0.7
    gpu = transform(batch)
    cpu = DeviceTransform(pre, False, torch.device("cpu"))(batch)
    assert gpu.images.is_cuda and gpu.images.is_contiguous(memory_format=torch.channels_last)
    # The truncated one may decode (with grey fill) or fail, depending on the decoder.
    assert gpu.rows.tolist()[:6] == cpu.rows.tolist()[:6] == list(range(6))
    assert 7 in {f.row for f in gpu.failures} and len(gpu.rows) + len(gpu.failures) == 8
    diff = (gpu.images[:6].cpu() - cpu.images[:6]).abs()
    # nvjpeg and libjpeg-turbo differ in IDCT/upsampling rounding only.
    assert diff.mean() < 0.05, diff.mean()


@pytest.mark.parametrize("train", [False, True])
@pytest.mark.parametrize("sizes", ["one", "several"])
@pytest.mark.parametrize("host_threads", [0, 2])
def test_preparing_a_batch_never_waits_for_the_gpu(train: bool, sizes: str,
                                                   host_threads: int) -> None:
    # A blocking host-to-device copy (torch.tensor(..., device="cuda"), .to("cuda")) waits for
    # every queued kernel: the host would idle until the previous training step ended instead
    # of preparing the next batch meanwhile. CUDA's sync debug mode turns such waits into errors.
    data = _jpegs(6) if sizes == "several" else [_jpegs(1)[0]] * 6
    pre = Preprocessing(input_size=64)
    dataset = EncodedDataset(data, None, ImageRoots.of())  # type: ignore[arg-type]
    batch = collate_encoded([dataset[i] for i in range(len(data))])
    transform = DeviceTransform(pre, train, torch.device("cuda"), channels_last=True,
                                host_threads=host_threads)
    transform(batch)  # the decoder, the thread pool, mean and std: made once, before
    torch.cuda.set_sync_debug_mode("error")
    try:
        out = transform(batch)
    finally:
        torch.cuda.set_sync_debug_mode("default")
    assert out.images.shape == (6, 3, 64, 64) and out.labels.is_cuda


def test_a_gpu_decodes_two_batches_ahead_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # The default measured on an H200 (docs/BENCHMARKS.md, 2026-11-28); the setting overrides.
    monkeypatch.delenv("PIXELSQL_DECODE_AHEAD", raising=False)
    monkeypatch.delenv("PIXELSQL_DECODE_THREADS", raising=False)
    setup = DeviceSetup.choose("cuda")
    assert (setup.decode_ahead, setup.decode_threads) == (2, 0)
    monkeypatch.setenv("PIXELSQL_DECODE_AHEAD", "0")
    assert DeviceSetup.choose("cuda").decode_ahead == 0


@pytest.mark.parametrize(("decode", "ahead", "threads", "stream"),
                         [("device", 0, 0, 0), ("device", 2, 0, 0), ("device", 2, 4, 0),
                          ("device", 2, 0, 1), ("device", 0, 0, 1), ("workers", 0, 0, 0),
                          ("pil", 0, 0, 0)])
def test_bf16_channels_last_training_learns_and_loads_on_cpu(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, decode: str, ahead: int,
        threads: int, stream: int) -> None:
    monkeypatch.setenv("PIXELSQL_DECODE_AHEAD", str(ahead))  # a thread decoding ahead, or not
    monkeypatch.setenv("PIXELSQL_DECODE_THREADS", str(threads))  # host threads beside nvJPEG
    monkeypatch.setenv("PIXELSQL_COMPUTE_STREAM", str(stream))  # the model's own CUDA stream
    colors = ("red", "green", "blue")
    paths, labels = write_shape_dataset(tmp_path / "train", 40, colors, size=64, seed=1)
    for i, path in enumerate(paths[::2]):  # half JPEG (nvjpeg), half PNG (CPU decode)
        jpeg = Path(path).with_suffix(".jpg")
        Image.open(path).save(jpeg, quality=95)
        paths[2 * i] = str(jpeg)
    roots = ImageRoots.of(tmp_path)
    result = fit("ConvNeXt_Tiny", paths, labels, roots,
                 TrainOptions(input_size=64, max_epochs=4, batch_size=16, learning_rate=1e-3,
                              device="cuda", use_pretrained=False, decode=decode))
    assert result.data_summary["decode"] == decode
    assert result.data_summary["decode_ahead"] == ahead
    assert result.data_summary["decode_threads"] == threads
    assert result.data_summary["compute_stream"] == bool(stream)
    assert next(result.model.parameters()).is_cuda
    test_paths, test_labels = write_shape_dataset(tmp_path / "test", 10, colors, size=64, seed=2)
    gpu_preds = predict(result.model, result.encoder, result.preprocessing, test_paths, roots,
                        setup=DeviceSetup.choose("cuda", decode=decode))
    accuracy = sum(p.label == t for p, t in zip(gpu_preds, test_labels, strict=True)) / 30
    assert accuracy >= 0.7, accuracy

    save_model(tmp_path / "model", result.model, metadata_from_training(result))
    loaded = load_model(tmp_path / "model", device="cpu")
    assert not next(loaded.model.parameters()).is_cuda
    cpu_preds = predict(loaded.model, loaded.encoder, loaded.preprocessing, test_paths, roots,
                        setup=DeviceSetup.choose("cpu"))
    agree = sum(a.label == b.label for a, b in zip(gpu_preds, cpu_preds, strict=True))
    assert agree >= 27, agree  # bf16 on GPU vs fp32 on CPU, two decoders: near-identical


def test_decoding_ahead_on_a_gpu_gives_the_same_batches(tmp_path: Path) -> None:
    # The thread decodes on a stream of its own; the consumer must see finished batches.
    refs: list[object] = []
    for i, data in enumerate(_jpegs(24)):
        (tmp_path / f"{i}.jpg").write_bytes(data)
        refs.append(str(tmp_path / f"{i}.jpg"))
    pre = Preprocessing(input_size=64)
    dataset = EncodedDataset(refs, None, ImageRoots.of(tmp_path))  # type: ignore[arg-type]
    runs = []
    for ahead in (0, 2):
        setup = DeviceSetup.choose("cuda", num_workers=2, decode="device", decode_ahead=ahead)
        loader = DeviceLoader(setup.loader(dataset, 5, shuffle=False),
                              DeviceTransform(pre, False, setup.device, True), ahead)
        runs.append([(b.images.float().cpu(), b.rows.tolist()) for b in loader])
    assert len(runs[0]) == len(runs[1]) == 5
    for (a, rows_a), (b, rows_b) in zip(*runs, strict=True):
        assert rows_a == rows_b
        assert torch.equal(a, b)


@pytest.mark.parametrize("ahead", [0, 2])
def test_predictions_on_the_models_own_stream_match_the_default_streams(
        tmp_path: Path, ahead: int) -> None:
    # The model on a stream of its own (PIXELSQL_COMPUTE_STREAM=1) must see finished batches
    # and give the same answers; afterwards the default stream sees the model's work done.
    colors = ("red", "green", "blue")
    paths, _ = write_shape_dataset(tmp_path, 40, colors, size=64, seed=5)
    for i, path in enumerate(paths):
        jpeg = Path(path).with_suffix(".jpg")
        Image.open(path).save(jpeg, quality=95)
        paths[i] = str(jpeg)
    model = get_model("ConvNeXt_Tiny", 3, use_pretrained=False).model.cuda()
    encoder = LabelEncoder.fit(colors)
    pre = Preprocessing(input_size=64)
    answers = []
    for own in (False, True):
        setup = DeviceSetup.choose("cuda", num_workers=2, decode="device", decode_ahead=ahead,
                                   compute_stream=own)
        preds = predict(model, encoder, pre, paths, ImageRoots.of(tmp_path), setup=setup,
                        batch_size=16)
        answers.append([(p.label, p.probability) for p in preds])
    for (_, p_a), (_, p_b) in zip(*answers, strict=True):
        assert p_a is not None and p_b is not None and abs(p_a - p_b) < 1e-2
    agree = sum(a[0] == b[0] for a, b in zip(*answers, strict=True))
    assert agree >= 38, agree  # an untrained model: a near tie may tip either way
    assert torch.cuda.current_stream() == torch.cuda.default_stream()


def test_a_short_last_batch_runs_at_a_power_of_two_with_the_same_answers(
        tmp_path: Path) -> None:
    # cuDNN's benchmark mode times algorithms per new shape: 37 rows in batches of 16 run as
    # 16, 16 and 8 (5 images + 3 zero ones); the 5 answers are those of an unpadded batch.
    paths, _ = write_shape_dataset(tmp_path, 37, ("red", "green"), size=64, seed=3)
    model = get_model("ConvNeXt_Tiny", 2, use_pretrained=False).model.cuda()
    encoder, pre = LabelEncoder.fit(("red", "green")), Preprocessing(input_size=64)
    shapes: list[int] = []
    hook = model.register_forward_hook(lambda _m, args, _out: shapes.append(len(args[0])))
    setup = DeviceSetup.choose("cuda", num_workers=0)
    assert torch.backends.cudnn.benchmark
    try:
        padded = predict(model, encoder, pre, paths[:37], ImageRoots.of(tmp_path), setup=setup,
                         batch_size=16)
    finally:
        hook.remove()
    assert shapes == [16, 16, 8]
    alone = predict(model, encoder, pre, paths[32:37], ImageRoots.of(tmp_path), setup=setup,
                    batch_size=5)
    for a, b in zip(padded[32:], alone, strict=True):
        assert a.probability is not None and b.probability is not None
        assert abs(a.probability - b.probability) < 1e-2


def test_jpeg_bytes_read_in_process_predict_as_their_files_do(tmp_path: Path) -> None:
    # A call of few JPEG-bytes rows reads them in its own process (ml.readers
    # .IN_PROCESS_JPEGS), the same files by path through the shared readers: same answers.
    paths = []
    for i, data in enumerate(_jpegs(20)):
        path = tmp_path / f"{i}.jpg"
        path.write_bytes(data)
        paths.append(str(path))
    model = get_model("ConvNeXt_Tiny", 2, use_pretrained=False).model.cuda()
    encoder, pre = LabelEncoder.fit(("a", "b")), Preprocessing(input_size=64)
    setup = DeviceSetup.choose("cuda", num_workers=2)
    by_path = predict(model, encoder, pre, paths, ImageRoots.of(tmp_path), setup=setup,
                      batch_size=8)
    by_bytes = predict(model, encoder, pre, [Path(p).read_bytes() for p in paths],
                       ImageRoots.of(), setup=setup, batch_size=8)
    assert [p.label for p in by_bytes] == [p.label for p in by_path]
    assert all(abs((a.probability or 0) - (b.probability or 0)) < 1e-3
               for a, b in zip(by_bytes, by_path, strict=True))


def test_shared_readers_feed_the_gpu_from_pinned_batches(tmp_path: Path) -> None:
    # predict's readers (ml.readers) on a GPU: pinned batches, the same workers call after
    # call, the same answers as a loader of freshly forked workers.
    from ml import readers

    paths, _ = write_shape_dataset(tmp_path, 24, ("red", "blue"), size=64, seed=3)
    for i, path in enumerate(paths):
        jpeg = Path(path).with_suffix(".jpg")
        Image.open(path).save(jpeg, quality=95)
        paths[i] = str(jpeg)
    model = get_model("ConvNeXt_Tiny", 2, use_pretrained=False).model.cuda()
    encoder, pre = LabelEncoder.fit(["red", "blue"]), Preprocessing(input_size=64)
    setup = DeviceSetup.choose("cuda", num_workers=2, decode="device")
    readers.shut_down_all()
    setup.start_readers()
    pids = readers.worker_pids()
    assert len(pids) == 2
    runs = [predict(model, encoder, pre, paths, ImageRoots.of(tmp_path), setup=setup,
                    batch_size=16) for _ in range(2)]
    assert readers.worker_pids() == pids
    batches = setup.image_loader(paths, None, ImageRoots.of(tmp_path), pre, train=False,
                                 batch_size=16, shuffle=False)  # fresh workers
    fresh = torch.cat([batch.images.float().cpu() for batch in batches])
    shared = torch.cat([batch.images.float().cpu() for batch in setup.image_loader(
        paths, None, ImageRoots.of(tmp_path), pre, train=False, batch_size=16, shuffle=False,
        reuse_workers=True)])
    assert torch.equal(fresh, shared)
    assert [p.label for p in runs[0]] == [p.label for p in runs[1]]
    readers.shut_down_all()


def test_reading_a_batchs_predictions_waits_for_that_batch_only() -> None:
    # predict() reads batch k's probabilities after queuing batch k+1's forward pass; that read
    # must not wait for batch k+1 too, or the GPU idles while the host prepares batch k+2.
    from ml.predict import _HostCopy

    x = torch.randn(4096, 4096, device="cuda")
    probs = x[:8, :3].softmax(1)
    copy = _HostCopy(probs)
    for _ in range(400):  # the next batch's work: a few hundred ms of matmuls
        x = x @ x.T / 4096
    later = torch.cuda.Event()  # type: ignore[no-untyped-call]
    later.record()
    host = copy.wait()
    assert not later.query(), "the read waited for work queued after it"  # type: ignore[no-untyped-call]
    assert not host.is_cuda and torch.allclose(host, probs.cpu())


def _syncs(run: Callable[[], object]) -> list[str]:
    """Where ``run`` made the host wait for the GPU (file:line of each waiting call), as CUDA's
    sync debug mode reports it: a blocking copy, ``.item()``, a stream or event wait."""
    torch.cuda.set_sync_debug_mode("warn")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run()
    finally:
        torch.cuda.set_sync_debug_mode("default")
    return [f"{Path(w.filename).name}:{w.lineno}" for w in caught
            if "synchroniz" in str(w.message)]


def _jpeg_files(directory: Path, count: int) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, data in enumerate(_jpegs(8) * (count // 8)):
        (directory / f"{i}.jpg").write_bytes(data)
        paths.append(str(directory / f"{i}.jpg"))
    return paths


@pytest.mark.parametrize(("ahead", "threads"), [(0, 0), (2, 0), (0, 2)])
def test_training_steps_never_wait_for_the_gpu(tmp_path: Path, ahead: int,
                                               threads: int) -> None:
    # The host must run ahead of the GPU (decoding and queuing the next step) between progress
    # reports: a wait per step would leave the GPU idle while the host prepares each batch.
    # Two steps and seven steps must wait equally often (the end-of-epoch reads only).
    paths = _jpeg_files(tmp_path, 64)
    setup = DeviceSetup.choose("cuda", num_workers=2, decode="device", decode_ahead=ahead,
                               decode_threads=threads)
    loader = setup.image_loader(paths, [i % 2 for i in range(64)], ImageRoots.of(tmp_path),
                                Preprocessing(input_size=64), train=True, batch_size=8,
                                shuffle=True)
    model = get_model("ConvNeXt_Tiny", 2, use_pretrained=False).model.cuda()
    model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=True)
    sched = cosine_with_warmup(opt, 100, 2)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)

    def epoch(steps: int) -> Callable[[], object]:
        return lambda: train_one_epoch(model, loader, opt, sched, loss_fn, setup,
                                       max_steps=steps)

    epoch(3)()  # cudnn autotuning, decoders, thread pools: made once, before
    short, long = _syncs(epoch(2)), _syncs(epoch(7))
    assert len(long) == len(short), (short, long)


def test_predicting_waits_for_each_batch_at_most_once(tmp_path: Path) -> None:
    paths = _jpeg_files(tmp_path, 48)
    setup = DeviceSetup.choose("cuda", num_workers=2, decode="device")
    model = get_model("ConvNeXt_Tiny", 2, use_pretrained=False).model
    encoder = LabelEncoder.fit(["a", "b"])
    pre, roots = Preprocessing(input_size=64), ImageRoots.of(tmp_path)

    def run(count: int) -> Callable[[], object]:
        return lambda: predict(model, encoder, pre, paths[:count], roots, setup=setup,
                               batch_size=8)

    run(16)()
    short, long = _syncs(run(16)), _syncs(run(48))  # 2 batches, then 6
    assert len(long) - len(short) <= 4, (short, long)  # one read of each batch's results


def test_compiled_training_and_prediction_with_inductor(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The CPU tests compile with aot_eager; here inductor generates the GPU kernels, under
    # bf16 autocast and channels_last (a tiny base: ConvNeXt takes a minute to compile).
    import torch._dynamo

    from ml.compiling import COMPILE_BACKEND_ENV, compiled, compiled_graphs
    from ml.testing import register_tiny_model

    monkeypatch.delenv(COMPILE_BACKEND_ENV, raising=False)
    torch._dynamo.reset()
    base = register_tiny_model()
    paths, labels = write_shape_dataset(tmp_path, 20, ("red", "blue"), size=64, seed=5)
    roots = ImageRoots.of(tmp_path)
    graphs = compiled_graphs()
    result = fit(base, paths, labels, roots,
                 TrainOptions(input_size=64, max_epochs=4, batch_size=12, device="cuda",
                              use_pretrained=False, compile="on"))
    assert result.data_summary["compiled"] is True and compiled_graphs() == graphs + 1
    assert (result.metrics["val_accuracy"] or 0) >= 0.75, result.metrics
    setup = DeviceSetup.choose("cuda")
    eager = predict(result.model, result.encoder, result.preprocessing, paths, roots,
                    setup=setup)
    fast = predict(compiled(result.model), result.encoder, result.preprocessing, paths, roots,
                   setup=setup, batch_size=16, fixed_shapes=True)
    agree = sum(a.label == b.label for a, b in zip(eager, fast, strict=True))
    assert agree >= len(paths) - 1, agree


def test_inference_batch_size_falls_back_on_out_of_memory() -> None:
    from ml.predict import _ChunkLimit, _probabilities

    setup = DeviceSetup.choose("cuda")
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 3)).cuda()
    calls: list[int] = []

    def forward(x: torch.Tensor) -> torch.Tensor:
        calls.append(len(x))
        if len(x) > 8:
            raise torch.OutOfMemoryError("CUDA out of memory (simulated)")
        return model(x)

    limit = _ChunkLimit()
    probs = _probabilities(forward, torch.randn(32, 3, 2, 2, device="cuda"), setup,  # type: ignore[arg-type]
                           limit)
    assert probs.shape == (32, 3) and limit.size == 8
    assert torch.allclose(probs.sum(1), torch.ones(32, device="cuda"))


@pytest.mark.parametrize("gpus", [1, 2])
def test_ddp_over_nccl_learns(tmp_path: Path, gpus: int) -> None:
    """OPTIONS (gpus=N): DistributedDataParallel over NCCL (one GPU: the same path, world 1)."""
    if gpus > torch.cuda.device_count():
        pytest.skip(f"needs {gpus} GPUs; this machine has {torch.cuda.device_count()}")
    colors = ("red", "green", "blue")
    paths, labels = write_shape_dataset(tmp_path / "train", 40, colors, size=64, seed=1)
    result = fit("ConvNeXt_Tiny", paths, labels, ImageRoots.of(tmp_path),
                 TrainOptions(input_size=64, max_epochs=4, batch_size=16, learning_rate=1e-3,
                              device="cuda", use_pretrained=False, gpus=gpus))
    assert result.data_summary["distributed"]["backend"] == "nccl"
    assert result.data_summary["distributed"]["world_size"] == gpus
    assert not torch.distributed.is_initialized()
    assert (result.metrics["val_accuracy"] or 0) >= 0.7, result.metrics
