"""The rendered HTML under real validators: axe-core in Chromium and the Nu HTML checker.

Both the standalone page and the snippet (embedded under a host page's own h1) must come out
clean, and one test per tool feeds it a broken document to prove the check can fail.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import backpain_content as bc
from needs import ROOT, require, require_file, require_tool

if TYPE_CHECKING:
    from playwright.sync_api import Browser

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
NPM_HOW = "run `npm ci` (or `make test`) in the project root"

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Not -XX:TieredStopAtLevel=1: with it (at any -Xss) vnu 26.9.27 on Java 17 dies with
# "StackOverflowError while evaluating HTML schema" before checking anything.
VNU_JAVA_OPTIONS = "-XX:+UseSerialGC"
VNU_TIMEOUT = 180
MAX_NODES = 8

HOST_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Avenue Physio: patient guides</title>
</head>
<body>
<main>
<h1>Patient guides</h1>
{snippet}
</main>
{aside}
</body>
</html>
"""
# Each document breaks one rule its tool is sure to catch.
INVALID_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Invalid</title></head>
<body><main><h1>Invalid</h1><ul><p>A paragraph cannot be a child of a list.</p></ul></main></body>
</html>
"""
INACCESSIBLE_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Inaccessible</title></head>
<body><main><h1>Inaccessible</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10">
</main></body>
</html>
"""


@pytest.fixture(scope="module")
def page_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The standalone page of a clinic with a logo."""
    from PIL import Image

    logo = tmp_path_factory.mktemp("logo") / "logo.png"
    Image.new("RGB", (400, 100), (138, 28, 28)).save(logo)
    clinic = bc.Clinic(name="North Physio", logo=logo, booking_url="https://example.org/book")
    options = bc.HtmlOptions(standalone=True)
    return bc.render_html(bc.load_article(), clinic=clinic, options=options)


@pytest.fixture(scope="module")
def hosted_snippet_html() -> str:
    """Inside a host page with its own main and h1: the whole guide at heading level 2
    without its title, and beside it the home tips as a sidebar, without the footer."""
    article = bc.load_article()
    guide = bc.render_html(article, options=bc.HtmlOptions(heading_level=2, show_title=False))
    # The page's stylesheet comes once, with the guide: a second <style> in the body
    # would have selectors that match the first snippet, which HTML does not allow.
    tips = bc.render_html(
        article,
        options=bc.HtmlOptions(
            sections=("lifestyle",), heading_level=2, show_footer=False, include_style=False
        ),
    )
    return HOST_PAGE.format(
        snippet=guide, aside=f'<aside aria-label="Home tips">\n{tips}\n</aside>'
    )


@pytest.fixture(scope="module")
def portal_html() -> str:
    """A patient portal's page: the patient's plan above the guide, the tips chosen marked."""
    plan = bc.PatientPlan(
        patient="Zoë Łukasz",
        physiotherapist="Amrit Dhillon, physiotherapist",
        sessions=(3, 6),
        next_appointment=datetime.datetime(2026, 12, 3, 9, 30),
        home_tips=("stretch-daily", "change-your-posture-often"),
        note="Walk ten minutes after lunch.",
        made=datetime.date(2026, 11, 27),
    )
    guide = bc.render_html(bc.load_article(), plan=plan, options=bc.HtmlOptions(heading_level=2))
    return HOST_PAGE.format(snippet=guide, aside="")


@pytest.fixture(scope="module")
def language_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The standalone page in French (bundled), Arabic (right to left) and Chinese, the
    last two translated by the tests through `translate apply`."""
    from pseudo import translated

    folder = tmp_path_factory.mktemp("languages")
    guides = {
        "fr-CA": bc.load_bundled("dry-needling-back-pain.fr-CA"),
        "ar": translated("ar", folder),
        "zh-Hans": translated("zh-Hans", folder),
    }
    options = bc.HtmlOptions(standalone=True)
    return {
        language: str(bc.render_html(guide, options=options)) for language, guide in guides.items()
    }


# axe-core in Chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Debian chromium for the whole module."""
    chromium = require_tool("chromium")
    require_file(AXE_JS, NPM_HOW)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright is not installed; pip install -e '.[dev]'")
        raise
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def run_axe(browser: Browser, html: str) -> dict[str, Any]:
    """axe's results for `html`, after checking that axe really ran."""
    page = browser.new_page()
    try:
        page.set_default_timeout(30_000)
        page.set_content(html)
        page.add_script_tag(path=str(AXE_JS))
        results: dict[str, Any] = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
    finally:
        page.close()
    assert results["testEngine"]["name"] == "axe-core", results["testEngine"]
    assert results["passes"], "axe ran no passing rule at all; did axe.min.js load?"
    return results


def shorten(html: str, limit: int = 200) -> str:
    html = " ".join(html.split())
    return html if len(html) <= limit else html[: limit - 3] + "..."


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} axe violation(s):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        nodes = violation["nodes"]
        lines.extend(f"    {n['target']}: {shorten(n['html'])}" for n in nodes[:MAX_NODES])
        if len(nodes) > MAX_NODES:
            lines.append(f"    ... and {len(nodes) - MAX_NODES} more")
    return "\n".join(lines)


@pytest.mark.browser
def test_axe_standalone_page(browser: Browser, page_html: str) -> None:
    results = run_axe(browser, page_html)
    assert not results["violations"], describe_violations(results["violations"])
    # The reason to use a real browser: computed colours are checked against the background.
    assert "color-contrast" in {rule["id"] for rule in results["passes"]}


@pytest.mark.browser
def test_axe_snippet_in_host_page(browser: Browser, hosted_snippet_html: str) -> None:
    results = run_axe(browser, hosted_snippet_html)
    assert not results["violations"], describe_violations(results["violations"])
    assert "heading-order" in {rule["id"] for rule in results["passes"]}


