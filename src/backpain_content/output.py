"""Writing rendered guides to disk, atomically: a failed export leaves no partial file."""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ._gc import frozen_for_fork
from .errors import ContentError
from .formats import FORMATS, Format, Paper, get_format
from .model import Article, Clinic

__all__ = ["export", "output_name", "write_atomic"]


def output_name(article: Article, fmt: Format) -> str:
    """File name of an article in a format: `dry-needling-back-pain.en-CA.html`."""
    return f"{article.id}.{article.language}{fmt.suffix}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); an export is an ordinary document.
        umask = os.umask(0)
        os.umask(umask)
        Path(temporary).chmod(0o666 & ~umask)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export(
    article: Article,
    out_dir: str | os.PathLike[str],
    *,
    formats: Iterable[str] | None = None,
    clinic: Clinic | None = None,
    paper: Paper = "letter",
    parallel: bool = False,
) -> list[Path]:
    """Render `article` in each format and write the files.

    `formats=None` means every format whose requirements are installed (see
    `Format.available`); naming a format that is not installed is an error.
    `parallel=True` renders the handouts and the ePub in forked processes at the same
    time, which a command that renders once and exits gains from.

    Everything is rendered before anything is written, so a renderer that fails
    leaves the folder as it was. Returns the paths written.
    """
    if formats is None:
        chosen = tuple(fmt for fmt in FORMATS if fmt.available())
    else:
        chosen = tuple(get_format(name) for name in formats)
    folder = Path(out_dir)
    contents = _render(chosen, article, clinic, paper, parallel)
    rendered = [
        (output_name(article, fmt), data) for fmt, data in zip(chosen, contents, strict=True)
    ]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            raise NotADirectoryError(str(folder))
        written = []
        for name, data in rendered:
            path = folder / name
            write_atomic(path, data)
            written.append(path)
    except OSError as exc:
        raise ContentError(folder, None, f"cannot write there ({exc.strerror or exc})") from None
    return written


def _render_each(
    names: Sequence[str], article: Article, clinic: Clinic | None, paper: Paper
) -> list[bytes]:
    return [get_format(name).render(article, clinic, paper) for name in names]


def _render(
    chosen: Sequence[Format],
    article: Article,
    clinic: Clinic | None,
    paper: Paper,
    parallel: bool,
) -> list[bytes]:
    """The bytes of each format, in order."""
    # Most of a cold export is importing ReportLab and ebooklib and warming them up; in
    # forked processes that happens side by side. Each library's formats stay together,
    # and the HTML is rendered here meanwhile.
    groups: dict[str, list[str]] = {}
    for fmt in chosen:
        groups.setdefault(fmt.library, []).append(fmt.name)
    if not (parallel and len(groups) > 1 and (os.cpu_count() or 1) > 1 and _can_fork()):
        return _render_each([fmt.name for fmt in chosen], article, clinic, paper)
    with frozen_for_fork():
        pending = {
            library: _forked(_render_each, names, article, clinic, paper)
            for library, names in groups.items()
            if library != "jinja2"
        }
    try:
        results = {
            library: _render_each(names, article, clinic, paper)
            for library, names in groups.items()
            if library == "jinja2"
        }
    finally:
        # Wait for every process, even when one has failed, so none is left behind.
        outcomes = {library: wait() for library, wait in pending.items()}
    for library, outcome in outcomes.items():
        if isinstance(outcome, BaseException):
            raise outcome
        results[library] = outcome
    by_name = {
        name: data
        for library, names in groups.items()
        for name, data in zip(names, results[library], strict=True)
    }
    return [by_name[fmt.name] for fmt in chosen]


def _can_fork() -> bool:
    return hasattr(os, "fork")


def _forked(
    work: Callable[..., list[bytes]], *args: Any
) -> Callable[[], list[bytes] | BaseException]:
    """Start `work(*args)` in a forked process; return a function that waits for its
    result, or the exception it raised.

    A plain fork and a pipe rather than a process pool: the child starts at once with
    its arguments already in memory, instead of waiting for a feeder thread that the
    busy parent would keep from running.
    """
    import pickle

    # With no process or pipe to spare, the work is done here, when it is waited for.
    try:
        read, write = os.pipe()
    except OSError:
        return functools.partial(_outcome, work, *args)
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return functools.partial(_outcome, work, *args)
    if pid == 0:  # pragma: no cover - the child; its result is checked in the parent
        os.close(read)
        try:
            outcome = _outcome(work, *args)
            try:
                payload = pickle.dumps(outcome)
            except Exception:  # an exception that cannot be pickled
                payload = pickle.dumps(RuntimeError(f"{type(outcome).__name__}: {outcome}"))
            with os.fdopen(write, "wb") as stream:
                stream.write(payload)
        finally:
            os._exit(0)
    os.close(write)

    def wait() -> list[bytes] | BaseException:
        with os.fdopen(read, "rb") as stream:
            payload = stream.read()
        os.waitpid(pid, 0)
        if not payload:
            return RuntimeError("a rendering process ended without a result")
        result: list[bytes] | BaseException = pickle.loads(payload)  # noqa: S301 - our child's
        return result

    return wait


def _outcome(work: Callable[..., list[bytes]], *args: Any) -> list[bytes] | BaseException:
    # The result, or the exception to raise where it is waited for.
    try:
        return work(*args)
    except BaseException as exc:
        return exc
