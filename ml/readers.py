"""Image-reading worker processes kept from one ``predict`` call to the next.

Why: a DataLoader forks its worker processes when it is first iterated, and a new DataLoader
per call forks new ones. Forking costs in proportion to the parent's memory (its page tables):
8 workers from a 3 GB process (a GPU worker with its CUDA context and a model) took 0.75-0.8 s
on a VM, ~0.1 s from a small one. That was paid inside every PREDICT, and inside every DuckDB
chunk of ``pixelsql_predict``; a 16,384-image PREDICT runs ~2 s on an H200 at the model's speed.
Reusing the workers makes that a one-off per process (``start`` forks them at process start,
while the process is small).

How: one DataLoader with persistent workers whose dataset holds no rows (``_Tasks``): every
index its batch sampler hands out is a task ``(reader, ref, row, label)``, where ``reader`` is
the call's dataset stripped of its rows (``ImageRows.reader``), so a worker reads whatever the
current call asks for, with that call's roots, colour and preprocessing. The sampler
(``_CallBatches``) is given each call's batches before it is iterated. Between calls the
DataLoader's own epoch reset (``_ResumeIteration``) discards whatever an abandoned call left in
flight, so a cancelled call's batches never reach the next one.

A loader serves one call at a time: ``SharedBatches`` checks one out for the length of an
iteration (a concurrent call gets a loader of its own; one idle loader per kind is kept). A
loader whose iteration failed (a worker died, a worker raised) is shut down, never reused,
and one whose workers have died since is replaced when it is next checked out.

Rows given by file path or as bytes (bytea) use it. A row's bytes travel to a worker pickled
with its task (a forked worker would inherit them for free), which costs far less than forking:
4,096 44 KiB JPEGs read from a 3 GB process by 8 workers on a 2-core VM took 0.69-0.71 s
through the shared readers, 1.54-1.60 s with fresh workers (bench/loader_start.py --bytes
--photos --read-only). A call of few rows given as JPEG bytes, with decoding on the device,
reads them in its own process (``IN_PROCESS_JPEGS``): nothing to start, nothing to send.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset

from ml.data import ImageRef, ImageRows

Collate = Callable[[list[Any]], Any]
Task = tuple[ImageRows, ImageRef, int, int]  # (reader, ref, row, label)


def sendable(refs: Sequence[ImageRef]) -> bool:
    """Whether every row can be sent to a reader process with its task: a file path or bytes
    (a memoryview, which pickle refuses, cannot)."""
    return all(isinstance(ref, str | bytes | bytearray | os.PathLike) for ref in refs)


# Rows given as JPEG bytes that a call reads in its own process rather than in the shared
# readers: reading one is parsing its header (~50 µs on a 2-core VM), so 1,024 take ~50 ms
# (whole call 140-145 ms; shared readers 172-267 ms, fresh workers 0.94-1.17 s; from a 3 GB
# process, bench/loader_start.py --bytes --photos --read-only --images 1024 --batch-size 256).
# The reading holds up the thread that feeds the GPU, where the readers' work runs beside it,
# so the cap stays low until a GPU run says otherwise.
IN_PROCESS_JPEGS = 1024
_JPEG_START = b"\xff\xd8"


def jpeg_bytes(refs: Sequence[ImageRef]) -> bool:
    """Whether every row is JPEG bytes (by its first two bytes): left for the device to
    decode, nothing but its header is read before; any other format is decoded on reading."""
    return all(isinstance(ref, bytes | bytearray | memoryview) and bytes(ref[:2]) == _JPEG_START
               for ref in refs)


class _Tasks(Dataset[Any]):
    """The workers' dataset: a task in, its reader's item out."""

    def __getitem__(self, task: Task) -> Any:  # type: ignore[override]
        reader, ref, row, label = task
        return reader.read(ref, row, label)


class _CallBatches:
    """The loader's batch sampler: the batches of tasks of the call being served."""

    def __init__(self) -> None:
        self.batches: list[list[Task]] = []

    def __iter__(self) -> Iterator[list[Task]]:
        return iter(self.batches)

    def __len__(self) -> int:
        return len(self.batches)


_Key = tuple[Collate, int, bool, str | None]  # (collate, workers, pin memory, start method)
_IDLE: dict[_Key, DataLoader[Any]] = {}
_IDLE_LOCK = threading.Lock()