@pytest.mark.browser
def test_axe_patient_portal_with_a_plan(browser: Browser, portal_html: str) -> None:
    results = run_axe(browser, portal_html)
    assert not results["violations"], describe_violations(results["violations"])
    assert "color-contrast" in {rule["id"] for rule in results["passes"]}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["fr-CA", "ar", "zh-Hans"])
def test_axe_page_in_another_language(
    browser: Browser, language_pages: dict[str, str], language: str
) -> None:
    results = run_axe(browser, language_pages[language])
    assert not results["violations"], describe_violations(results["violations"])
    assert "valid-lang" in {rule["id"] for rule in results["passes"]}


@pytest.mark.browser
def test_axe_reports_an_image_without_alt(browser: Browser) -> None:
    results = run_axe(browser, INACCESSIBLE_HTML)
    assert "image-alt" in {rule["id"] for rule in results["violations"]}, describe_violations(
        results["violations"]
    )


# The Nu HTML checker


@pytest.fixture(scope="module")
def vnu_messages(
    tmp_path_factory: pytest.TempPathFactory,
    page_html: str,
    hosted_snippet_html: str,
    portal_html: str,
    language_pages: dict[str, str],
) -> dict[str, list[dict[str, Any]]]:
    """Nu's messages for each document, by file name, from one JVM (starting it takes seconds).

    Messages that name no file (a whole-run failure) are filed under "".
    """
    java = require_tool("java")
    require_file(VNU_JAR, NPM_HOW)
    folder = tmp_path_factory.mktemp("vnu")
    documents = {
        "page.html": page_html,
        "snippet.html": hosted_snippet_html,
        "portal.html": portal_html,
        **{f"page-{language}.html": page for language, page in language_pages.items()},
        "invalid.html": INVALID_HTML,
    }
    paths = []
    for name, html in documents.items():
        path = folder / name
        path.write_text(html, encoding="utf-8")
        paths.append(str(path))
    # JSON goes to stderr unless --stdout; the JVM's "Picked up JAVA_TOOL_OPTIONS" stays there.
    command = [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
    completed = subprocess.run(
        [*command, *paths],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=VNU_TIMEOUT,
        env={**os.environ, "JAVA_TOOL_OPTIONS": VNU_JAVA_OPTIONS},
        check=False,
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"vnu exited {completed.returncode} without a JSON report\n"
            f"stdout: {completed.stdout}\nstderr: {completed.stderr}"
        )
    by_file: dict[str, list[dict[str, Any]]] = {name: [] for name in [*documents, ""]}
    for message in report["messages"]:
        name = Path(message["url"]).name if "url" in message else ""
        by_file.setdefault(name, []).append(message)
    return by_file


def vnu_errors(messages: dict[str, list[dict[str, Any]]], name: str) -> list[dict[str, Any]]:
    failing = {"error", "non-document-error"}
    return [m for m in [*messages[name], *messages[""]] if m["type"] in failing]


def describe_messages(messages: list[dict[str, Any]]) -> str:
    lines = [f"{len(messages)} Nu validator error(s):"]
    for m in messages:
        where = f"line {m['lastLine']}" if "lastLine" in m else m.get("url", "")
        lines.append(f"- {m['type']} at {where}: {m['message']}")
        if "extract" in m:
            lines.append(f"    {m['extract']!r}")
    return "\n".join(lines)


@pytest.mark.java
def test_nu_standalone_page(vnu_messages: dict[str, list[dict[str, Any]]]) -> None:
    errors = vnu_errors(vnu_messages, "page.html")
    assert not errors, describe_messages(errors)


@pytest.mark.java
def test_nu_snippet_in_host_page(vnu_messages: dict[str, list[dict[str, Any]]]) -> None:
    errors = vnu_errors(vnu_messages, "snippet.html")
    assert not errors, describe_messages(errors)


@pytest.mark.java
@pytest.mark.parametrize("language", ["fr-CA", "ar", "zh-Hans"])
def test_nu_page_in_another_language(
    vnu_messages: dict[str, list[dict[str, Any]]], language: str
) -> None:
    errors = vnu_errors(vnu_messages, f"page-{language}.html")
    assert not errors, describe_messages(errors)


@pytest.mark.java
def test_nu_patient_portal_with_a_plan(vnu_messages: dict[str, list[dict[str, Any]]]) -> None:
    errors = vnu_errors(vnu_messages, "portal.html")
    assert not errors, describe_messages(errors)


@pytest.mark.java
def test_nu_reports_a_paragraph_inside_a_list(
    vnu_messages: dict[str, list[dict[str, Any]]],
) -> None:
    errors = vnu_errors(vnu_messages, "invalid.html")
    assert any("not allowed as child of element “ul”" in m["message"] for m in errors), (
        describe_messages(errors)
    )


@pytest.mark.browser
def test_axe_library_index_and_linked_pages(browser: Browser) -> None:
    """A library's index page, and a guide's page with its language versions and related
    guides linked, have no accessibility violations."""
    from backpain_content.library import Library
    from backpain_content.renderers.index import render_index

    library = Library.bundled()
    files = {(a.id, a.language): {"html": f"{a.id}.{a.language}.html"} for a in library}
    index = render_index(library, files).decode("utf-8")
    results = run_axe(browser, index)
    assert not results["violations"], describe_violations(results["violations"])
    article = library.get("exercise-low-back-pain", "en-CA")
    links = library.links(article, "{id}.{language}.html")
    assert links.versions
    assert links.related
    page = str(bc.render_html(article, options=bc.HtmlOptions(standalone=True, links=links)))
    results = run_axe(browser, page)
    assert not results["violations"], describe_violations(results["violations"])
