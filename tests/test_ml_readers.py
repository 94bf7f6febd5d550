"""Reader processes kept between predict calls (ml/readers.py), on the CPU with real workers."""

from __future__ import annotations

import io
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from PIL import Image

from ml import readers
from ml.data import ImageDataset, ImageRoots, LabelEncoder, Preprocessing, collate
from ml.device_decode import EncodedDataset, collate_encoded
from ml.errors import Cancelled, PathOutsideRootsError
from ml.models import get_model
from ml.predict import predict
from ml.readers import SharedBatches
from ml.testing import shape_image, write_shape_dataset
from ml.train import DeviceSetup

PRE = Preprocessing(input_size=32)


@pytest.fixture(autouse=True)
def _no_idle_readers() -> Iterator[None]:
    readers.shut_down_all()
    yield
    readers.shut_down_all()


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("readers")
    paths, _ = write_shape_dataset(root, per_class=10, classes=("red", "blue", "green"))
    return root, paths


def _exited(pid: int) -> bool:
    """A zombie whose threads have all gone (until then ``waitpid`` does not report it)."""
    state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0]
    return "Z" in state and len(os.listdir(f"/proc/{pid}/task")) <= 1


def _setup(decode: str, workers: int, ahead: int = 0) -> DeviceSetup:
    return DeviceSetup.choose("cpu", num_workers=workers, decode=decode, decode_ahead=ahead)


def _model() -> torch.nn.Module:
    torch.manual_seed(0)
    return get_model("ConvNeXt_Tiny", 3, use_pretrained=False).model


@pytest.mark.parametrize("decode", ["device", "pil"])
def test_predictions_through_shared_readers_match_in_process_reading(
        images: tuple[Path, list[str]], decode: str) -> None:
    root, paths = images
    model, encoder = _model(), LabelEncoder.fit(["red", "blue", "green"])
    alone = predict(model, encoder, PRE, paths, ImageRoots.of(root), batch_size=4,
                    setup=_setup(decode, 0))
    assert readers.worker_pids() == []  # no workers asked for: none started
    shared = predict(model, encoder, PRE, paths, ImageRoots.of(root), batch_size=4,
                     setup=_setup(decode, 2))
    assert [(p.row, p.label) for p in shared] == [(p.row, p.label) for p in alone]
    assert [p.probability for p in shared] == pytest.approx([p.probability for p in alone],
                                                             abs=1e-5)
    assert len(readers.worker_pids()) == 2  # kept for the next call


def test_the_workers_are_forked_once_and_serve_later_calls(
        images: tuple[Path, list[str]]) -> None:
    root, paths = images
    model, encoder = _model(), LabelEncoder.fit(["red", "blue", "green"])
    setup = _setup("device", 2)
    first = predict(model, encoder, PRE, paths[:7], ImageRoots.of(root), batch_size=4,
                    setup=setup)
    pids = readers.worker_pids()
    second = predict(model, encoder, PRE, paths, ImageRoots.of(root), batch_size=4, setup=setup)
    assert readers.worker_pids() == pids
    assert [p.label for p in second[:7]] == [p.label for p in first]


@pytest.mark.parametrize("ahead", [0, 2])  # 2: the loader is read by the decode-ahead thread
def test_a_cancelled_call_leaves_nothing_behind_for_the_next(
        images: tuple[Path, list[str]], ahead: int) -> None:
    root, paths = images
    model, encoder = _model(), LabelEncoder.fit(["red", "blue", "green"])
    setup = _setup("device", 2, ahead)
    calls = []

    def stop_after_one() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Cancelled):
        predict(model, encoder, PRE, paths, ImageRoots.of(root), batch_size=2, setup=setup,
                should_stop=stop_after_one)
    pids = readers.worker_pids()
    assert len(pids) == 2  # the loader came back, its stale batches to be discarded
    others = list(reversed(paths))[:5]
    got = predict(model, encoder, PRE, others, ImageRoots.of(root), batch_size=2, setup=setup)
    expected = predict(model, encoder, PRE, others, ImageRoots.of(root), batch_size=2,
                       setup=_setup("device", 0))
    assert [(p.row, p.label) for p in got] == [(p.row, p.label) for p in expected]
    assert readers.worker_pids() == pids


