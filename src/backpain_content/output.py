"""Writing rendered guides to disk, atomically: a failed export leaves no partial file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
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
) -> list[Path]:
    """Render `article` in each format and write the files.

    `formats=None` means every format whose requirements are installed (see
    `Format.available`); naming a format that is not installed is an error.

    Everything is rendered before anything is written, so a renderer that fails
    leaves the folder as it was. Returns the paths written.
    """
    if formats is None:
        chosen = tuple(fmt for fmt in FORMATS if fmt.available())
    else:
        chosen = tuple(get_format(name) for name in formats)
    folder = Path(out_dir)
    rendered = [(output_name(article, fmt), fmt.render(article, clinic, paper)) for fmt in chosen]
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