def _new_loader(key: _Key) -> DataLoader[Any]:
    collate, workers, pin, start = key
    return DataLoader(_Tasks(), batch_sampler=_CallBatches(), collate_fn=collate,
                      num_workers=workers, pin_memory=pin, persistent_workers=True,
                      prefetch_factor=4, multiprocessing_context=start)


def _alive(loader: DataLoader[Any]) -> bool:
    """False once any of the loader's worker processes has exited (killed, crashed)."""
    iterator = loader._iterator
    return iterator is None or all(worker.is_alive() for worker in iterator._workers)  # type: ignore[attr-defined]


def _shut_down(loader: DataLoader[Any]) -> None:
    iterator = loader._iterator
    if iterator is not None:
        iterator._shutdown_workers()  # type: ignore[attr-defined]
        loader._iterator = None


def _watch(loader: DataLoader[Any], on: bool) -> None:
    """Whether a worker's death raises in this process's main thread (the DataLoader's
    SIGCHLD handler): while a call iterates, yes; while idle, no (the error would land in
    whatever the process is doing then; the next check-out replaces the dead worker)."""
    iterator: Any = loader._iterator
    if iterator is None or iterator._worker_pids_set == on:
        return
    if on:
        torch._C._set_worker_pids(id(iterator), tuple(w.pid for w in iterator._workers))
    else:
        torch._C._remove_worker_pids(id(iterator))
    iterator._worker_pids_set = on


def _check_out(key: _Key) -> DataLoader[Any]:
    with _IDLE_LOCK:
        loader = _IDLE.pop(key, None)
    if loader is not None and not _alive(loader):
        _shut_down(loader)
        loader = None
    if loader is None:
        return _new_loader(key)
    _watch(loader, True)
    return loader


def _check_in(key: _Key, loader: DataLoader[Any]) -> None:
    _watch(loader, False)
    with _IDLE_LOCK:
        spare = _IDLE.get(key) is not None
        if not spare:
            _IDLE[key] = loader
    if spare:  # one idle loader per kind is enough
        _shut_down(loader)


def worker_pids() -> list[int]:
    """The process ids of every idle loader's workers (tests, diagnostics)."""
    with _IDLE_LOCK:
        loaders = list(_IDLE.values())
    return sorted(worker.pid for loader in loaders if loader._iterator is not None
                  for worker in loader._iterator._workers)  # type: ignore[attr-defined]


def shut_down_all() -> None:
    """Stop every idle loader's workers (tests; the process's exit does it anyway)."""
    with _IDLE_LOCK:
        loaders = list(_IDLE.values())
        _IDLE.clear()
    for loader in loaders:
        _shut_down(loader)


class SharedBatches:
    """Batches of one call's rows, read by shared worker processes: a drop-in for a
    ``DataLoader`` over ``dataset`` without shuffling (``len`` and ``iter``)."""

    def __init__(self, dataset: ImageRows, batch_size: int, collate: Collate, workers: int,
                 pin_memory: bool, start_method: str | None) -> None:
        if workers <= 0:
            raise ValueError("shared readers need at least one worker")
        reader = dataset.reader()
        tasks = [(reader, dataset.refs[i], dataset.rows[i], dataset.label(i))
                 for i in range(len(dataset))]
        self.batches = [tasks[i:i + batch_size] for i in range(0, len(tasks), batch_size)]
        self.key: _Key = (collate, workers, pin_memory, start_method)

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self) -> Iterator[Any]:
        if not self.batches:
            return  # nothing to read: no loader checked out (or forked)
        loader = _check_out(self.key)
        sampler = loader.batch_sampler
        assert isinstance(sampler, _CallBatches)
        failed = True
        try:
            sampler.batches = self.batches
            yield from iter(loader)  # forks the workers the first time, resets them after
            failed = False
        except GeneratorExit:  # the consumer stopped early: the next reset discards the rest
            failed = False
            raise
        finally:
            sampler.batches = []
            if failed or not _alive(loader):
                _shut_down(loader)
            else:
                _check_in(self.key, loader)


def start(collate: Collate, workers: int, pin_memory: bool, start_method: str | None) -> None:
    """Fork a loader's workers now (at process start, while the process is small) and keep it
    idle for the first call."""
    if workers > 0:
        key: _Key = (collate, workers, pin_memory, start_method)
        loader = _check_out(key)
        for _ in loader:  # no batches: the workers start, the iteration ends at once
            pass
        _check_in(key, loader)
