"""Writing rendered guides to disk, atomically: a failed export leaves no partial file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

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
    # two forked processes that happens side by side. Each library's formats stay together.
    groups: dict[str, list[str]] = {}
    for fmt in chosen:
        groups.setdefault(fmt.library, []).append(fmt.name)
    if not (parallel and len(groups) > 1 and (os.cpu_count() or 1) > 1):
        return _render_each([fmt.name for fmt in chosen], article, clinic, paper)
    # Imported here: a library user who renders in-process never needs them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return _render_each([fmt.name for fmt in chosen], article, clinic, paper)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=len(groups), mp_context=context) as pool:
        futures = {
            library: pool.submit(_render_each, names, article, clinic, paper)
            for library, names in groups.items()
            if library != "jinja2"
        }
        results = {
            library: _render_each(names, article, clinic, paper)
            for library, names in groups.items()
            if library == "jinja2"
        }
        results.update({library: future.result() for library, future in futures.items()})
    by_name = {
        name: data
        for library, names in groups.items()
        for name, data in zip(names, results[library], strict=True)
    }
    return [by_name[fmt.name] for fmt in chosen]
