"""Every render is safe from many threads at once, from the very first call in a process.

A fresh interpreter releases many threads at the same moment, behind a barrier, over a mix
of handouts, HTML and ePubs; every output made during that burst, and again after it, must
equal what one thread alone makes in another fresh process. The race this guards against
showed in about a third of cold starts, so the burst is repeated in several processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

THREADS = 48
PROCESSES = 6

_JOBS = """
import hashlib, io, json, sys, threading
from pathlib import Path
import backpain_content as bc

folder = Path(sys.argv[1])
article = bc.load_article()
arabic = bc.load_article(folder / "ar.toml")
clinics = {
    "default": None,
    "branded": bc.Clinic(
        name="North Physio", location="Kensington", phone="+1 403 555 0100",
        booking_url="https://example.org/book", accent_colour="#8a1c1c",
        logo=folder / "logo.png",
    ),
    "web": bc.Clinic(name="Web Physio", website="https://example.org/", accent_colour="#2f5d2f"),
}
JOBS = []
for clinic in clinics:
    for paper in ("letter", "a4"):
        for large in (False, True):
            JOBS.append(("pdf", clinic, paper, large))
    JOBS.append(("html", clinic, "", False))
    JOBS.append(("page", clinic, "", False))
    JOBS.append(("epub", clinic, "", False))
    JOBS.append(("arabic", clinic, "letter", False))
    JOBS.append(("brochure", clinic, "letter", False))
    JOBS.append(("poster", clinic, "a4", False))


def render(job):
    kind, clinic, paper, large = job
    clinic = clinics[clinic]
    if kind == "pdf":
        options = bc.HandoutOptions(paper=paper, large_print=large)
        data = bc.render_pdf(article, clinic=clinic, options=options)
    elif kind == "html":
        data = bc.render_html(article, clinic=clinic).encode()
    elif kind == "page":
        data = bc.render_html(article, clinic=clinic, options=bc.HtmlOptions(standalone=True)).encode()
    elif kind == "arabic":
        data = bc.render_pdf(arabic, clinic=clinic)
    elif kind == "brochure":
        data = bc.render_brochure(article, clinic=clinic, paper=paper)
    elif kind == "poster":
        data = bc.render_poster(article, clinic=clinic, paper=paper)
    else:
        data = bc.render_epub(article, clinic=clinic)
    return hashlib.sha256(data).hexdigest()
"""

_BURST = (
    _JOBS
    + """
count = int(sys.argv[2])
barrier = threading.Barrier(count)
burst = {}
errors = []

def work(index):
    job = JOBS[index % len(JOBS)]
    barrier.wait()
    try:
        burst[index] = [list(job), render(job)]
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")

threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
after = [[list(job), render(job)] for job in JOBS]
print(json.dumps({"burst": list(burst.values()), "after": after, "errors": errors}))
"""
)

_ALONE = (
    _JOBS
    + """
print(json.dumps([[list(job), render(job)] for job in JOBS]))
"""
)


def _run(script: str, *args: str) -> object:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1764201600"}
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from PIL import Image

    from pseudo import translated
    from tomlwriter import dumps

    folder = tmp_path_factory.mktemp("threads")
    Image.new("RGB", (120, 40), (138, 28, 28)).save(folder / "logo.png")
    # An Arabic guide: its words are shaped and laid out one by one, their layouts shared.
    (folder / "po").mkdir()
    arabic = translated("ar", folder / "po")
    data = arabic.model_dump(mode="json", exclude_none=True)
    (folder / "ar.toml").write_text(dumps(data), encoding="utf-8")
    return folder


def test_a_burst_of_first_renders_from_many_threads_matches_one_thread(folder: Path) -> None:
    expected = {json.dumps(job): digest for job, digest in _run(_ALONE, str(folder))}  # type: ignore[union-attr]
    assert len(expected) == 30  # 3 clinics x (4 handouts, Arabic, 2 HTML, ePub, brochure, poster)
    for attempt in range(PROCESSES):
        outcome = _run(_BURST, str(folder), str(THREADS))
        assert isinstance(outcome, dict)
        assert outcome["errors"] == [], (attempt, outcome["errors"])
        assert len(outcome["burst"]) == THREADS
        wrong = [
            (phase, job)
            for phase in ("burst", "after")
            for job, digest in outcome[phase]
            if expected[json.dumps(job)] != digest
        ]
        assert wrong == [], f"process {attempt}: outputs differ from one thread's: {wrong}"
