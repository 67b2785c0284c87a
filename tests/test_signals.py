"""Interruptions, with real signals sent to a real process: Ctrl-C to the terminal's process
group, a supervisor's SIGTERM to the command alone, and signals while files are written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import backpain_content as bc
from command import COMMAND

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

FILES_PER_CLINIC = len(bc.FORMATS)  # every format: the batch runs with --format all


def _group(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    for index in range(count):
        (folder / f"clinic-{index:03d}.toml").write_text(
            f'name = "Clinic {index:03d}"\nbooking_url = "https://example.org/b/{index}"\n',
            encoding="utf-8",
        )
    return folder


def _start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """The command in a process group of its own, as a terminal starts it."""
    return subprocess.Popen(
        [*COMMAND, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )


def _wait_for_lines(process: subprocess.Popen[str], count: int, timeout: float = 60) -> list[str]:
    """Read the progress lines (one a clinic on a pipe) until `count` have come."""
    assert process.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while len(lines) < count and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
    return lines


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _in_group(pgid: int) -> set[int]:
    """The live processes (not zombies: those have ended) of process group `pgid`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _check_folders(out: Path) -> set[str]:
    """Each clinic's folder is complete or absent, and holds no temporary file."""
    complete = set()
    if not out.exists():
        return complete
    for folder in out.iterdir():
        names = sorted(p.name for p in folder.iterdir())
        assert not [n for n in names if n.endswith(".tmp")], names
        assert len(names) == FILES_PER_CLINIC, (folder, names)
        complete.add(folder.name)
    return complete


@pytest.mark.parametrize("after", [0, 3], ids=["at once", "after three clinics"])
def test_ctrl_c_stops_a_batch_promptly_and_says_what_finished(tmp_path: Path, after: int) -> None:
    if not Path("/proc").is_dir():
        pytest.skip("reads /proc")
    group = _group(tmp_path / "group", 60)
    out = tmp_path / "out"
    process = _start("export", "--clinics", str(group), "--out", str(out), "--jobs", "2")
    if after:
        assert len(_wait_for_lines(process, after)) == after
    else:
        # The workers are starting (importing, not yet working): once the command has
        # started them. Before that the command itself is still importing, and Ctrl-C
        # there is the start-up case of its own (issue 26), not this one.
        deadline = time.monotonic() + 30
        while not _children(process.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _children(process.pid), "the batch started no worker"
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the whole process group
    start = time.monotonic()
    stdout, stderr = process.communicate(timeout=30)
    took = time.monotonic() - start
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    assert "KeyboardInterrupt" not in stderr, stderr
    assert took < 10
    complete = _check_folders(out)
    lines = stdout.strip().splitlines()
    assert lines[-1] == f"interrupted: exported {len(complete)} of 60 clinics into {out}"
    [missing] = [line for line in stderr.splitlines() if "not exported (interrupted)" in line]
    listed = missing.split(": ", 2)[2].split(", ")
    assert len(listed) == 60 - len(complete)
    assert not {name.removesuffix(".toml") for name in listed} & complete
    assert stderr.splitlines()[-1] == "backpain-content: interrupted"
    deadline = time.monotonic() + 5
    while _in_group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _in_group(process.pid) == set()  # no process of the group is left


def test_sigterm_to_the_command_alone_stops_its_workers(tmp_path: Path) -> None:
    if not Path("/proc").is_dir():
        pytest.skip("reads /proc")
    group = _group(tmp_path / "group", 60)
    out = tmp_path / "out"
    process = _start("export", "--clinics", str(group), "--out", str(out), "--jobs", "2")
    assert len(_wait_for_lines(process, 2)) == 2
    workers = _children(process.pid)
    assert len(workers) >= 2
    process.send_signal(signal.SIGTERM)  # as a supervisor does: the command only
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert "interrupted: exported" in stdout
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "a worker outlived the command"
    _check_folders(out)


def test_workers_end_when_the_command_is_killed(tmp_path: Path) -> None:
    """SIGKILL gives the command no chance to stop them: they notice and end."""
    if not Path("/proc").is_dir():
        pytest.skip("reads /proc")
    group = _group(tmp_path / "group", 200)
    process = _start("export", "--clinics", str(group), "--out", str(tmp_path / "out"))
    assert len(_wait_for_lines(process, 2)) == 2
    workers = _children(process.pid)
    assert workers
    process.kill()
    process.communicate(timeout=30)
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "a worker outlived the command"


# Temporary files

_SLOW_WRITES = """
import os, pathlib, sys, time
marker = pathlib.Path(os.environ["BPC_TEST_WRITING"])
real = os.fsync
def slow_fsync(fd):
    marker.touch()
    time.sleep(30)
    return real(fd)
os.fsync = slow_fsync
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_writing_leaves_the_old_files_and_no_temporary_one(
    tmp_path: Path, signum: int
) -> None:
    """The write phase is made slow (a sitecustomize that delays fsync), and the signal
    comes while the first file is being written."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "dry-needling-back-pain.en-CA.html").write_text("previous", encoding="utf-8")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(_SLOW_WRITES, encoding="utf-8")
    marker = tmp_path / "writing"
    pythonpath = os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH", "")]))
    process = _start(
        "export", "--out", str(out),
        env={"PYTHONPATH": pythonpath, "BPC_TEST_WRITING": str(marker)},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), process.communicate(timeout=5)
    assert any(p.name.endswith(".tmp") for p in out.iterdir())  # it was writing
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in out.iterdir()) == ["dry-needling-back-pain.en-CA.html"]
    assert (out / "dry-needling-back-pain.en-CA.html").read_text(encoding="utf-8") == "previous"


