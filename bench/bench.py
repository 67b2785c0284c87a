"""Benchmarks (`make bench`): speed, memory and growth, and the peers a developer might use.

Speed targets live here, never in the tests. Every in-process figure comes in two kinds:
- repeat: the same guide and clinic again, what another page view of a clinic's site costs;
- fresh: a guide whose every text differs from anything rendered before in the process,
  what a new or translated guide (or the first render after start-up) costs.
Growth is measured with distinct text in every copy, so no cache can serve the copies.
`--write FILE` also writes the figures to a Markdown report with the machine.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import io
import itertools
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import backpain_content as bc
from growth import fresh, scaled

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "backpain_content"]
HEAVY = ("reportlab", "ebooklib", "lxml", "PIL")
CLINIC = bc.Clinic(
    name="Example Physio",
    location="Kensington",
    phone="+1 403-555-0100",
    booking_url="https://example.org/book",
    accent_colour="#8a1c1c",
)


@dataclass
class Row:
    name: str
    value: float
    unit: str
    target: float | None = None
    note: str = ""
    fastest: float | None = None
    at_least: bool = False
    """The target is a floor (throughput), not a ceiling."""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        met = self.value >= self.target if self.at_least else self.value <= self.target
        return "meets" if met else "MISSES"


@dataclass
class Timing:
    median: float
    fastest: float


def repeat(work: Callable[[], object], runs: int) -> Timing:
    """Milliseconds of `work` done again and again after a first, warming call."""
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return Timing(statistics.median(times) * 1000, min(times) * 1000)


def each_once(
    work: Callable[[bc.Article], object], articles: Iterator[bc.Article], runs: int
) -> Timing:
    """Milliseconds of `work` on `runs` articles never rendered before, one call each.

    The articles are made before the clock starts; the renderer's libraries are warm
    (one render of the bundled guide first), so this is fresh content, not start-up.
    """
    made = [next(articles) for _ in range(runs)]
    work(bc.load_article())
    return timed_each(work, made)


def timed_each(work: Callable[[Any], object], items: list[Any]) -> Timing:
    """Milliseconds of `work` on each of `items`, one call each."""
    times = []
    for item in items:
        start = time.perf_counter()
        work(item)
        times.append(time.perf_counter() - start)
    return Timing(statistics.median(times) * 1000, min(times) * 1000)


def fresh_articles(base: bc.Article) -> Iterator[bc.Article]:
    while True:
        yield fresh(base)


def row(name: str, timing: Timing, unit: str, target: float | None = None, note: str = "") -> Row:
    return Row(name, timing.median, unit, target, note, fastest=timing.fastest)


FORMATS: dict[str, Callable[[bc.Article], object]] = {
    "HTML snippet": lambda a: bc.render_html(a, clinic=CLINIC),
    "standalone HTML page": lambda a: bc.render_html(
        a, clinic=CLINIC, options=bc.HtmlOptions(standalone=True)
    ),
    "PDF handout (Letter)": lambda a: bc.render_pdf(a, clinic=CLINIC),
    "large-print PDF": lambda a: bc.render_pdf(
        a, clinic=CLINIC, options=bc.HandoutOptions(large_print=True)
    ),
    "ePub": lambda a: bc.render_epub(a, clinic=CLINIC),
}
REPEAT_TARGETS = {"HTML snippet": 0.5, "PDF handout (Letter)": 30.0, "ePub": 10.0}
FRESH_TARGETS = {"HTML snippet": 1.0, "PDF handout (Letter)": 60.0, "ePub": 15.0}


def in_process_rows(runs: int) -> tuple[list[Row], dict[str, Timing], dict[str, Timing]]:
    article = bc.load_article()
    repeats: dict[str, Timing] = {}
    fresh_runs: dict[str, Timing] = {}
    rows = [
        row(
            "load_article() (bundled, after the first call)",
            repeat(bc.load_article, runs * 10),
            "ms",
            1.0,
        )
    ]
    for name, render in FORMATS.items():
        count = runs * 10 if "HTML" in name else runs
        repeats[name] = repeat(lambda render=render: render(article), count)
        fresh_runs[name] = each_once(render, fresh_articles(article), count)
        rows.append(row(f"{name}: repeat", repeats[name], "ms", REPEAT_TARGETS.get(name)))
        rows.append(row(f"{name}: fresh content", fresh_runs[name], "ms", FRESH_TARGETS.get(name)))
    epub = bc.render_epub(article, clinic=CLINIC)
    rows.append(
        row(
            "guide email (ePub given): repeat",
            repeat(
                lambda: bc.build_guide_email(
                    article, to="p@example.org", sender="f@example.org", clinic=CLINIC, epub=epub
                ),
                runs,
            ),
            "ms",
        )
    )
    return rows, repeats, fresh_runs


def growth_rows(runs: int) -> list[Row]:
    """Time per copy at 1x, 10x and 100x the guide, every copy's text distinct: a flat
    line means the work grows linearly with the content."""
    base = bc.load_article()
    rows = []
    for name in ("HTML snippet", "PDF handout (Letter)", "large-print PDF", "ePub"):
        render = FORMATS[name]
        per_copy = []
        for factor in (1, 10, 100):
            big = scaled(base, factor)
            count = max(3, runs // factor)
            took = each_once(render, (fresh(big) for _ in iter(int, 1)), count)
            per_copy.append(took.median / factor)
        rows.append(
            Row(
                f"{name}: time per copy at 100x / at 1x, distinct copies",
                per_copy[2] / per_copy[0],
                "x",
                1.5,
                "per copy: "
                + ", ".join(
                    f"{f}x {t:.2f} ms" for f, t in zip((1, 10, 100), per_copy, strict=True)
                ),
            )
        )
    return rows


def cold(command: list[str], runs: int) -> tuple[Timing, float]:
    """Wall seconds of fresh processes, and the largest peak memory (MiB)."""
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
                error = process.stderr.read().decode() if process.stderr else ""
                raise SystemExit(f"{' '.join(command)} failed: {error}")
            peaks.append(usage.ru_maxrss / 1024)  # KiB on Linux
    return Timing(statistics.median(walls), min(walls)), max(peaks)


def markdown(article: bc.Article) -> str:
    """The article as Markdown, the input a pandoc user would write."""
    parts = [f"# {article.title}", *article.lede]
    for name in bc.SECTION_NAMES:
        section = getattr(article, name)
        if section is None:  # a section the guide does not have
            continue
        parts.append(f"## {section.heading}")
        parts += list(getattr(section, "intro", ())) + list(getattr(section, "paragraphs", ()))
        for item in getattr(section, "items", ()):
            # A question is its text; every other item a title and a body.
            text = getattr(item, "text", None)
            parts.append(f"- {text}" if text else f"- **{item.title}:** {item.body}")
        parts += list(getattr(section, "closing", ()))
        if name == "closing":
            parts.append(
                section.invitation.replace("{clinic}", "Avenue Physio in Calgary Downtown")
            )
    return "\n\n".join(parts) + "\n"


def _weasyprint() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        print(f"skipping WeasyPrint: {exc}")
        return False
    return True


def peer_rows(runs: int, repeats: dict[str, Timing], fresh_runs: dict[str, Timing]) -> list[Row]:
    """pandoc (as pypandoc runs it) and WeasyPrint on the same text, warm."""
    rows: list[Row] = []
    article = bc.load_article()
    pandoc = shutil.which("pandoc")

    def versus(name: str, took: Timing, ours: str) -> Row:
        note = (
            f"{took.median / repeats[ours].median:.0f}x our repeat, "
            f"{took.median / fresh_runs[ours].median:.0f}x our fresh ({ours})"
        )
        return row(name, took, "ms", note=note)

    if pandoc is None:
        print("skipping pandoc: not installed (apt-get install pandoc)")
    else:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "guide.md"
            source.write_text(markdown(article), encoding="utf-8")
            for kind, args, ours in (
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

                rows.append(
                    versus(
                        f"pandoc {kind} (subprocess, as pypandoc)",
                        repeat(run, max(5, runs // 4)),
                        ours,
                    )
                )
    if _weasyprint():
        import weasyprint

        html = bc.render_html(article, clinic=CLINIC, options=bc.HtmlOptions(standalone=True))
        took = repeat(lambda: weasyprint.HTML(string=html).write_pdf(), max(5, runs // 4))
        rows.append(versus("WeasyPrint PDF from our page", took, "PDF handout (Letter)"))
    return rows


def pipeline_seconds(runs: int) -> Timing | None:
    """A cold pandoc + WeasyPrint pipeline making what `export --format all` makes: the
    page and the ePub with pandoc, the PDF with WeasyPrint in a fresh Python."""
    pandoc = shutil.which("pandoc")
    if pandoc is None or not _weasyprint():
        return None
    article = bc.load_article()
    walls = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "guide.md"
        source.write_text(markdown(article), encoding="utf-8")
        page = Path(folder) / "page.html"
        page.write_text(
            bc.render_html(article, options=bc.HtmlOptions(standalone=True)), encoding="utf-8"
        )
        pdf = "import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(
                [
                    pandoc,
                    str(source),
                    "-s",
                    "-t",
                    "html5",
                    "--metadata",
                    f"title={article.title}",
                    "-o",
                    f"{folder}/o.html",
                ],
                check=True,
            )
            subprocess.run(
                [
                    pandoc,
                    str(source),
                    "-t",
                    "epub3",
                    "--metadata",
                    f"title={article.title}",
                    "-o",
                    f"{folder}/o.epub",
                ],
                check=True,
            )
            subprocess.run([sys.executable, "-c", pdf, str(page), f"{folder}/o.pdf"], check=True)
            walls.append(time.perf_counter() - start)
    return Timing(statistics.median(walls), min(walls))


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
        40.0,
        f"{took:.2f} s wall ({min(walls):.2f}-{max(walls):.2f} s), "
        f"{cpu / count * 1000:.0f} ms of CPU a handout",
        at_least=True,
    )


def _library_folder(folder: Path, count: int) -> Path:
    """`count` distinct guides (the exercise guide, each copy's id and text its own), half
    as TOML and half as Markdown, as a clinic's library would hold them."""
    from backpain_content.readers.markdown import to_markdown
    from backpain_content.readers.toml import to_toml

    base = bc.load_bundled("exercise-low-back-pain.en-CA")
    library = folder / "library"
    library.mkdir()
    for index in range(count):
        guide = base.model_copy(
            update={
                "id": f"guide-{index:03d}",
                "title": f"{base.title} ({index})",
                "related": (),
                "lede": tuple(f"{p} Copy {index}." for p in base.lede),
            }
        )
        text, suffix = (to_toml(guide), ".toml") if index % 2 else (to_markdown(guide), ".md")
        (library / f"guide-{index:03d}.en-CA{suffix}").write_text(text, encoding="utf-8")
    return library


def library_rows(count: int, runs: int) -> list[Row]:
    """A cold `list --library` of `count` guides, and a cold `export --library` of them in
    every format, in the process pool: guides a second, peak memory of a worker."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        library = _library_folder(Path(folder), count)
        walls = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(
                [*CLI, "list", "--library", str(library)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            walls.append(time.perf_counter() - start)
        rows.append(
            Row(
                f"cold `list --library` of {count} guides (median of {runs})",
                statistics.median(walls),
                "s",
                1.0,
                f"{min(walls):.2f}-{max(walls):.2f} s",
            )
        )
        out = Path(folder) / "out"
        command = [*CLI, "export", "--library", str(library), "--format", "all", "--out", str(out)]
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, _usage = os.wait4(process.pid, 0)
        took = time.perf_counter() - start
        if status != 0:
            error = process.stderr.read().decode() if process.stderr else ""
            raise SystemExit(f"the library export failed: {error}")
        # ru_maxrss of the command's children: the largest worker's peak.
        worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows.append(
            Row(
                f"cold `export --library` of {count} guides, every format, "
                f"{os.cpu_count()} workers",
                count / took,
                "guides/s",
                None,
                f"{took:.1f} s wall; peak memory of the largest process {worker_peak:.0f} MiB",
                at_least=True,
            )
        )
    return rows


def a_plan(number: int, article: bc.Article) -> bc.PatientPlan:
    """Patient `number`'s plan: every text its own, every tip chosen, the longest note."""
    return bc.PatientPlan(
        patient=f"Patient {number:04d} Łukasz-Okonkwo",
        physiotherapist=f"Physiotherapist {number % 17}, physiotherapist",
        sessions=(3, 3 + number % 6),
        next_appointment=datetime.datetime(2026, 12, 1 + number % 28, 8 + number % 9, 30),
        home_tips=tuple(tip.id for tip in article.lifestyle.items),
        note=f"Note {number:04d}: " + ("walk ten minutes after lunch, stretch daily. " * 4)[:126],
        made=datetime.date(2026, 11, 1 + number % 27),
    )


def plan_rows(runs: int) -> list[Row]:
    """A personalised handout: a new patient's plan on a guide rendered before (the same
    clinic too), each plan used once; and the personalised ePub the email attaches."""
    article = bc.load_article()
    numbers = iter(range(1, 10**6))
    rows = []
    for name, render, target in (
        ("personalised PDF handout (Letter), a new plan", bc.render_pdf, 35.0),
        ("personalised ePub, a new plan", bc.render_epub, None),
        ("personalised HTML snippet, a new plan", bc.render_html, None),
    ):
        plans = [a_plan(next(numbers), article) for _ in range(runs)]
        render(article, clinic=CLINIC)  # the guide rendered before
        timing = timed_each(
            lambda plan, render=render: render(article, clinic=CLINIC, plan=plan), plans
        )
        rows.append(row(name, timing, "ms", target))
    return rows


_WORKER_ARTICLE: list[bc.Article] = []


def _start_worker() -> None:
    _WORKER_ARTICLE.append(bc.load_article())


def _personal_handout(number: int) -> int:
    article = _WORKER_ARTICLE[0]
    return len(bc.render_pdf(article, clinic=CLINIC, plan=a_plan(number, article)))


def plans_batch_row(count: int, runs: int, workers: int = 2) -> Row:
    """`count` patients' handouts by a pool of `workers` fresh processes, as clinic
    software would make a day's handouts: the pool's start-up counts."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker) as pool:
            sizes = list(pool.map(_personal_handout, range(count), chunksize=10))
        walls.append(time.perf_counter() - start)
        if not all(size > 0 for size in sizes):
            raise SystemExit("a personalised handout came out empty")
    took = statistics.median(walls)
    return Row(
        f"batch: {count} patients' handouts, {workers} processes (median of {runs})",
        count / took,
        "PDFs/s",
        40.0,
        f"{took:.2f} s wall ({min(walls):.2f}-{max(walls):.2f} s), pool start-up included",
        at_least=True,
    )


def script_rows(runs: int) -> list[Row]:
    """Handouts in other scripts, translated through `translate apply` (see
    tests/pseudo.py): the first in the process (its fonts set up), again, and with text
    never rendered before (another translation each time)."""
    from pseudo import translated

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for language, name, target in (
            ("ar", "Arabic handout (right to left, shaped)", 150.0),
            ("zh-Hans", "Chinese handout", 150.0),
        ):
            article = translated(language, Path(folder))
            fresh_guides = [
                translated(language, Path(folder), salt=str(n)) for n in range(max(3, runs // 6))
            ]
            start = time.perf_counter()
            bc.render_pdf(article, clinic=CLINIC)
            first = (time.perf_counter() - start) * 1000
            again = repeat(lambda article=article: bc.render_pdf(article, clinic=CLINIC), runs // 2)
            fresh_timing = timed_each(
                lambda guide: bc.render_pdf(guide, clinic=CLINIC), fresh_guides
            )
            rows.append(Row(f"{name}: first in the process", first, "ms", None, "fonts set up"))
            rows.append(row(f"{name}: repeat", again, "ms"))
            rows.append(row(f"{name}: fresh content", fresh_timing, "ms", target))
    return rows


def waiting_room_rows(runs: int) -> list[Row]:
    """The brochure and the poster (Letter, a clinic with a booking link): the same guide
    again, and for English guides whose every text is new. The French guide's brochure is
    tried at 12 pt and without the list of treatments before it fits at 11 pt."""
    rows = []
    makers: tuple[tuple[str, Callable[..., bytes], float], ...] = (
        ("brochure", bc.render_brochure, 60.0),
        ("poster", bc.render_poster, 30.0),
    )
    for language, label in (("en-CA", "English"), ("fr-CA", "French")):
        article = bc.load_bundled(f"dry-needling-back-pain.{language}")
        for kind, render, target in makers:

            def make(guide: bc.Article, render: Callable[..., bytes] = render) -> bytes:
                return render(guide, clinic=CLINIC)

            name = f"{label} {kind}"
            again = repeat(lambda make=make, article=article: make(article), runs)
            rows.append(row(f"{name}: repeat", again, "ms", target))
            if language == "en-CA":  # tests/growth.py freshens an untranslated guide
                fresh_timing = each_once(make, fresh_articles(article), max(3, runs // 3))
                rows.append(row(f"{name}: fresh content", fresh_timing, "ms"))
    return rows


_TYPST_SPECIAL = re.compile(r"""([\\#*_`$<>@\[\]~=+\-/'".])""")


def _typst_text(text: str) -> str:
    """Plain text as Typst markup: every character that markup gives a meaning (`#`, `*`,
    `_`, `@`, `<`, `//`, `--`, `...`, quotes, a line's `=`, `-`, `+`, `/`) escaped."""
    return _TYPST_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def typst_markup(article: bc.Article, labels: Any, clinic: bc.Clinic) -> str:
    """The handout's text as Typst markup, in its reading order (tagged: headings,
    paragraphs, lists): what `story.story` prints of `article` for `clinic`, its section
    headings and summaries, the titles the page has room for, the home tips to tick, the
    urgent signs and the aftercare as lists, the sources, the plan's labels and the
    clinic's details; in the handout's typeface (Bitstream Vera, ReportLab's copy) at 12 pt."""
    from backpain_content.renderers.shared import (
        clinic_voice,
        contact_lines,
        independent_note,
        plain,
        reference_numbers,
        review_notice,
    )

    t = _typst_text
    language, _, region = article.language.partition("-")
    lines = [
        f'#set document(title: "{article.title.replace(chr(92), "").replace(chr(34), "")}")',
        f'#set text(lang: "{language}", region: "{region or "CA"}", '
        'font: "Bitstream Vera Sans", size: 12pt)',
        '#set page(paper: "us-letter", margin: 0.6in)',
        f"= {t(article.title)}",
        f"*{t(plain(review_notice(article, labels)))}*",
        t(article.summary),
    ]
    said = clinic_voice(article, labels)
    if said:
        lines.append(t(said))
    own = independent_note(article, labels)
    numbers = reference_numbers(article)
    cited: list[str] = []

    def cite(sources: Any) -> str:
        cited.extend(sources)
        found = ", ".join(str(number) for number, _ in numbers.cite(sources))
        return f" \\[{found}\\]" if sources else ""

    for name in ("mechanisms", "causes", "sessions", "lifestyle", "therapies"):
        part = getattr(article, name)
        if part is None:
            continue
        lines.append(f"== {t(part.short_heading)}")
        if name in ("causes", "lifestyle"):
            lines.append(t(part.summary))
        if name == "sessions":
            words = labels.sessions_range.format(min=part.typical_min, max=part.typical_max)
            lines += [t(words), t(part.summary), t(part.chronic_summary)]
        elif name == "lifestyle":
            lines += [f"- *{t(item.title)}*" for item in part.items]
        else:
            lines.append(" · ".join(f"*{t(item.title)}*" for item in part.items))
    if own:
        lines.append(t(own))
    if article.research is not None:
        research = article.research
        lines.append(f"== {t(research.short_heading)}")
        sources = list(dict.fromkeys(s for item in research.items for s in item.sources))
        lines.append(t(research.summary) + cite(sources))
    safety = article.safety
    lines += [f"== {t(safety.short_heading)}", t(labels.before_pointer)]
    urgent = safety.urgent_signs
    lines.append(f"=== {t(urgent.heading)}")
    lines += [f"- {t(item.summary)}{cite(item.sources)}" for item in urgent.items]
    if article.aftercare is not None:
        lines.append(f"== {t(article.aftercare.short_heading)}")
        lines += [f"- {t(i.summary)}{cite(i.sources)}" for i in article.aftercare.items]
    listed = "; ".join(
        f"{number} {t(reference.label)}"
        for number, reference in enumerate(article.references, 1)
        if reference.id in cited
    )
    lines.append(f"*{t(labels.sources + labels.term_separator)}* {listed}")
    lines.append(f"== {t(labels.my_plan)}")
    lines += [t(labels.plan_sessions), t(labels.plan_next), t(labels.plan_exercises)]
    closing = article.closing
    lines += [f"== {t(closing.short_heading)}", t(closing.summary)]
    lines.append(f"*{t(clinic.name)}*")
    if clinic.location:
        lines.append(t(clinic.location))
    lines += [t(line.plain) for line in contact_lines(clinic, labels)]
    return "\n\n".join(lines) + "\n"


def _typst() -> Any:
    try:
        import typst
    except ImportError as exc:
        print(f"skipping Typst: {exc} (make bench-peers installs it)")
        return None
    return typst


def _merged_words(pdf: bytes, *sources: object) -> str:
    """What the structure tree's text (`pdfinfo -struct-text`) runs together: words of
    `sources` with no space between them, found as the tests find them (tests/structtext.py)."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return "structure text not read (no pdfinfo)"
    from structtext import fused, vocabulary

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "made.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(
            [pdfinfo, "-struct-text", str(path)], capture_output=True, check=True
        ).stdout.decode("utf-8", "replace")  # a heading's title may be UTF-16
    runs = [found[1] for line in out.splitlines() if (found := re.match(r'^\s*"(.*)"\s*$', line))]
    merged = fused(runs, vocabulary(*sources))
    return f"merged words in its structure text: {', '.join(merged) or 'none'}"


def _changed_words(before: str, after: str) -> int:
    return sum(a != b for a, b in zip(before.split(), after.split(), strict=False))


def typst_rows(runs: int) -> list[Row]:
    """Typst (PyPI `typst`, the Rust typesetter's bindings) writes the English handout's
    text as a tagged PDF/UA-1 with a warm compiler, against our fresh-content handout:
    both get the same fresh guide each time (tests/growth.py's `fresh`, its every string's
    first word new), the two taking turns so that the machine's drift hits both alike."""
    typst = _typst()
    if typst is None:
        return []
    import importlib.metadata

    import reportlab

    from backpain_content.renderers.shared import labels_of

    version = importlib.metadata.version("typst")
    article = bc.load_article()
    labels = labels_of(article, CLINIC)
    fonts = str(Path(reportlab.__file__).parent / "fonts")  # Bitstream Vera, as ours
    compiler = typst.Compiler(font_paths=[fonts], ignore_system_fonts=True)

    def compile_pdf(markup: str) -> bytes:
        return bytes(compiler.compile(input=markup.encode(), format="pdf", pdf_standards=["ua-1"]))

    guides = [fresh(article) for _ in range(runs + 1)]
    markups = [typst_markup(guide, labels, CLINIC) for guide in guides]
    changed = statistics.median(_changed_words(a, b) for a, b in itertools.pairwise(markups))
    compile_pdf(typst_markup(article, labels, CLINIC))  # a warm compiler
    bc.render_pdf(article, clinic=CLINIC)
    times: dict[str, list[float]] = {"typst": [], "ours": []}
    for guide, markup in zip(guides[1:], markups[1:], strict=True):
        start = time.perf_counter()
        compile_pdf(markup)
        times["typst"].append(time.perf_counter() - start)
        start = time.perf_counter()
        bc.render_pdf(guide, clinic=CLINIC)
        times["ours"].append(time.perf_counter() - start)
    theirs = statistics.median(times["typst"]) * 1000
    ours = statistics.median(times["ours"]) * 1000
    sample = compile_pdf(markups[-1])
    return [
        Row(
            f"Typst {version}: the handout's text, tagged PDF/UA-1, warm compiler",
            theirs,
            "ms",
            fastest=min(times["typst"]) * 1000,
            note=f"{changed:.0f} words new each time; {len(sample) / 1024:.0f} KiB; "
            + _merged_words(sample, guides[-1], labels, CLINIC),
        ),
        Row(
            "ours: PDF handout (Letter), fresh content, taking turns with Typst",
            ours,
            "ms",
            fastest=min(times["ours"]) * 1000,
            note=f"{len(bc.render_pdf(guides[-1], clinic=CLINIC)) / 1024:.0f} KiB",
        ),
        Row(
            "ours / Typst, fresh content (medians)",
            ours / theirs,
            "x",
            2.5,
            f"fastest runs: {min(times['ours']) / min(times['typst']):.2f}x",
        ),
    ]


UNTAGGED = "0ca663c"
"""The last commit whose handouts were untagged: the tagged handout is measured against it,
in the same process, the two taking turns, so that the machine's drift hits both alike."""


def _untagged_package(folder: Path) -> object | None:
    """The package as it was at UNTAGGED, importable as `bc_untagged`; None without git or
    the commit (an unpacked source release)."""
    import importlib
    import tarfile

    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", UNTAGGED, "src/backpain_content", "templates"],
        capture_output=True,
    )
    if archive.returncode != 0:
        return None
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "src" / "backpain_content").rename(folder / "bc_untagged")
    (folder / "templates").rename(folder / "bc_untagged" / "templates")
    sys.path.insert(0, str(folder))
    return importlib.import_module("bc_untagged")


def _fit(model: Any, value: Any) -> Any:
    """`value`, a dump of today's model, with only the fields that `model` (the model of an
    older package, or a type in it) has: the untagged package knows no field added since."""
    import typing

    if isinstance(value, dict) and hasattr(model, "model_fields"):
        fields = model.model_fields
        return {k: _fit(fields[k].annotation, v) for k, v in value.items() if k in fields}
    if isinstance(value, list | tuple):
        inner = [a for a in typing.get_args(model) if a is not Ellipsis]
        return [_fit(inner[0] if inner else None, v) for v in value]
    if isinstance(value, dict):  # a model inside Optional, Union or Annotated
        for candidate in typing.get_args(model):
            if hasattr(candidate, "model_fields") or typing.get_args(candidate):
                return _fit(candidate, value)
    return value


def tagging_rows(runs: int) -> list[Row]:
    """The tagged handout against the untagged one of UNTAGGED: repeat and fresh content,
    standard and large print, the two renders taking turns."""
    with tempfile.TemporaryDirectory() as folder:
        old: Any = _untagged_package(Path(folder))
        if old is None:
            return [Row("tagged against untagged: not measured (no git history)", 0, "")]
        article = bc.load_article()
        try:
            old_article = old.Article.model_validate(_fit(old.Article, article.model_dump()))
        except Exception as exc:  # a change of the model's meaning that _fit cannot bridge
            return [Row(f"tagged against untagged: not measured ({exc})"[:160], 0, "")]
        old_clinic = old.Clinic(**_fit(old.Clinic, CLINIC.model_dump(exclude_none=True)))
        rows = []
        for large in (False, True):
            name = "large-print handout" if large else "PDF handout (Letter)"
            new_options = bc.HandoutOptions(large_print=large)
            old_options = old.HandoutOptions(large_print=large)
            articles = fresh_articles(article)
            for kind in ("repeat", "fresh content"):
                times: dict[str, list[float]] = {"untagged": [], "tagged": []}
                old.render_pdf(old_article, clinic=old_clinic, options=old_options)
                bc.render_pdf(article, clinic=CLINIC, options=new_options)
                for _ in range(runs):
                    new_guide = next(articles) if kind == "fresh content" else article
                    old_guide = (
                        old.Article.model_validate(_fit(old.Article, new_guide.model_dump()))
                        if kind == "fresh content"
                        else old_article
                    )
                    start = time.perf_counter()
                    old.render_pdf(old_guide, clinic=old_clinic, options=old_options)
                    times["untagged"].append(time.perf_counter() - start)
                    start = time.perf_counter()
                    bc.render_pdf(new_guide, clinic=CLINIC, options=new_options)
                    times["tagged"].append(time.perf_counter() - start)
                before = statistics.median(times["untagged"]) * 1000
                after = statistics.median(times["tagged"]) * 1000
                rows.append(
                    Row(
                        f"{name}, {kind}: untagged ({UNTAGGED})",
                        before,
                        "ms",
                        fastest=min(times["untagged"]) * 1000,
                    )
                )
                rows.append(
                    Row(f"{name}, {kind}: tagged", after, "ms", fastest=min(times["tagged"]) * 1000)
                )
                rows.append(
                    Row(f"{name}, {kind}: cost of tagging", (after / before - 1) * 100, "%", 25.0)
                )
        return rows


def import_row() -> Row:
    """Heavy libraries that `import backpain_content` loads: none, so a web app that
    renders HTML never pays for them."""
    code = (
        "import sys, json, backpain_content\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    return Row(
        "heavy libraries loaded by `import backpain_content`",
        len(loaded),
        "modules",
        0,
        ", ".join(loaded) or f"none of {', '.join(HEAVY)}",
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
    for item in rows:
        sign = "≥" if item.at_least else "≤"
        target = f"{sign} {item.target:g} {item.unit}" if item.target is not None else ""
        fastest = f"{item.fastest:.2f} {item.unit}" if item.fastest is not None else ""
        value = f"{item.value:g}" if item.unit == "modules" else f"{item.value:.2f}"
        lines.append(
            f"| {item.name} | {value} {item.unit} | {fastest} | {target} "
            f"| {item.verdict} {item.note} |"
        )
    return "\n".join(lines)


def side_by_side(
    repeats: dict[str, Timing], fresh_runs: dict[str, Timing], peers: list[Row]
) -> str:
    by_name = {p.name: p for p in peers}
    pairs = {
        "standalone HTML page": "pandoc HTML (subprocess, as pypandoc)",
        "PDF handout (Letter)": "WeasyPrint PDF from our page",
        "ePub": "pandoc ePub (subprocess, as pypandoc)",
    }
    lines = [
        "| format | ours, repeat | ours, fresh content | peer | peer's time |",
        "|---|---|---|---|---|",
    ]
    for ours, peer in pairs.items():
        theirs = by_name.get(peer)
        lines.append(
            f"| {ours} | {repeats[ours].median:.2f} ms | {fresh_runs[ours].median:.2f} ms | {peer} | "
            + (f"{theirs.value:.2f} ms |" if theirs else "not measured |")
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=60, help="runs per measurement (default 60)")
    parser.add_argument("--clinics", type=int, default=200, help="clinic files in the batch run")
    parser.add_argument("--write", metavar="FILE", help="also write a Markdown report")
    parser.add_argument(
        "--only", choices=["typst"], help="measure only these rows (and print them; no report)"
    )
    args = parser.parse_args()
    gc.collect()
    if args.only == "typst":
        print(table(typst_rows(args.runs)))
        return 0

    in_process, repeats, fresh_runs = in_process_rows(args.runs)
    wall, peak = cold([*CLI, "export", "--format", "all"], 11)
    pipeline = pipeline_seconds(5)
    cold_note = (
        f"pandoc + WeasyPrint pipeline, cold: {pipeline.median:.2f} s "
        f"({pipeline.median / wall.median:.1f}x ours)"
        if pipeline
        else "pandoc + WeasyPrint pipeline not measured"
    )
    whole = [
        row("cold `export --format all`, wall (median of 11)", wall, "s", 1.0, cold_note),
        Row("cold `export --format all`, peak memory", peak, "MiB", 150.0),
        batch_row(args.clinics, 3),
        import_row(),
        *library_rows(200, 5),
    ]
    if pipeline:
        whole.insert(1, row("cold pandoc + WeasyPrint pipeline (median of 5)", pipeline, "s"))
    growth = growth_rows(args.runs)
    peers = peer_rows(args.runs, repeats, fresh_runs)
    plans = [*plan_rows(args.runs), plans_batch_row(200, 3)]
    scripts = script_rows(args.runs)
    tagging = tagging_rows(args.runs)
    waiting_room = waiting_room_rows(args.runs)
    typst = typst_rows(args.runs)

    sections = [
        ("In-process: repeat (the same guide and clinic again) and fresh content", in_process),
        ("Whole process", whole),
        ("A patient's plan (personalised copies)", plans),
        ("Other scripts (a pseudo-translation made by the tests, US Letter)", scripts),
        ("Tagged PDF (PDF/UA-1) against the untagged handout, taking turns", tagging),
        ("The waiting room: brochure and poster (US Letter, tabloid), warm", waiting_room),
        ("Growth (the guide 10 and 100 times over, every copy's text distinct)", growth),
        ("Peers on the same text, warm", peers),
        ("Against Typst: the handout's text as a tagged PDF, fresh content, taking turns", typst),
    ]
    report = io.StringIO()
    report.write(f"Machine: {machine()}\n")
    for title, rows in sections:
        report.write(f"\n## {title}\n\n{table(rows)}\n")
    report.write(f"\n## Side by side\n\n{side_by_side(repeats, fresh_runs, peers)}\n")
    print(report.getvalue())
    if args.write:
        Path(args.write).write_text(
            "# Performance\n\nMeasured by `make bench` (bench/bench.py); medians of many runs, with\n"
            "the fastest run beside each.\n\n"
            "- **repeat**: the same guide and clinic rendered again, as another page view of a\n"
            "  clinic's site. The handout keeps parsed paragraphs and line breaks, the QR code and\n"
            "  the ePub cover, so a repeat reuses them.\n"
            "- **fresh content**: a guide whose every text differs from anything rendered before\n"
            "  in the process (a new or translated guide): no cache of text can serve it (what\n"
            "  depends only on fonts, styles and the shape of the markup is kept: the fonts'\n"
            "  embedded subsets, the fragments of each shape of paragraph).\n\n"
            "This machine is a virtual one whose speed drifts: the same code has measured twice as\n"
            "slow a few minutes apart, and its two cores slow each other down when both are busy.\n\n"
            + report.getvalue(),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
