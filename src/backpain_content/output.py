"""Export: render every chosen format in memory, then write all the files at once.

A failed render writes nothing; a failed write leaves the folder's old files as they
were (see `write_files`).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import ContentError
from .formats import Format, Rendered, choose, output_name, render
from .model import Article, Clinic, PatientPlan
from .options import GuideLinks, Paper

__all__ = [
    "check_replaceable",
    "export",
    "file_stem",
    "output_name",
    "render_formats",
    "write_atomic",
    "write_files",
]

_STEM = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")


def file_stem(stem: str) -> str:
    """`stem` when it can name files on every system (letters, digits, `.`, `_` and `-`,
    at most 100, not starting with a dot); else `ContentError`, which does not repeat it:
    it may be a patient's name given by mistake."""
    if not _STEM.fullmatch(stem):
        raise ContentError(
            None,
            "file-stem",
            "must be letters, digits, '.', '_' and '-' only, at most 100, not starting with '.'",
        )
    return stem


def render_formats(
    article: Article,
    formats: Iterable[Format],
    *,
    clinic: Clinic | None = None,
    paper: Paper = "letter",
    plan: PatientPlan | None = None,
    links: GuideLinks | None = None,
) -> list[Rendered]:
    """Each format rendered, in order, in this process and thread (for a patient's `plan`,
    their own copies)."""
    return [
        render(fmt.name, article, clinic=clinic, paper=paper, plan=plan, links=links)
        for fmt in formats
    ]


_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<pid>[0-9]+)-[0-9a-f]{16}\.tmp")
"""Our temporary files: `.NAME.PID-RANDOM.tmp`, beside the file NAME they will become."""
_STALE_AFTER = 24 * 60 * 60
"""Seconds after which a temporary file is stale whoever made it (a process id may be
reused, or belong to another machine sharing the folder)."""


def _temporary(path: Path) -> tuple[Path, int]:
    """A new temporary file beside `path`, open for writing, with ordinary permissions.

    Not `tempfile.mkstemp`: its files are private (0600), and widening them means
    reading the umask, which only changing it can do, for the whole process.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        name = f".{path.name}.{os.getpid()}-{secrets.token_hex(8)}.tmp"
        candidate = path.with_name(name)
        try:
            return candidate, os.open(candidate, flags, 0o666)
        except FileExistsError:  # pragma: no cover - 64 random bits
            continue


def _remove_stale(folder: Path, names: set[str]) -> None:
    """Remove temporary files of ours for `names` that a killed export left behind: their
    process is gone, or they are a day old."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None or match["name"] not in names:
            continue
        with contextlib.suppress(OSError):
            if not _running(int(match["pid"])) or now - entry.stat().st_mtime > _STALE_AFTER:
                Path(entry.path).unlink()


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's, or not ours to judge
    return True


def write_files(folder: str | os.PathLike[str], files: Sequence[tuple[str, bytes]]) -> list[Path]:
    """Write `(name, data)` files into `folder`, all or nothing.

    Every file is written to a temporary file beside its target first; only when all
    are written are they renamed into place, so a full disk or a failed write changes
    nothing. Returns the paths written.
    """
    target = Path(folder)
    if (target.exists() or target.is_symlink()) and not target.is_dir():
        raise ContentError(target, None, "is not a folder")
    for name, _ in files:
        check_replaceable(target / name)
    temporaries: list[tuple[Path, Path]] = []
    try:
        at = target
        try:
            target.mkdir(parents=True, exist_ok=True)
            if not target.is_dir():
                raise NotADirectoryError(str(target))
            _remove_stale(target, {name for name, _ in files})
            for name, data in files:
                at = target / name
                temporary, handle = _temporary(at)
                temporaries.append((temporary, at))
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                    stream.flush()
                    os.fsync(stream.fileno())
        except OSError as exc:
            raise ContentError(at, None, f"cannot write there ({exc.strerror or exc})") from None
        renamed: list[Path] = []
        for temporary, path in temporaries:
            try:
                temporary.replace(path)
            except OSError as exc:
                new = ", ".join(p.name for p in renamed) or "none"
                raise ContentError(
                    path,
                    None,
                    f"cannot be replaced ({exc.strerror or exc}); files already replaced: {new}",
                ) from None
            renamed.append(path)
        return renamed
    finally:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)


def check_replaceable(path: Path) -> None:
    """Refuse to put a file in the place of a link or a special file: renaming over a
    symbolic link replaces the link, not the file it points to, and over a device (as
    root, /dev/stdout) replaces the device with a file."""
    if path.is_symlink():
        raise ContentError(
            path, None, "is a symbolic link: give the path of the file it points to, or remove it"
        )
    if path.exists() and not path.is_file():
        raise ContentError(
            path,
            None,
            "is not a regular file (a folder, a device or a pipe): nothing is written over it",
        )


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write one file through a temporary file beside it, then rename it into place."""
    file = Path(path)
    (written,) = write_files(file.parent, [(file.name, data)])
    return written


def export(
    article: Article,
    out_dir: str | os.PathLike[str],
    *,
    formats: Iterable[str] | None = None,
    clinic: Clinic | None = None,
    paper: Paper = "letter",
    plan: PatientPlan | None = None,
) -> list[Path]:
    """Render `article` in each format, then write the files into `out_dir`.

    `formats=None` means every format whose requirements are installed (see
    `Format.available`), and with a `plan`, every one made for one patient (not the
    waiting room's brochure and poster); naming a format that is not installed, or one
    that takes no plan with a plan, is an error.
    Everything is rendered before anything is written, so a renderer that fails
    leaves the folder as it was. With a patient's `plan`, the files are theirs, named
    `ID.LANGUAGE.personal.SUFFIX`. Returns the paths written.
    """
    chosen, _ = choose(formats, personal=plan is not None)
    rendered = render_formats(article, chosen, clinic=clinic, paper=paper, plan=plan)
    return write_files(out_dir, [(out.filename, out.data) for out in rendered])
