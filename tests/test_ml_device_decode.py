"""Device-side decoding (nvjpeg on a GPU), exercised here on the CPU through the same code.

``DeviceSetup(decode="device")`` on the CPU runs ``torchvision.io.decode_jpeg`` with
libjpeg-turbo and the same tensor preprocessing the GPU runs; these tests check it against the
Pillow path, its failure reporting, and a whole training job through it.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
import torch
from PIL import Image
from torchvision import transforms as T

from ml.data import Batch, FailureTracker, ImageDataset, ImageRoots, Preprocessing, collate
from ml.device_decode import (
    TRAIN_RATIO,
    DeviceLoader,
    DeviceTransform,
    EncodedBatch,
    EncodedDataset,
    EncodedItem,
    HostShare,
    collate_encoded,
    crop_boxes,
    read_encoded,
)
from ml.errors import InvalidOptionError, PathOutsideRootsError
from ml.predict import predict
from ml.testing import register_tiny_model, shape_image, write_shape_dataset
from ml.train import DeviceSetup, TrainOptions, fit

CPU = torch.device("cpu")


def _photo(width: int = 200, height: int = 150, fmt: str = "JPEG", mode: str = "RGB") -> bytes:
    """A smooth gradient with a disc (JPEG artefacts stay small on smooth content)."""
    image = Image.radial_gradient("L").resize((width, height)).convert(mode)
    if mode == "RGB":
        r, g, b = image.split()
        image = Image.merge("RGB", (r, g.transpose(Image.Transpose.FLIP_LEFT_RIGHT), b.point(
            lambda v: 255 - v)))
    out = io.BytesIO()
    image.save(out, format=fmt, quality=95)
    return out.getvalue()


def _decode_batch(refs: list[object], pre: Preprocessing, roots: ImageRoots,
                  train: bool = False,
                  where: str = "device") -> tuple[torch.Tensor, list[int], list[str]]:
    """Decode ``refs`` as one batch: JPEGs by the device's decoder ("device"), in the worker
    ("workers"), or all but one of them by host threads beside the device ("threads")."""
    dataset = EncodedDataset(refs, None, roots, pre.color,  # type: ignore[arg-type]
                             decode_in_worker=where == "workers")
    items = collate_encoded([dataset[i] for i in range(len(refs))])
    transform = DeviceTransform(pre, train, CPU, host_threads=2 if where == "threads" else 0)
    transform.host_share.share = 0.95
    batch = transform(items)
    return batch.images, batch.rows.tolist(), [f.reason for f in batch.failures]


WHERE = pytest.mark.parametrize("where", ["device", "workers", "threads"])


@WHERE
@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
@pytest.mark.parametrize("size", [(200, 150), (150, 200), (64, 64)])
def test_eval_preprocessing_matches_the_pillow_path(fmt: str, size: tuple[int, int],
                                                    where: str) -> None:
    data = _photo(*size, fmt=fmt)
    pre = Preprocessing(input_size=48)
    images, rows, failures = _decode_batch([data, data], pre, ImageRoots.of(), where=where)
    assert rows == [0, 1] and not failures and images.shape == (2, 3, 48, 48)
    expected = ImageDataset([data], None, pre.eval_transform(), ImageRoots.of())[0]
    assert not isinstance(expected, tuple) or expected[0].shape == (3, 48, 48)
    assert isinstance(expected, tuple)
    # Normalised units (std ~0.22 → 1 unit ≈ 57 grey levels): decoders and resamplers differ by
    # rounding, not by geometry or colour.
    for image in images:
        diff = (image - expected[0]).abs()
        assert diff.mean() < 0.05 and diff.max() < 0.8


@pytest.mark.parametrize("color", ["RGB", "GRAY"])
def test_workers_decode_large_jpegs_at_a_reduced_scale_like_the_pillow_path(color: str) -> None:
    # 400x300 for 48 px: DCT scaling at 1/4 (100x75, the smallest not under 48) in the worker,
    # so a quarter of the decoding work and 1/16 of the pixels to hand over.
    big, small = _photo(400, 300), _photo(80, 60)
    pre = Preprocessing(input_size=48, color=color)
    dataset = EncodedDataset([big, small], None, ImageRoots.of(), color,  # type: ignore[arg-type]
                             decode_in_worker=True, draft_size=48)
    handed_over = [dataset[i] for i in range(2)]
    channels = 1 if color == "GRAY" else 3
    shapes = [item[0].data.shape for item in handed_over if isinstance(item, tuple)]
    assert shapes == [(channels, 75, 100), (channels, 60, 80)]  # the small one: full size
    batch = DeviceTransform(pre, False, CPU)(collate_encoded(handed_over))
    pillow = ImageDataset([big], None, pre.eval_transform(), ImageRoots.of(), color,
                          draft_size=48)[0]
    assert isinstance(pillow, tuple)
    diff = (batch.images[0] - pillow[0]).abs()
    assert diff.mean() < 0.05 and diff.max() < 0.8, (diff.mean(), diff.max())


@WHERE
def test_gray_models_get_three_identical_channels(where: str) -> None:
    pre = Preprocessing(input_size=32, color="GRAY")
    images, _, _ = _decode_batch([_photo(), _photo(fmt="PNG", mode="L"), _photo(150, 100)], pre,
                                 ImageRoots.of(), where=where)
    assert images.shape == (3, 3, 32, 32)
    mean = torch.tensor(pre.mean).view(1, 3, 1, 1)
    std = torch.tensor(pre.std).view(1, 3, 1, 1)
    pixels = images * std + mean  # undo the per-channel normalisation
    assert torch.allclose(pixels[:, 0], pixels[:, 1], atol=1e-5)
    assert torch.allclose(pixels[:, 1], pixels[:, 2], atol=1e-5)


@WHERE
def test_only_the_bad_rows_of_a_batch_fail(tmp_path: Path, where: str) -> None:
    (tmp_path / "good.jpg").write_bytes(_photo())
    (tmp_path / "trunc.jpg").write_bytes(_photo()[:300])
    (tmp_path / "text.jpg").write_bytes(b"not an image at all")
    (tmp_path / "cmyk.jpg").write_bytes(_photo(mode="CMYK"))  # Pillow decodes it on the CPU
    refs = [str(tmp_path / n) for n in ("good.jpg", "trunc.jpg", "missing.jpg", "text.jpg",
                                        "cmyk.jpg")]
    images, rows, failures = _decode_batch(refs, Preprocessing(input_size=32),
                                           ImageRoots.of(tmp_path), where=where)
    assert rows == [0, 4] and images.shape == (2, 3, 32, 32)
    assert len(failures) == 3 and "file not found" in failures
    assert torch.isfinite(images).all()


@WHERE
def test_a_truncated_jpeg_in_a_batch_does_not_take_the_batch_down(where: str) -> None:
    # A JPEG whose header parses but whose data is cut: the batch decode fails, the retry
    # image by image keeps every good row.
    good, cut = _photo(), _photo()[:-200]
    images, rows, failures = _decode_batch([good, cut, good], Preprocessing(input_size=32),
                                           ImageRoots.of(), where=where)
    assert 0 in rows and 2 in rows and len(rows) + len(failures) == 3
    assert images.shape[0] == len(rows)


def test_decompression_bombs_are_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # 2x this is the hard limit
    _, rows, failures = _decode_batch([_photo(100, 100), _photo(20, 20)],
                                      Preprocessing(input_size=16), ImageRoots.of())
    assert rows == [1] and "DecompressionBombError" in failures[0]


def test_paths_are_confined_to_the_roots(tmp_path: Path) -> None:
    (tmp_path / "inside").mkdir()
    (tmp_path / "outside.jpg").write_bytes(_photo())
    with pytest.raises(PathOutsideRootsError):
        EncodedDataset([str(tmp_path / "inside" / ".." / "outside.jpg")], None,
                       ImageRoots.of(tmp_path / "inside"))
    with pytest.raises(PathOutsideRootsError):
        read_encoded("/etc/passwd", ImageRoots.of(tmp_path / "inside"), "RGB", 0)


def test_train_augmentation_gives_varied_crops_of_the_right_shape() -> None:
    torch.manual_seed(0)
    pre = Preprocessing(input_size=32)
    data = _photo()
    first, _, _ = _decode_batch([data] * 8, pre, ImageRoots.of(), train=True)
    assert first.shape == (8, 3, 32, 32) and torch.isfinite(first).all()
    assert all(not torch.allclose(first[0], other) for other in first[1:])


@pytest.mark.parametrize("decode", ["device", "workers"])
def test_training_and_prediction_through_device_decode(tmp_path: Path, decode: str) -> None:
    torch.set_num_threads(2)
    base = register_tiny_model()
    colors = ("red", "blue")
    paths, labels = write_shape_dataset(tmp_path / "train", 40, colors, seed=3)
    # Half the images as JPEG, so both the batch decoder and the CPU fallback take part.
    for i, path in enumerate(paths[::2]):
        jpeg = Path(path).with_suffix(".jpg")
        Image.open(path).save(jpeg, quality=95)
        paths[2 * i] = str(jpeg)
    roots = ImageRoots.of(tmp_path)
    result = fit(base, paths, labels, roots,
                 TrainOptions(input_size=32, max_epochs=6, batch_size=16, device="cpu",
                              decode=decode, use_pretrained=False))
    assert result.data_summary["decode"] == decode
    test_paths, test_labels = write_shape_dataset(tmp_path / "test", 10, colors, seed=4)
    setup = DeviceSetup.choose("cpu", decode=decode)
    preds = predict(result.model, result.encoder, result.preprocessing, test_paths, roots,
                    setup=setup)
    accuracy = sum(p.label == t for p, t in zip(preds, test_labels, strict=True)) / len(preds)
    assert accuracy >= 0.8
    # The same model through the Pillow path agrees on nearly every image.
    cpu_preds = predict(result.model, result.encoder, result.preprocessing, test_paths, roots,
                        setup=DeviceSetup.choose("cpu", decode="pil"))
    agree = sum(a.label == b.label for a, b in zip(preds, cpu_preds, strict=True))
    assert agree >= len(preds) - 1


def test_cpu_path_is_the_default_without_a_gpu() -> None:
    assert DeviceSetup.choose("cpu").decode == "pil"
    with pytest.raises(InvalidOptionError, match="decode must be one of"):
        DeviceSetup.choose("cpu", decode="gpu")
    tracker = FailureTracker(1)
    dataset = ImageDataset([shape_image("red")], [0], Preprocessing(input_size=32).eval_transform(),
                           ImageRoots.of())
    batch = collate([dataset[0]])
    tracker.add(batch.failures)
    assert len(batch) == 1 and tracker.count == 0


def test_train_crop_resamples_the_chosen_box(monkeypatch: pytest.MonkeyPatch) -> None:
    # Force the RandomResizedCrop box to the image's left half: the roi_align resampling must
    # match a plain crop + antialiased resize of that half.
    from torchvision.transforms import InterpolationMode
    from torchvision.transforms import functional as TF

    data = _photo(200, 150)
    monkeypatch.setattr("ml.device_decode.crop_boxes",
                        lambda count, *_: torch.tensor([[0, 0, 150, 100]] * count))
    pre = Preprocessing(input_size=50, train_hflip=False)
    images, _, _ = _decode_batch([data], pre, ImageRoots.of(), train=True)
    pixels = torch.frombuffer(bytearray(Image.open(io.BytesIO(data)).tobytes()),
                              dtype=torch.uint8).view(150, 200, 3).permute(2, 0, 1).float()
    expected = TF.resize(pixels[:, :, :100], [50, 50], InterpolationMode.BILINEAR,
                         antialias=True)
    mean = torch.tensor(pre.mean).view(3, 1, 1) * 255
    std = torch.tensor(pre.std).view(3, 1, 1) * 255
    diff = ((expected - mean) / std - images[0]).abs()
    assert diff.mean() < 0.03 and diff.max() < 0.3


@pytest.mark.parametrize(("height", "width", "scale"),
                         [(375, 500, (0.35, 1.0)), (500, 375, (0.08, 1.0)),
                          (100, 900, (0.35, 1.0)), (64, 64, (0.9, 1.0))])
def test_crop_boxes_follow_random_resized_crop(height: int, width: int,
                                               scale: tuple[float, float]) -> None:
    # Drawn all at once, they must have torchvision's distribution: compare the mean and spread
    # of box sizes and positions, and how often no attempt fits (a 9:1 strip, mostly).
    torch.manual_seed(0)
    n = 4000
    ours = crop_boxes(n, height, width, scale, TRAIN_RATIO).double()
    image = torch.empty(1, height, width)
    theirs = torch.tensor([T.RandomResizedCrop.get_params(image, list(scale), list(TRAIN_RATIO))
                           for _ in range(n)], dtype=torch.float64)
    top, left, h, w = ours.unbind(1)
    assert ((top >= 0) & (left >= 0) & (top + h <= height) & (left + w <= width)).all()
    assert ((h > 0) & (w > 0)).all()
    for column in range(4):
        a, b = ours[:, column], theirs[:, column]
        spread = max(float(b.std()), 1.0)
        assert abs(float(a.mean() - b.mean())) < 0.1 * spread + 0.5, column
        assert abs(float(a.std() - b.std())) < 0.1 * spread + 0.5, column
    whole = torch.tensor([height, width], dtype=torch.float64)  # fallback crops span a side
    fallback = lambda boxes: float(((boxes[:, 2:] == whole).any(1)).double().mean())  # noqa: E731
    assert abs(fallback(ours) - fallback(theirs)) < 0.03


# -- decoding ahead in a thread (DeviceLoader(ahead=N), PIXELSQL_DECODE_AHEAD) ----------------


def _ahead_loader(tmp_path: Path, ahead: int, transform: DeviceTransform | None = None,
                  count: int = 40) -> DeviceLoader:
    refs: list[object] = []
    for i in range(count):
        path = tmp_path / f"{i}.jpg"
        if not path.exists():
            path.write_bytes(_photo(120 + i, 90) if i != 7 else b"\xff\xd8 not a jpeg")
        refs.append(str(path))
    pre = Preprocessing(input_size=32)
    dataset = EncodedDataset(refs, None, ImageRoots.of(tmp_path), pre.color)  # type: ignore[arg-type]
    setup = DeviceSetup.choose("cpu", decode="device", decode_ahead=ahead)
    return DeviceLoader(setup.loader(dataset, 6, shuffle=False),
                        transform or DeviceTransform(pre, False, CPU), ahead)


def _ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "pixelsql-decode-ahead"]


def test_decoding_ahead_gives_the_same_batches_in_order(tmp_path: Path) -> None:
    plain, ahead = list(_ahead_loader(tmp_path, 0)), list(_ahead_loader(tmp_path, 3))
    assert len(plain) == len(ahead) == 7
    for a, b in zip(plain, ahead, strict=True):
        assert torch.equal(a.images, b.images)
        assert a.rows.tolist() == b.rows.tolist()
        assert [f.row for f in a.failures] == [f.row for f in b.failures]
    assert [f.row for b in ahead for f in b.failures] == [7]  # the corrupt file, reported
    assert _ahead_threads() == []


def test_an_error_while_decoding_ahead_reaches_the_consumer(tmp_path: Path) -> None:
    class Failing(DeviceTransform):
        calls = 0

        def __call__(self, batch: EncodedBatch) -> Batch:
            self.calls += 1
            if self.calls == 3:
                raise RuntimeError("decoder broke")
            return super().__call__(batch)

    loader = _ahead_loader(tmp_path, 2, Failing(Preprocessing(input_size=32), False, CPU))
    got = 0
    with pytest.raises(RuntimeError, match="decoder broke"):
        for _ in loader:
            got += 1
    assert got == 2
    assert _ahead_threads() == []


def test_stopping_early_ends_the_decode_thread(tmp_path: Path) -> None:
    batches = iter(_ahead_loader(tmp_path, 2, count=60))
    first = next(batches)
    assert len(first.rows) == 6 and _ahead_threads()
    batches.close()  # what a cancelled job's loop does when it leaves the for
    assert _ahead_threads() == []


def test_training_and_prediction_decode_ahead(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    torch.set_num_threads(2)
    monkeypatch.setenv("PIXELSQL_DECODE_AHEAD", "2")
    monkeypatch.setenv("PIXELSQL_DECODE_THREADS", "2")  # and host threads beside the decoder
    base = register_tiny_model()
    colors = ("red", "blue")
    paths, labels = write_shape_dataset(tmp_path / "train", 40, colors, seed=3)
    roots = ImageRoots.of(tmp_path)
    result = fit(base, paths, labels, roots,
                 TrainOptions(input_size=32, max_epochs=6, batch_size=16, device="cpu",
                              decode="device", use_pretrained=False))
    assert result.data_summary["decode_ahead"] == 2
    assert result.data_summary["decode_threads"] == 2
    test_paths, test_labels = write_shape_dataset(tmp_path / "test", 10, colors, seed=4)
    preds = predict(result.model, result.encoder, result.preprocessing, test_paths, roots,
                    setup=DeviceSetup.choose("cpu", decode="device"))
    accuracy = sum(p.label == t for p, t in zip(preds, test_labels, strict=True)) / len(preds)
    assert accuracy >= 0.8
    assert _ahead_threads() == []


def test_decoding_ahead_is_off_by_default_on_the_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIXELSQL_DECODE_AHEAD", raising=False)
    assert DeviceSetup.choose("cpu", decode="device").decode_ahead == 0
    monkeypatch.setenv("PIXELSQL_DECODE_AHEAD", "3")
    assert DeviceSetup.choose("cpu", decode="device").decode_ahead == 3
    assert DeviceSetup.choose("cpu", decode="device", decode_ahead=1).decode_ahead == 1


def test_the_compute_stream_setting_is_checked_and_does_nothing_on_the_cpu(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIXELSQL_COMPUTE_STREAM", raising=False)
    assert DeviceSetup.choose("cpu").compute_stream is False
    monkeypatch.setenv("PIXELSQL_COMPUTE_STREAM", "1")
    setup = DeviceSetup.choose("cpu")
    assert setup.compute_stream is True
    with setup.on_compute_stream():  # no CUDA here: nothing to switch
        assert torch.ones(2).sum().item() == 2
    for bad in ("2", "yes"):
        monkeypatch.setenv("PIXELSQL_COMPUTE_STREAM", bad)
        with pytest.raises(InvalidOptionError, match="PIXELSQL_COMPUTE_STREAM"):
            DeviceSetup.choose("cpu")


@pytest.mark.parametrize("value", ["two", "-1", "9"])
def test_decode_ahead_setting_is_checked(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PIXELSQL_DECODE_AHEAD", value)
    with pytest.raises(InvalidOptionError, match=r"PIXELSQL_DECODE_AHEAD|decode_ahead"):
        DeviceSetup.choose("cpu", decode="device")


@pytest.mark.parametrize("value", ["x", "-1", "65"])
def test_decode_threads_setting_is_checked(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PIXELSQL_DECODE_THREADS", value)
    with pytest.raises(InvalidOptionError, match=r"PIXELSQL_DECODE_THREADS|decode_threads"):
        DeviceSetup.choose("cpu", decode="device")


# -- host threads decoding part of each batch (DeviceTransform(host_threads=N)) -------------


def test_host_threads_give_the_same_batches(tmp_path: Path) -> None:
    # On the CPU both sides are libjpeg-turbo, so splitting a batch changes no pixel. Image 5 is
    # cut short (its header parses, its data does not) and lands on a host thread.
    (tmp_path / "cut.jpg").write_bytes(_photo(130, 90)[:-400])
    pre = Preprocessing(input_size=32)
    plain = DeviceTransform(pre, False, CPU)
    split = DeviceTransform(pre, False, CPU, host_threads=3)
    loaders = [_ahead_loader(tmp_path, 0, transform) for transform in (plain, split)]
    for loader in loaders:
        loader.loader.dataset.refs[5] = str(tmp_path / "cut.jpg")  # type: ignore[attr-defined]
    batches = [list(loader) for loader in loaders]
    assert len(batches[0]) == len(batches[1]) == 7
    for a, b in zip(*batches, strict=True):
        assert torch.equal(a.images, b.images)
        assert a.rows.tolist() == b.rows.tolist()
        assert [(f.row, f.reason) for f in a.failures] == [(f.row, f.reason) for f in b.failures]
    assert [f.row for b in batches[1] for f in b.failures] == [5, 7]  # cut; not a JPEG at all
    assert 0.05 <= split.host_share.share <= 0.95


@pytest.mark.parametrize("ahead", [0, 2])
def test_loaders_account_for_the_hosts_time(tmp_path: Path, ahead: int) -> None:
    # bench/ml.py prints these to show where a batch's host time goes on a GPU.
    transform = DeviceTransform(Preprocessing(input_size=32), False, CPU, host_threads=2)
    batches = list(_ahead_loader(tmp_path, ahead, transform))
    times = transform.times
    assert times.batches == len(batches) == 7
    assert times.images == 39  # the 40th is not a JPEG: it failed in the worker
    assert 0 < times.host_images < times.images
    assert min(times.waiting_for_workers, times.device_decode, times.preparing) > 0
    assert times.waiting_for_host >= 0 and times.waiting_for_decode >= 0
    assert (times.waiting_for_decode > 0) == (ahead > 0)
    assert "share 0." in times.per_batch()


def test_host_share_balances_the_two_sides() -> None:
    share = HostShare(start=0.35)
    assert [share.host_count(n) for n in (0, 1, 2, 10, 256)] == [0, 0, 1, 4, 90]
    for _ in range(30):  # the host decodes 3x as fast as the device: it should take ~3/4
        host = share.host_count(100)
        share.update(host, host / 300, 100 - host, (100 - host) / 100)
    assert share.share == pytest.approx(0.75, abs=0.02)
    for _ in range(30):  # a host that barely decodes gets the least it is allowed
        host = share.host_count(100)
        share.update(host, host / 1, 100 - host, (100 - host) / 1000)
    assert share.share == pytest.approx(0.05)
    assert share.host_count(100) == 5 and share.host_count(3) == 1
    share.update(0, 0.0, 10, 0.1)  # nothing to compare: unchanged
    assert share.share == pytest.approx(0.05)


# -- handing batches out of DataLoader workers ----------------------------------------------


def _collate_reporting_sharing(items: list[EncodedItem]) -> tuple[EncodedBatch, bool]:
    batch = collate_encoded(items)
    return batch, batch.data.is_shared()


def test_workers_build_batches_in_shared_memory_and_pack_pixels(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(_photo(40, 30, fmt="PNG"))
    refs = [_photo(50, 40), str(tmp_path / "a.png"), _photo(30, 20)]
    dataset = EncodedDataset(refs, None, ImageRoots.of(tmp_path),  # type: ignore[arg-type]
                             decode_in_worker=True)
    loader = torch.utils.data.DataLoader(dataset, batch_size=3, num_workers=1,  # type: ignore[var-annotated,arg-type]
                                         collate_fn=_collate_reporting_sharing)
    ((batch, shared),) = list(loader)
    assert shared  # made in shared memory in the worker, not copied there on the way out
    assert not collate_encoded([dataset[0]]).data.is_shared()  # outside a worker: plain memory
    assert batch.shapes == [(3, 40, 50), (3, 30, 40), (3, 20, 30)]
    for item, i in zip(batch.items, range(3), strict=True):
        expected = dataset[i]
        assert isinstance(expected, tuple)
        assert torch.equal(item.data, expected[0].data)  # C x H x W, values unchanged
