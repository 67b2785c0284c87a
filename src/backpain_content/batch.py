"""Exporting the guide for a whole clinic group: one sub-folder per clinic, in parallel.

The one place the package starts processes: a pool of fresh interpreters (the `spawn`
start method), never forks of the caller, so a host that runs threads stays safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import re
import signal
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .content import in_clinic_file, in_guide_file, load_clinic
from .errors import ContentError, one_line
from .model import Article, Clinic
from .options import GuideLinks, Paper
from .output import export

__all__ = ["ClinicResult", "GuideFile", "clinic_files", "export_clinics", "render_guides"]


@dataclass(frozen=True)
class ClinicResult:
    """What became of one clinic's export."""

    source: Path
    """The clinic file."""
    folder: Path
    """The sub-folder its files went to."""
    written: tuple[Path, ...] = ()
    """The files written; empty when it failed."""
    error: str | None = None
    """Why it failed, in one line, or None."""
    bad_input: bool = False
    """Whether it failed because of its input (rather than a bug)."""


def clinic_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The clinic files named: files as given, folders by their `*.toml` files, in order."""
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(path.glob("*.toml"))
            if not found:
                raise ContentError(path, None, "holds no .toml clinic files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ContentError(path, None, "no such file or folder")
    return files


def folder_name(path: Path) -> str:
    """The sub-folder a clinic file's export goes to: its name in lowercase letters, digits
    and hyphens, with a short hash of the whole name when letters had to be left out, so
    that `東京.toml` and `大阪.toml` (or `Zoë.toml` and `Zoe.toml`) stay apart."""
    stem = unicodedata.normalize("NFC", path.stem)
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    if re.fullmatch(r"[A-Za-z0-9 _.-]+", stem) and slug:
        return slug
    digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:8]
    return f"{slug or 'clinic'}-{digest}"


def _export_one(
    article: Article, source: Path, folder: Path, formats: Sequence[str] | None, paper: Paper
) -> ClinicResult:
    try:
        clinic = load_clinic(source)
        written = export(article, folder, formats=formats, clinic=clinic, paper=paper)
    except ContentError as exc:
        return ClinicResult(source, folder, error=str(in_clinic_file(exc, source)), bad_input=True)
    except Exception as exc:
        return ClinicResult(source, folder, error=one_line(f"{type(exc).__name__}: {exc}"))
    return ClinicResult(source, folder, written=tuple(written))


def export_clinics(
    article: Article,
    clinics: Sequence[Path],
    out_dir: str | os.PathLike[str],
    *,
    formats: Sequence[str] | None = None,
    paper: Paper = "letter",
    workers: int | None = None,
    progress: Callable[[ClinicResult, int, int], None] | None = None,
) -> list[ClinicResult]:
    """Export `article` for every clinic file into `out_dir/<clinic>/`, in parallel.

    A clinic that fails is reported in its result; the others still finish. `progress`
    is called after each clinic with its result, how many are done and how many in all.
    Results come back in the order of `clinics`.
    """
    out = Path(out_dir)
    tasks: list[tuple[Path, Path]] = []
    seen: dict[str, Path] = {}
    for source in clinics:
        name = folder_name(source)
        if name in seen:
            raise ContentError(source, None, f"would share the folder {name!r} with {seen[name]}")
        seen[name] = source
        tasks.append((source, out / name))
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    results: dict[Path, ClinicResult] = {}

    def finished(result: ClinicResult) -> None:
        results[result.source] = result
        if progress:
            progress(result, len(results), len(tasks))

    if workers == 1:
        for source, folder in tasks:
            finished(_export_one(article, source, folder, formats, paper))
        return [results[source] for source, _ in tasks]
    pool = _pool(workers)
    futures: list[Future[ClinicResult]] = []
    try:
        # The pool starts its workers in this thread, as the first tasks are submitted.
        with _interrupts_held():
            futures = [
                pool.submit(_export_one, article, source, folder, formats, paper)
                for source, folder in tasks
            ]
        for future in as_completed(futures):
            finished(future.result())
    except BaseException:
        # Interrupted (Ctrl-C, a signal the command turned into an exception) or failed:
        # what has not started is dropped, what is running finishes (each clinic is
        # written all at once or not at all), and no worker is left behind.
        pool.shutdown(wait=True, cancel_futures=True)
        for future in futures:  # those that finished meanwhile were written: say so
            if future.done() and not future.cancelled() and future.exception() is None:
                result = future.result()
                if result.source not in results:
                    finished(result)
        raise
    pool.shutdown(wait=True)
    return [results[source] for source, _ in tasks]


@dataclass(frozen=True)
class GuideFile:
    """One rendered file of a library's guide, as a worker sends it back."""

    format: str
    filename: str
    data: bytes
    pages: int | None
    page_limit: int | None

    @property
    def too_long(self) -> bool:
        """Whether it has more pages than it should."""
        return (
            self.pages is not None
            and self.page_limit is not None
            and (self.pages > self.page_limit)
        )


def _render_guide(
    article: Article,
    path: Path,
    formats: Sequence[str],
    clinic: Clinic | None,
    paper: Paper,
    links: GuideLinks | None,
) -> list[GuideFile]:
    from .formats import render

    try:
        made = [render(name, article, clinic=clinic, paper=paper, links=links) for name in formats]
    except ContentError as exc:
        raise in_guide_file(exc, path) from None
    return [GuideFile(m.format.name, m.filename, m.data, m.pages, m.page_limit) for m in made]


def render_guides(
    guides: Sequence[tuple[Article, Path, GuideLinks | None]],
    formats: Sequence[str],
    *,
    clinic: Clinic | None = None,
    paper: Paper = "letter",
    workers: int | None = None,
) -> list[list[GuideFile]]:
    """Every guide (with its file, for errors, and its links) in every format, in a pool
    of worker processes (one per core unless `workers`); results in the guides' order.
    The first guide that fails stops the rest: its `ContentError` names its file."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(guides)))
    if workers == 1:
        return [_render_guide(a, p, formats, clinic, paper, links) for a, p, links in guides]
    pool = _pool(workers)
    try:
        with _interrupts_held():
            futures = [
                pool.submit(_render_guide, a, p, formats, clinic, paper, links)
                for a, p, links in guides
            ]
        results = [future.result() for future in futures]
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def _pool(workers: int) -> ProcessPoolExecutor:
    """A pool of fresh interpreters (spawned, never forks of the caller), each leaving
    interruptions to the command and ending with it."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_started,
        initargs=(os.getpid(),),
    )


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C back in this thread while the workers start, and let it through after.

    A new process starts with its parent thread's signal mask: the workers start with
    Ctrl-C held back, so one pressed while they import cannot interrupt them with a
    traceback, and they ignore it for good (`_worker_started`) before letting it
    through. Here it arrives as soon as the workers are started. Only this thread's mask
    changes, and only for the moment; where there are no signal masks nothing is done.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _worker_started(parent: int) -> None:
    """In each worker: leave interruptions to the command, and end with it.

    Ctrl-C reaches every process of the terminal's group, and a supervisor may stop the
    command alone: the command decides what to finish and stops the workers. Should the
    command die without doing so, its workers notice and end.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.25)
    os._exit(1)