def test_a_dead_worker_is_replaced_at_the_next_call(images: tuple[Path, list[str]]) -> None:
    root, paths = images
    model, encoder = _model(), LabelEncoder.fit(["red", "blue", "green"])
    setup = _setup("device", 2)
    predict(model, encoder, PRE, paths[:4], ImageRoots.of(root), batch_size=2, setup=setup)
    before = readers.worker_pids()
    os.kill(before[0], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not _exited(before[0]):
        time.sleep(0.05)
    got = predict(model, encoder, PRE, paths[:4], ImageRoots.of(root), batch_size=2,
                  setup=setup)
    assert all(p.label is not None for p in got)
    after = readers.worker_pids()
    assert len(after) == 2 and not set(after) & set(before)


def test_failures_keep_their_rows_and_roots_still_hold(tmp_path: Path,
                                                       images: tuple[Path, list[str]]) -> None:
    root, paths = images
    model, encoder = _model(), LabelEncoder.fit(["red", "blue", "green"])
    setup = _setup("device", 2)
    broken = root / "broken.jpg"
    broken.write_bytes(b"not an image")
    refs = [paths[0], str(root / "missing.png"), paths[1], str(broken)]
    got = predict(model, encoder, PRE, refs, ImageRoots.of(root), batch_size=3, setup=setup)
    assert [p.label is None for p in got] == [False, True, False, True]
    assert got[1].error == "file not found"
    outside = tmp_path / "outside.png"
    outside.write_bytes(shape_image("red"))
    with pytest.raises(PathOutsideRootsError):
        predict(model, encoder, PRE, [paths[0], str(outside)], ImageRoots.of(root),
                setup=setup)


def test_bytes_rows_go_to_the_shared_readers_shuffled_loaders_do_not(
        images: tuple[Path, list[str]]) -> None:
    root, paths = images
    setup = _setup("device", 1)
    data = [Path(p).read_bytes() for p in paths[:3]]  # PNGs: decoded on reading
    by_bytes = EncodedDataset(data, None, ImageRoots.of(), "RGB")  # type: ignore[arg-type]
    assert isinstance(setup.loader(by_bytes, 2, shuffle=False, reuse_workers=True),
                      SharedBatches)
    views = EncodedDataset([memoryview(d) for d in data], None,  # type: ignore[misc]
                           ImageRoots.of(), "RGB")
    assert not readers.sendable(views.refs)  # pickle refuses a memoryview: fresh workers
    assert not isinstance(setup.loader(views, 2, shuffle=False, reuse_workers=True),
                          SharedBatches)
    by_path = EncodedDataset(paths, None, ImageRoots.of(root), "RGB")  # type: ignore[arg-type]
    assert not isinstance(setup.loader(by_path, 2, shuffle=True, reuse_workers=True),
                          SharedBatches)
    assert not isinstance(setup.loader(by_path, 2, shuffle=False), SharedBatches)
    assert isinstance(setup.loader(by_path, 2, shuffle=False, reuse_workers=True),
                      SharedBatches)


@pytest.mark.parametrize("decode", ["device", "workers", "pil"])
def test_bytes_rows_predict_through_the_shared_readers_as_their_files_do(
        images: tuple[Path, list[str]], decode: str) -> None:
    root, paths = images
    model, encoder = _model(), LabelEncoder.fit(["red", "blue", "green"])
    setup = _setup(decode, 2)
    by_path = predict(model, encoder, PRE, paths, ImageRoots.of(root), batch_size=4,
                      setup=setup)
    pids = readers.worker_pids()
    data = [Path(p).read_bytes() for p in paths]
    data[3] = b"not an image"
    by_bytes = predict(model, encoder, PRE, data, ImageRoots.of(), batch_size=4,  # type: ignore[arg-type]
                       setup=setup)
    assert readers.worker_pids() == pids  # the same processes read both calls
    assert by_bytes[3].label is None and by_bytes[3].error
    del by_bytes[3], by_path[3]
    assert [(p.row, p.label) for p in by_bytes] == [(p.row, p.label) for p in by_path]
    assert [p.probability for p in by_bytes] == pytest.approx(
        [p.probability for p in by_path], abs=1e-5)


def _jpegs(paths: list[str]) -> list[bytes]:
    out = []
    for path in paths:
        buffer = io.BytesIO()
        Image.open(path).convert("RGB").save(buffer, format="JPEG", quality=95)
        out.append(buffer.getvalue())
    return out


def test_a_few_jpeg_bytes_are_read_in_the_calls_own_process(
        images: tuple[Path, list[str]]) -> None:
    """Up to IN_PROCESS_JPEGS rows of JPEG bytes (device decoding) are read in the call's own
    process, with the same predictions; more rows, another format, or decoding in the
    workers go to the shared readers."""
    _, paths = images
    setup = _setup("device", 2)
    jpegs = _jpegs(paths)

    def read_by(data: list[bytes], decode_in_worker: bool = False) -> str:
        dataset = EncodedDataset(data, None, ImageRoots.of(), "RGB",  # type: ignore[arg-type]
                                 decode_in_worker=decode_in_worker)
        loader = setup.loader(dataset, 4, shuffle=False, reuse_workers=True)
        if isinstance(loader, SharedBatches):
            return "shared readers"
        assert loader.num_workers == 0
        return "this process"

    assert read_by(jpegs) == "this process"
    assert read_by(jpegs, decode_in_worker=True) == "shared readers"
    assert read_by([Path(p).read_bytes() for p in paths]) == "shared readers"  # PNGs
    many = jpegs * (readers.IN_PROCESS_JPEGS // len(jpegs) + 1)
    assert len(many) > readers.IN_PROCESS_JPEGS and read_by(many) == "shared readers"
    model, encoder = _model(), LabelEncoder.fit(["red", "blue", "green"])
    here = predict(model, encoder, PRE, jpegs, ImageRoots.of(), setup=setup,  # type: ignore[arg-type]
                   batch_size=4)
    forked = predict(model, encoder, PRE, jpegs, ImageRoots.of(), batch_size=4,  # type: ignore[arg-type]
                     setup=DeviceSetup.choose("cpu", num_workers=2, decode="workers"))
    assert [p.label for p in here] == [p.label for p in forked]
    assert all(abs((a.probability or 0) - (b.probability or 0)) < 1e-4
               for a, b in zip(here, forked, strict=True))


def test_two_calls_at_once_use_two_loaders(images: tuple[Path, list[str]]) -> None:
    root, paths = images
    dataset = ImageDataset(paths, None, PRE.eval_transform(), ImageRoots.of(root))
    first = iter(SharedBatches(dataset, 4, collate, 1, False, "fork"))
    second = iter(SharedBatches(dataset, 4, collate, 1, False, "fork"))
    a, b = next(first), next(second)  # both loaders busy at once
    assert torch.equal(a.images, b.images)
    rest = [len(batch) for batch in first] + [len(batch) for batch in second]
    assert sum(rest) + len(a) + len(b) == 2 * len(paths)
    assert len(readers.worker_pids()) == 1  # one idle loader per kind is kept


def test_training_validates_through_the_shared_readers(images: tuple[Path, list[str]]) -> None:
    # Validation reads in order, so the shared readers serve it; after the first epoch (the
    # same weights both ways) the same validation figures as reading in the process. (Later
    # epochs differ a little: a DataLoader with workers draws a seed from the shuffling
    # generator each epoch, so the training order differs from the second epoch on.)
    from ml.testing import register_tiny_model
    from ml.train import TrainOptions, fit

    root, paths = images
    labels = [Path(p).name.split("_")[0] for p in paths]
    figures = []
    for workers in (0, 2):
        torch.manual_seed(0)
        result = fit(register_tiny_model(), paths, labels, ImageRoots.of(root),
                     TrainOptions(input_size=32, max_epochs=2, batch_size=8, device="cpu",
                                  num_workers=workers, decode="device",
                                  validation_split=0.3))
        first = result.history[0]
        figures.append([first.val_loss, first.val_accuracy])
        assert len(readers.worker_pids()) == workers  # validation's, left idle
    assert figures[1] == pytest.approx(figures[0], abs=1e-5)


def test_start_forks_the_workers_before_the_first_call(images: tuple[Path, list[str]]) -> None:
    root, paths = images
    setup = _setup("device", 2)
    setup.start_readers()
    pids = readers.worker_pids()
    assert len(pids) == 2
    dataset = EncodedDataset(paths, None, ImageRoots.of(root), "RGB")  # type: ignore[arg-type]
    batches = list(SharedBatches(dataset, 8, collate_encoded, 2, False, "fork"))
    assert sum(len(batch.rows) for batch in batches) == len(paths)
    assert readers.worker_pids() == pids