def test_temporary_files_a_killed_export_left_are_removed_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead = int(gone.stdout)
    stale = out / f".dry-needling-back-pain.en-CA.pdf.{dead}-0123456789abcdef.tmp"
    stale.write_bytes(b"%PDF- half written")
    old = out / f".dry-needling-back-pain.en-CA.html.{os.getpid()}-fedcba9876543210.tmp"
    old.write_bytes(b"a day old, from a process id that lives again")
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (day_ago, day_ago))
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = out / f".dry-needling-back-pain.en-CA.epub.{alive.pid}-00112233aabbccdd.tmp"
        busy.write_bytes(b"another export, still writing")
        unrelated = out / ".notes.txt.tmp"
        unrelated.write_text("not ours")
        result = subprocess.run(
            [*COMMAND, "export", "--out", str(out)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        names = {p.name for p in out.iterdir()}
        assert stale.name not in names
        assert old.name not in names
        assert busy.name in names  # its process is alive and the file is new
        assert unrelated.name in names  # not ours
    finally:
        alive.kill()
        alive.wait()


# Ctrl-C while the command starts. A real signal's timing cannot be aimed at a module, so
# the interrupt is raised where the signal would raise it: while a chosen module loads
# (a `sitecustomize` on PYTHONPATH adds a finder that interrupts that one import).
INTERRUPT_WHILE_LOADING = """
import sys

class _Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, _Interrupt())
"""


@pytest.mark.parametrize(
    "module",
    [
        "backpain_content.cli",
        "pydantic",
        "backpain_content.model",
        "backpain_content.renderers.shared",
        "reportlab.platypus",
    ],
)
@pytest.mark.parametrize("how", ["console script", "python -m"])
def test_ctrl_c_while_the_command_starts_is_one_line_and_status_130(
    tmp_path: Path, module: str, how: str
) -> None:
    (tmp_path / "sitecustomize.py").write_text(
        INTERRUPT_WHILE_LOADING.format(module=module), encoding="utf-8"
    )
    script = Path(sys.executable).parent / "backpain-content"
    command = [str(script)] if how == "console script" else COMMAND
    assert how != "console script" or script.is_file()
    out = tmp_path / "out"
    done = subprocess.run(
        [*command, "export", "--format", "pdf", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == "backpain-content: interrupted\n"
    assert not out.exists() or not list(out.iterdir())


def test_the_package_loads_nothing_before_a_name_is_used() -> None:
    """What the console script runs before its Ctrl-C guard: the package's `__init__` and
    `start`, which load nothing else of the package and nothing outside the standard
    library."""
    code = (
        "import sys, json; before = set(sys.modules); import backpain_content.start; "
        "new = set(sys.modules) - before; "
        "print(json.dumps([sorted(m for m in new if m.startswith('backpain_content')), "
        "sorted({m.split('.')[0] for m in new} - sys.stdlib_module_names)]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    ours, others = json.loads(done.stdout)
    assert ours == ["backpain_content", "backpain_content.start"]
    assert others == ["backpain_content"]
