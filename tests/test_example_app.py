"""The example clinic site (examples/clinic_site), used as a person and a crowd would use it:
a cold server hit by 200 requests from 50 clients at once, a real browser (Debian's Chromium
through Playwright) checking the page with axe and downloading every file, and the email form
sending to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader

import backpain_content as bc
from needs import ROOT, require_tool
from test_html_validators import AXE_JS, CHROMIUM_ARGS, describe_violations, run_axe

APP = ROOT / "examples" / "clinic_site" / "app.py"
EPOCH = "1764201600"
CLINIC = """name = "North Physio"
location = "Kensington"
phone = "+1 403 555 0100"
email = "front@north.example"
booking_url = "https://north.example/book"
accent_colour = "#8a1c1c"
logo = "logo.png"
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


@pytest.fixture(scope="module")
def inbox() -> Iterator[tuple[_Inbox, int]]:
    handler = _Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def clinic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from PIL import Image

    folder = tmp_path_factory.mktemp("north")
    Image.new("RGB", (300, 100), (138, 28, 28)).save(folder / "logo.png")
    (folder / "clinic.toml").write_text(CLINIC, encoding="utf-8")
    return folder / "clinic.toml"


@pytest.fixture(scope="module")
def site(clinic_file: Path, inbox: tuple[_Inbox, int]) -> Iterator[str]:
    """The site, started cold in its own process (waitress, 16 threads)."""
    port = _free_port()
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "BPC_SMTP_HOST": "127.0.0.1",
           "BPC_SMTP_PORT": str(inbox[1])}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, str(APP), "--clinic", str(clinic_file), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    else:
        server.kill()
        pytest.fail(f"the site did not start: {server.communicate()[1].decode()}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


def _get(url: str) -> tuple[int, Message, bytes]:
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - our own test server
        return response.status, response.headers, response.read()


def test_a_cold_server_answers_200_concurrent_requests_with_the_right_bytes(
    site: str, clinic_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first requests a fresh server ever gets, all at once: every handout and ePub must
    equal a single-threaded render, byte for byte (the race of issue 13 broke bold text)."""
    paths = [
        "/download/pdf", "/download/pdf?paper=a4", "/download/pdf-large",
        "/download/pdf-large?paper=a4", "/download/epub", "/download/html", "/",
    ]  # fmt: skip
    requests = [paths[i % len(paths)] for i in range(200)]
    with ThreadPoolExecutor(max_workers=50) as clients:
        answers = list(clients.map(lambda path: (path, _get(site + path)), requests))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    article = bc.load_article()
    clinic = bc.load_clinic(clinic_file)
    expected = {
        path: bc.render(
            path.split("?")[0].removeprefix("/download/"),
            article,
            clinic=clinic,
            paper="a4" if "a4" in path else "letter",
        )
        for path in paths
        if path.startswith("/download/")
    }
    for path, (status, headers, body) in answers:
        assert status == 200, path
        if path in expected:
            assert body == expected[path].data, f"{path} differs from a single-threaded render"
            assert headers["ETag"] == expected[path].etag
            assert headers["Content-Type"].startswith(expected[path].media_type)
    assert len(answers) == 200


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = require_tool("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.mark.browser
def test_the_page_in_a_browser_has_no_axe_violation_and_no_duplicate_id(
    site: str, browser: Any
) -> None:
    assert AXE_JS.is_file()
    page = browser.new_page()
    try:
        page.goto(site + "/")
        html = page.content()
        ids = page.eval_on_selector_all("[id]", "elements => elements.map(e => e.id)")
        logo = page.eval_on_selector("img.bpc-logo", "img => [img.alt, img.naturalWidth]")
    finally:
        page.close()
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert logo == ["North Physio", 300]
    results = run_axe(browser, html)
    assert not results["violations"], describe_violations(results["violations"])


@pytest.mark.browser
def test_every_download_from_the_browser_is_a_valid_file(
    site: str, browser: Any, tmp_path: Path
) -> None:
    qpdf = require_tool("qpdf")
    page = browser.new_page(accept_downloads=True)
    saved: dict[str, Path] = {}
    try:
        page.goto(site + "/")
        for name in ("html", "pdf", "pdf-large", "epub"):
            with page.expect_download() as info:
                page.click(f'a[href="/download/{name}"]')
            download = info.value
            saved[name] = tmp_path / download.suggested_filename
            download.save_as(saved[name])
    finally:
        page.close()
    assert sorted(p.name for p in saved.values()) == sorted(
        f"dry-needling-back-pain.en-CA{suffix}"
        for suffix in (".html", ".pdf", ".large-print.pdf", ".epub")
    )
    assert saved["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    for name, limit in (("pdf", 2), ("pdf-large", 6)):
        subprocess.run([qpdf, "--check", str(saved[name])], check=True, capture_output=True)
        assert 1 <= len(PdfReader(saved[name]).pages) <= limit
    with zipfile.ZipFile(saved["epub"]) as book:
        assert book.namelist()[0] == "mimetype"
        assert book.read("mimetype") == b"application/epub+zip"
        assert book.testzip() is None


@pytest.mark.browser
def test_the_email_form_sends_the_guide_to_a_real_smtp_server(
    site: str, browser: Any, inbox: tuple[_Inbox, int]
) -> None:
    handler, _ = inbox
    before = len(handler.messages)
    page = browser.new_page()
    try:
        page.goto(site + "/")
        page.fill("#name", "Zoë Łukasz")
        page.fill("#to", "zoe@example.org")
        page.click("button[type=submit]")
        status = page.text_content("[role=status]")
    finally:
        page.close()
    assert status == "The guide is on its way to your inbox."
    assert len(handler.messages) == before + 1
    recipients, raw = handler.messages[-1]
    assert recipients == ["zoe@example.org"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"].addresses[0].display_name == "Zoë Łukasz"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/epub+zip"
    with zipfile.ZipFile(io.BytesIO(attachment.get_content())) as book:
        assert book.read("mimetype") == b"application/epub+zip"
