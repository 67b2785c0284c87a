"""Benchmarks (`make bench`): speed, memory and growth, and the peers a developer might use.

Speed targets live here, never in the tests. Each figure is a median of many runs on
this machine; `--write FILE` also writes them to a Markdown report with the machine.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import backpain_content as bc
from growth import scaled

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "backpain_content"]


@dataclass
class Row:
    name: str
    value: float
    unit: str
    target: float | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "meets" if self.value <= self.target else "MISSES"


FASTEST: dict[float, float] = {}
"""The fastest run behind each median, to show how much this machine's speed drifts."""


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm: imports, caches, fonts
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    median = statistics.median(times) * 1000
    FASTEST[median] = min(times) * 1000
    return median


def cold(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall seconds and the largest peak memory (MiB) of fresh processes."""
    walls, peaks = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            process = subprocess.Popen(
                [*command, "--out", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            _, status, usage = os.wait4(process.pid, 0)
            walls.append(time.perf_counter() - start)
            if status != 0:
                raise SystemExit(
                    f"{' '.join(command)} failed: {process.stderr.read().decode() if process.stderr else ''}"
                )
            peaks.append(usage.ru_maxrss / 1024)  # KiB on Linux
    median = statistics.median(walls)
    FASTEST[median] = min(walls)
    return median, max(peaks)


def warm_rows(runs: int) -> list[Row]:
    article = bc.load_article()
    epub = bc.render_epub(article)
    page = bc.HtmlOptions(standalone=True)
    large = bc.HandoutOptions(large_print=True)
    return [
        Row(
            "load_article() (bundled, after the first call)",
            median_ms(bc.load_article, runs * 10),
            "ms",
            1.0,
        ),
        Row("HTML snippet", median_ms(lambda: bc.render_html(article), runs * 10), "ms", 0.5),
        Row(
            "standalone HTML page",
            median_ms(lambda: bc.render_html(article, options=page), runs * 10),
            "ms",
        ),
        Row("PDF handout (Letter)", median_ms(lambda: bc.render_pdf(article), runs), "ms", 30.0),
        Row(
            "large-print PDF", median_ms(lambda: bc.render_pdf(article, options=large), runs), "ms"
        ),
        Row("ePub", median_ms(lambda: bc.render_epub(article), runs), "ms", 10.0),
        Row(
            "guide email (ePub given)",
            median_ms(
                lambda: bc.build_guide_email(
                    article, to="p@example.org", sender="f@example.org", epub=epub
                ),
                runs,
            ),
            "ms",
        ),
    ]


def growth_rows(runs: int) -> list[Row]:
    """Time per copy of the article at 1x, 10x and 100x: flat means linear growth."""
    base = bc.load_article()
    formats: dict[str, Callable[[bc.Article], object]] = {
        "HTML": lambda a: bc.render_html(a),
        "PDF": lambda a: bc.render_pdf(a),
        "large-print PDF": lambda a: bc.render_pdf(a, options=bc.HandoutOptions(large_print=True)),
        "ePub": lambda a: bc.render_epub(a),
    }
    rows = []
    for name, render in formats.items():
        per_copy = []
        for factor in (1, 10, 100):
            article = scaled(base, factor)
            repeats = max(3, runs // factor)
            took = median_ms(lambda render=render, article=article: render(article), repeats)
            per_copy.append(took / factor)
        ratio = per_copy[2] / per_copy[0]
        rows.append(
            Row(
                f"{name}: time per copy at 100x / at 1x",
                ratio,
                "x",
                1.5,
                "per copy: "
                + ", ".join(
                    f"{f}x {t:.2f} ms" for f, t in zip((1, 10, 100), per_copy, strict=True)
                ),
            )
        )
    return rows


def markdown(article: bc.Article) -> str:
    """The article as Markdown, the input a pandoc user would write."""
    parts = [f"# {article.title}", *article.lede]
    for name in bc.SECTION_NAMES:
        section = getattr(article, name)
        parts.append(f"## {section.heading}")
        parts += list(getattr(section, "intro", ())) + list(getattr(section, "paragraphs", ()))
        parts += [f"- **{item.title}:** {item.body}" for item in getattr(section, "items", ())]
        parts += list(getattr(section, "closing", ()))
        if name == "closing":
            parts.append(
                section.invitation.replace("{clinic}", "Avenue Physio in Calgary Downtown")
            )
    return "\n\n".join(parts) + "\n"


def peer_rows(runs: int, ours: dict[str, float]) -> list[Row]:
    rows: list[Row] = []
    article = bc.load_article()
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        print("skipping pandoc: not installed (apt-get install pandoc)")
    else:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "guide.md"
            source.write_text(markdown(article), encoding="utf-8")
            for kind, args, mine in (
                (
                    "HTML",
                    ["-s", "-t", "html5", "--metadata", f"title={article.title}"],
                    "standalone HTML page",
                ),
                ("ePub", ["-t", "epub3", "--metadata", f"title={article.title}"], "ePub"),
            ):
                out = Path(folder) / f"out.{kind.lower()}"

                def run(args: list[str] = args, out: Path = out) -> None:
                    subprocess.run([pandoc, str(source), *args, "-o", str(out)], check=True)

                took = median_ms(run, max(5, runs // 4))
                rows.append(
                    Row(
                        f"pandoc {kind} (subprocess, as pypandoc)",
                        took,
                        "ms",
                        None,
                        f"{took / ours[mine]:.0f}x ours",
                    )
                )
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        print(f"skipping WeasyPrint: {exc}")
    else:
        html = bc.render_html(article, options=bc.HtmlOptions(standalone=True))
        took = median_ms(lambda: weasyprint.HTML(string=html).write_pdf(), max(5, runs // 4))
        rows.append(
            Row(
                "WeasyPrint PDF from our page",
                took,
                "ms",
                None,
                f"{took / ours['PDF handout (Letter)']:.0f}x ours",
            )
        )
    return rows


def batch_row(count: int, runs: int) -> Row:
    """The median throughput of `runs` whole batch commands over `count` clinic files."""
    with tempfile.TemporaryDirectory() as folder:
        group = Path(folder) / "clinics"
        group.mkdir()
        for index in range(count):
            (group / f"clinic-{index:03d}.toml").write_text(
                f'name = "Clinic {index}"\nlocation = "Town {index}"\n'
                f'booking_url = "https://example.org/book/{index}"\n',
                encoding="utf-8",
            )
        walls, cpus = [], []
        for run in range(runs):
            out = str(Path(folder) / f"out-{run}")
            command = [*CLI, "export", "--format", "pdf", "--clinics", str(group), "--out", out]
            start = time.perf_counter()
            process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            # The workers are the command's children: wait4 counts their CPU time too.
            _, status, usage = os.wait4(process.pid, 0)
            walls.append(time.perf_counter() - start)
            cpus.append(usage.ru_utime + usage.ru_stime)
            if status != 0:
                raise SystemExit("the batch export failed")
    took = statistics.median(walls)
    cpu = statistics.median(cpus)
    return Row(
        f"batch: {count} clinics' handouts, whole command (median of {runs})",
        count / took,
        "PDFs/s",
        None,
        f"{took:.2f} s wall ({min(walls):.2f}-{max(walls):.2f} s), "
        f"{cpu / count * 1000:.0f} ms of CPU a handout",
    )


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu or platform.machine()}), "
        f"Python {platform.python_version()}"
    )


def table(rows: list[Row]) -> str:
    lines = ["| what | median | fastest run | target | |", "|---|---|---|---|---|"]
    for row in rows:
        target = f"≤ {row.target:g} {row.unit}" if row.target is not None else ""
        fastest = f"{FASTEST[row.value]:.2f} {row.unit}" if row.value in FASTEST else ""
        lines.append(
            f"| {row.name} | {row.value:.2f} {row.unit} | {fastest} | {target} "
            f"| {row.verdict} {row.note} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=60, help="runs per measurement (default 60)")
    parser.add_argument("--clinics", type=int, default=200, help="clinic files in the batch run")
    parser.add_argument("--write", metavar="FILE", help="also write a Markdown report")
    args = parser.parse_args()
    gc.collect()

    warm = warm_rows(args.runs)
    wall, peak = cold([*CLI, "export", "--format", "all"], 11)
    whole = [
        Row("cold `export --format all`, wall (median of 11)", wall, "s", 0.8),
        Row("cold `export --format all`, peak memory", peak, "MiB", 150.0),
        batch_row(args.clinics, 3),
    ]
    whole[-1].target = None
    throughput = whole[-1]
    growth = growth_rows(args.runs)
    peers = peer_rows(args.runs, {row.name: row.value for row in warm})

    sections = [
        ("In-process, warm (bundled article)", warm),
        ("Whole process", whole),
        ("Growth (the article repeated 10 and 100 times)", growth),
        ("Peers on the same article text", peers),
    ]
    report = io.StringIO()
    report.write(f"Machine: {machine()}\n")
    for title, rows in sections:
        report.write(f"\n## {title}\n\n{table(rows)}\n")
    report.write(
        f"\nBatch throughput target: at least 40 PDFs/s on 2 cores: "
        f"{'meets' if throughput.value >= 40 else 'MISSES'} ({throughput.value:.1f} PDFs/s).\n"
    )
    print(report.getvalue())
    if args.write:
        Path(args.write).write_text(
            "# Performance\n\nMeasured by `make bench` (bench/bench.py); medians of many runs.\n\n"
            "This machine is a virtual one whose speed drifts: the same code has measured twice as\n"
            "slow a few minutes apart, and its two cores slow each other down when both are busy.\n"
            "The fastest run beside each median shows what the code does when the machine lets it.\n\n"
            + report.getvalue(),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
