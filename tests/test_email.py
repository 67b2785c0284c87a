"""The guide email: built correctly, refused when unsafe, and sent to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import email
import socket
import ssl
import subprocess
import threading
import time
import unicodedata
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import backpain_content as bc
from command import run_cli
from hostile import with_text
from htmltools import parse, skeleton, urls, visible_text

PASSWORD = "s3cret-Pa55word"  # noqa: S105 - the test server's password


class Inbox:
    """An aiosmtpd handler that keeps what it receives and can refuse a recipient."""

    def __init__(self, refuse: str | None = None) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse = refuse

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == b"clinic"
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="module")
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


def _serve(inbox: Inbox, **kwargs: Any) -> Iterator[int]:
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def plain_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox(refuse="nobody@example.org")
    for port in _serve(inbox):
        yield inbox, port


@pytest.fixture
def starttls_server(server_tls: ssl.SSLContext) -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    for port in _serve(
        inbox,
        tls_context=server_tls,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    ):
        yield inbox, port


@pytest.fixture
def tls_server(server_tls: ssl.SSLContext) -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    for port in _serve(inbox, ssl_context=server_tls):
        yield inbox, port


@pytest.fixture(scope="module")
def clinic() -> bc.Clinic:
    return bc.Clinic(
        name="Avenue Physio",
        location="Calgary Downtown",
        phone="+1 555 010 0000",
        email="front@example.org",
        booking_url="https://example.org/book",
    )


@pytest.fixture(scope="module")
def epub(article: bc.Article, clinic: bc.Clinic) -> bytes:
    return bc.render_epub(article, clinic=clinic)


def _message(article: bc.Article, clinic: bc.Clinic, epub: bytes, **kwargs: Any) -> EmailMessage:
    fields = {"to": "patient@example.org", "sender": "front@example.org", "patient_name": "Zoë"}
    return bc.build_guide_email(article, clinic=clinic, epub=epub, **{**fields, **kwargs})


def _received(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def _check_delivered(raw: bytes, epub: bytes, article: bc.Article) -> None:
    message = _received(raw)
    assert message["To"] == "Zoë <patient@example.org>"
    assert message["From"] == "Avenue Physio <front@example.org>"
    assert message["Subject"] == f"Your guide from Avenue Physio: {article.title}"
    assert message["Cc"] is None
    assert message["Bcc"] is None
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/epub+zip"
    assert attachment.get_filename() == "dry-needling-back-pain.epub"
    assert attachment.get_content() == epub
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None
    assert html is not None
    assert "Hello Zoë," in plain.get_content()
    assert "Hello Zoë," in visible_text(html.get_content())


# Sending to a real server


def test_sends_over_plain_smtp_to_a_local_relay(
    plain_server: tuple[Inbox, int], article: bc.Article, clinic: bc.Clinic, epub: bytes
) -> None:
    inbox, port = plain_server
    bc.send_email(
        _message(article, clinic, epub),
        bc.SmtpSettings(host="127.0.0.1", port=port, security="none"),
    )
    [(sender, recipients, raw)] = inbox.messages
    assert sender == "front@example.org"
    assert recipients == ["patient@example.org"]
    _check_delivered(raw, epub, article)


def test_attachment_is_byte_identical_to_render_epub(
    plain_server: tuple[Inbox, int], article: bc.Article, clinic: bc.Clinic
) -> None:
    inbox, port = plain_server
    message = bc.build_guide_email(
        article, to="patient@example.org", sender="front@example.org", clinic=clinic
    )
    bc.send_email(message, bc.SmtpSettings(host="127.0.0.1", port=port, security="none"))
    [attachment] = list(_received(inbox.messages[0][2]).iter_attachments())
    assert attachment.get_content() == bc.render_epub(article, clinic=clinic)


def test_sends_with_starttls_and_login(
    starttls_server: tuple[Inbox, int],
    ca_file: Path,
    article: bc.Article,
    clinic: bc.Clinic,
    epub: bytes,
) -> None:
    inbox, port = starttls_server
    settings = bc.SmtpSettings(
        host="127.0.0.1", port=port, user="clinic", password=PASSWORD, ca_file=ca_file
    )
    bc.send_email(_message(article, clinic, epub), settings)
    [(_, _, raw)] = inbox.messages
    _check_delivered(raw, epub, article)


def test_sends_with_implicit_tls(
    tls_server: tuple[Inbox, int],
    ca_file: Path,
    article: bc.Article,
    clinic: bc.Clinic,
    epub: bytes,
) -> None:
    inbox, port = tls_server
    settings = bc.SmtpSettings(host="127.0.0.1", port=port, security="tls", ca_file=ca_file)
    bc.send_email(_message(article, clinic, epub), settings)
    _check_delivered(inbox.messages[0][2], epub, article)


def _refusal(message: EmailMessage, settings: bc.SmtpSettings) -> str:
    with pytest.raises(bc.ContentError) as caught:
        bc.send_email(message, settings)
    text = str(caught.value)
    assert text.startswith(f"{settings.server}: ")
    assert "\n" not in text
    assert PASSWORD not in text
    return text


def test_refused_login_names_server_and_reply_not_password(
    starttls_server: tuple[Inbox, int],
    ca_file: Path,
    article: bc.Article,
    clinic: bc.Clinic,
    epub: bytes,
) -> None:
    inbox, port = starttls_server
    settings = bc.SmtpSettings(
        host="127.0.0.1", port=port, user="clinic", password=PASSWORD + "x", ca_file=ca_file
    )
    text = _refusal(_message(article, clinic, epub), settings)
    assert "refused the login for clinic (reply code 535;" in text
    assert PASSWORD + "x" not in text
    assert inbox.messages == []


def test_login_required_but_not_given(
    starttls_server: tuple[Inbox, int],
    ca_file: Path,
    article: bc.Article,
    clinic: bc.Clinic,
    epub: bytes,
) -> None:
    _, port = starttls_server
    text = _refusal(
        _message(article, clinic, epub),
        bc.SmtpSettings(host="127.0.0.1", port=port, ca_file=ca_file),
    )
    assert "530" in text


def test_untrusted_certificate_is_refused(
    starttls_server: tuple[Inbox, int], article: bc.Article, clinic: bc.Clinic, epub: bytes
) -> None:
    _, port = starttls_server
    settings = bc.SmtpSettings(host="127.0.0.1", port=port, user="clinic", password=PASSWORD)
    assert "TLS failed" in _refusal(_message(article, clinic, epub), settings)


def test_refused_recipient_is_named(
    plain_server: tuple[Inbox, int], article: bc.Article, clinic: bc.Clinic, epub: bytes
) -> None:
    inbox, port = plain_server
    message = _message(article, clinic, epub, to="nobody@example.org")
    text = _refusal(message, bc.SmtpSettings(host="127.0.0.1", port=port, security="none"))
    assert "refused the recipient (nobody@example.org: 550 5.1.1 No such mailbox here)" in text
    assert inbox.messages == []


def test_server_gone(article: bc.Article, clinic: bc.Clinic, epub: bytes) -> None:
    settings = bc.SmtpSettings(host="127.0.0.1", port=_free_port(), security="none", timeout=5)
    assert "refused the connection" in _refusal(_message(article, clinic, epub), settings)


def test_server_that_never_answers_times_out(
    article: bc.Article, clinic: bc.Clinic, epub: bytes
) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        settings = bc.SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=0.5)
        assert "did not finish within 0.5 seconds" in _refusal(
            _message(article, clinic, epub), settings
        )


# Building the message safely


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("to", "patient@example.org\r\nBcc: everyone@example.org", "not an email address"),
        ("to", "patient@example.org, other@example.org", "not an email address"),
        ("to", "Patient <patient@example.org>", "not an email address"),
        ("sender", "front@example.org\nSubject: spam", "not an email address"),
        ("patient_name", "Zoë\r\nBcc: everyone@example.org", "control character U\\+000D"),
        ("patient_name", "Zoë\nBcc: everyone@example.org", "single line"),
        ("patient_name", "Zoë\u202eevil", "bidi control"),
        ("patient_name", "Zo\x00ë", "control character"),
    ],
)
def test_header_injection_is_refused(
    article: bc.Article, clinic: bc.Clinic, epub: bytes, field: str, value: str, problem: str
) -> None:
    with pytest.raises(bc.ContentError, match=problem):
        _message(article, clinic, epub, **{field: value})


@pytest.mark.parametrize("name", ["Zoë", "Łukasz", "王小明", 'O"Brien, Jr.'])
def test_non_ascii_and_quoted_names_are_encoded(
    article: bc.Article, clinic: bc.Clinic, epub: bytes, name: str
) -> None:
    raw = _message(article, clinic, epub, patient_name=name).as_bytes()
    assert max(raw.split(b"\n\n", 1)[0]) < 128  # headers are 7-bit on the wire
    message = _received(raw)
    assert message["To"].addresses[0].display_name == name
    assert message["To"].addresses[0].addr_spec == "patient@example.org"


def test_each_message_carries_one_patient_only(
    article: bc.Article, clinic: bc.Clinic, epub: bytes
) -> None:
    first = _message(article, clinic, epub, to="one@example.org", patient_name="Ann")
    second = _message(article, clinic, epub, to="two@example.org", patient_name="Bob")

    def everything_but_the_attachment(message: EmailMessage) -> str:
        parts = [message.get_body((kind,)).get_content() for kind in ("plain", "html")]  # type: ignore[union-attr]
        return "\n".join([*(f"{k}: {v}" for k, v in message.items()), *parts])

    assert "two@example.org" not in everything_but_the_attachment(first)
    assert "Bob" not in everything_but_the_attachment(first)
    assert "one@example.org" not in everything_but_the_attachment(second)
    assert "Ann" not in everything_but_the_attachment(second)
    assert (
        next(iter(first.iter_attachments())).get_content()
        == next(iter(second.iter_attachments())).get_content()
    )


def test_html_body_has_inline_styles_and_no_script(
    article: bc.Article, clinic: bc.Clinic, epub: bytes
) -> None:
    html = _message(article, clinic, epub).get_body(("html",)).get_content()  # type: ignore[union-attr]
    document = parse(html)
    assert document.findall(".//script") == []
    assert document.findall(".//style") == []
    assert document.find("body").get("style")  # type: ignore[union-attr]
    text = visible_text(html)
    for words in ("iPhone", "Android", "Computer", "Book an appointment", "+1 555 010 0000"):
        assert words in text
    # The part on side effects lists its sources with their links, then the clinic's.
    assert urls(html) == [
        *(reference.url for reference in article.references),
        "tel:+15550100000",
        "mailto:front@example.org",
        "https://example.org/book",
    ]
    assert all(url.startswith("https://") for url in urls(html)[: len(article.references)])
    assert bc.labels_for("en").disclaimer in text
    assert f"Version {article.provenance.version}" in text
    assert article.safety.urgent_signs.heading in text
    for item in article.safety.urgent_signs.items:
        assert item.summary in text


@pytest.mark.parametrize(
    "hostile", ['<script>alert(1)</script> "><img src=x onerror=alert(1)>', "&amp; {{ 7*7 }} 'q'"]
)
def test_hostile_text_in_the_html_body_stays_text(
    article: bc.Article, hostile: str, epub: bytes
) -> None:
    hostile_article, hostile_clinic = with_text(article, hostile)
    plain_article, plain_clinic = with_text(article, "Plain")

    def body(a: bc.Article, c: bc.Clinic, name: str) -> str:
        message = bc.build_guide_email(
            a, to="p@example.org", sender="f@example.org", clinic=c, patient_name=name, epub=epub
        )
        return message.get_body(("html",)).get_content()  # type: ignore[union-attr]

    bad = body(hostile_article, hostile_clinic, hostile)
    good = body(plain_article, plain_clinic, "Plain")
    assert skeleton(bad) == skeleton(good)
    assert urls(bad) == urls(good)
    assert visible_text(bad).count(hostile) >= visible_text(good).count("Plain") >= 3
    subject = bc.build_guide_email(
        hostile_article,
        to="p@example.org",
        sender="f@example.org",
        clinic=hostile_clinic,
        epub=epub,
    )["Subject"]
    assert hostile in subject


# The command line


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("email", *args, env=env, timeout=120)


def test_cli_writes_a_reproducible_eml_and_sends_nothing(tmp_path: Path) -> None:
    epoch = {"SOURCE_DATE_EPOCH": "1700000000"}
    args = ("--to", "patient@example.org", "--from", "front@example.org", "--name", "Zoë")
    first = _cli(*args, "--eml", str(tmp_path / "a.eml"), env=epoch)
    second = _cli(*args, "--eml", str(tmp_path / "b.eml"), env=epoch)
    assert first.returncode == second.returncode == 0, first.stderr
    data = (tmp_path / "a.eml").read_bytes()
    assert data == (tmp_path / "b.eml").read_bytes()
    message = _received(data)
    assert message["Date"] == "Tue, 14 Nov 2023 22:13:20 +0000"
    assert [a.get_filename() for a in message.iter_attachments()] == ["dry-needling-back-pain.epub"]


def test_cli_sends_with_the_password_from_the_environment(
    starttls_server: tuple[Inbox, int], tmp_path: Path, ca_file: Path
) -> None:
    inbox, port = starttls_server
    clinic = tmp_path / "clinic.toml"
    clinic.write_text('name = "Avenue Physio"\nemail = "front@example.org"\n', encoding="utf-8")
    # The CA is passed the way Python's ssl module reads it, as a client would configure it.
    env = {"BACKPAIN_SMTP_PASSWORD": PASSWORD, "SSL_CERT_FILE": str(ca_file)}
    result = _cli(
        "--to", "patient@example.org", "--clinic", str(clinic),
        "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-user", "clinic",
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The patient's address is not repeated: the command's output may go to a log.
    assert result.stdout.strip() == f"sent through 127.0.0.1:{port}"
    assert len(inbox.messages) == 1


def test_cli_refused_login_is_one_line_without_the_password(
    starttls_server: tuple[Inbox, int], tmp_path: Path, ca_file: Path
) -> None:
    _, port = starttls_server
    secret = tmp_path / "password"
    secret.write_text("wrong-" + PASSWORD + "\n", encoding="utf-8")
    result = _cli(
        "--to", "patient@example.org", "--from", "front@example.org",
        "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-user", "clinic",
        "--smtp-password-file", str(secret),
        env={"SSL_CERT_FILE": str(ca_file)},
    )  # fmt: skip
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(
        f"backpain-content: error: 127.0.0.1:{port}: refused the login for clinic (reply code 535;"
    )
    assert PASSWORD not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--to", "patient@example.org"], "from: give --from"),
        (
            ["--to", "patient@example.org", "--from", "front@example.org"],
            "smtp-host: give --smtp-host",
        ),
        (
            ["--to", "bad\nBcc: x@example.org", "--from", "front@example.org", "--eml", "x.eml"],
            "to: ",
        ),
        (
            ["--to", "patient@example.org", "--from", "front@example.org", "--smtp-host", "a b"],
            "smtp-host",
        ),
    ],
)
def test_cli_bad_input_is_one_line(args: list[str], expected: str, tmp_path: Path) -> None:
    result = run_cli("email", *args, cwd=tmp_path, timeout=120)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert expected in line
    assert list(tmp_path.iterdir()) == []


# Headers that round-trip: no name can become structure (RFC 2047 encoded-words)

_ENCODED_WORD_ATTACKS = [
    "=?utf-8?q?Pat=0D=0ABcc:_evil@evil.example?=",  # decodes to a line break and a Bcc
    "=?utf-8?b?ZXZpbEBldmlsLmV4YW1wbGU=?=",  # decodes to another address
    "=?utf-8?q?Pat?= <evil@evil.example>",
    "Pat =?iso-8859-1?q?=0A?= Smith",
    "=?utf-8?Q?a?==?utf-8?Q?b?=",
]


def _headers_of(message: EmailMessage) -> EmailMessage:
    return _received(message.as_bytes())


def _meant(text: str) -> str:
    """A name as the message should carry it: composed, its spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.mark.parametrize("name", _ENCODED_WORD_ATTACKS)
def test_encoded_word_names_round_trip_literally(
    article: bc.Article, epub: bytes, name: str
) -> None:
    clinic = bc.Clinic(name=name, email="front@example.org")
    parsed = _headers_of(_message(article, clinic, epub, patient_name=name))
    assert [(a.display_name, a.addr_spec) for a in parsed["To"].addresses] == [
        (_meant(name), "patient@example.org")
    ]
    assert [(a.display_name, a.addr_spec) for a in parsed["From"].addresses] == [
        (_meant(name), "front@example.org")
    ]
    assert str(parsed["Subject"]) == f"Your guide from {name}: {article.title}"
    assert parsed["Bcc"] is None
    assert parsed["Cc"] is None
    assert sorted(parsed.keys()) == sorted(
        [
            "Subject",
            "From",
            "To",
            "Date",
            "Message-ID",
            "MIME-Version",
            "Content-Type",
            "Content-Language",
        ]
    )


def test_cli_eml_with_an_encoded_word_name_has_no_extra_header(tmp_path: Path) -> None:
    """The reproduction from the issue, through the command line and a clinic file."""
    clinic = tmp_path / "clinic.toml"
    clinic.write_text('name = "=?utf-8?q?Clinic=0D=0ABcc:_evil2@evil.example?="\n')
    name = "=?utf-8?q?Pat=0D=0ABcc:_evil@evil.example?="
    eml = tmp_path / "m.eml"
    result = run_cli(
        "email", "--from", "front@clinic.example", "--to", "pat@example.org",
        "--eml", str(eml), "--name", name, "--clinic", str(clinic),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    raw = eml.read_bytes()
    assert b"\nBcc:" not in raw
    assert b"\r\nBcc:" not in raw
    parsed = _received(raw)
    assert parsed["Bcc"] is None
    assert [a.addr_spec for a in parsed["To"].addresses] == ["pat@example.org"]
    assert [a.addr_spec for a in parsed["From"].addresses] == ["front@clinic.example"]
    assert parsed["To"].addresses[0].display_name == name


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(st.characters(codec="utf-8"), min_size=1, max_size=200),
    as_clinic=st.booleans(),
)
def test_any_name_round_trips_or_is_refused_in_one_line(
    article: bc.Article, epub: bytes, name: str, as_clinic: bool
) -> None:
    """For any patient or clinic name: parsing the message we wrote gives back exactly the
    recipient, the sender and the subject we meant, or the name is refused on one line."""
    try:
        clinic = bc.Clinic(name=name) if as_clinic else bc.default_clinic(article)
        message = _message(article, clinic, epub, patient_name=name)
    except bc.ContentError as error:
        assert "\n" not in str(error)
        return
    except ValueError:  # the model refuses it (a control character, a line break)
        return
    parsed = _headers_of(message)
    assert [(a.display_name, a.addr_spec) for a in parsed["To"].addresses] == [
        (_meant(name), "patient@example.org")
    ]
    assert [(a.display_name, a.addr_spec) for a in parsed["From"].addresses] == [
        (_meant(clinic.name), "front@example.org")
    ]
    assert str(parsed["Subject"]) == f"Your guide from {clinic.name}: {article.title}"
    assert len(parsed.keys()) == 8  # with Content-Language


# Passwords


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_login_without_tls_is_refused_unless_allowed(
    article: bc.Article, clinic: bc.Clinic, epub: bytes
) -> None:
    inbox = Inbox()
    for port in _serve(
        inbox, authenticator=_authenticator, auth_require_tls=False, auth_required=True
    ):
        settings = bc.SmtpSettings(
            host="127.0.0.1", port=port, security="none", user="clinic", password=PASSWORD
        )
        text = _refusal(_message(article, clinic, epub), settings)
        assert "will not log in without TLS" in text
        assert inbox.messages == []
        allowed = settings.model_copy(update={"allow_plaintext_auth": True})
        bc.send_email(_message(article, clinic, epub), allowed)
        assert len(inbox.messages) == 1


def test_cli_refuses_plain_text_login_and_names_the_option(tmp_path: Path) -> None:
    with socket.socket() as listener:  # nothing may connect
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.2)
        port = listener.getsockname()[1]
        result = run_cli(
            "email", "--from", "front@example.org", "--to", "p@example.org",
            "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none",
            "--smtp-user", "clinic", env={"BACKPAIN_SMTP_PASSWORD": PASSWORD},
        )  # fmt: skip
        assert result.returncode == 2
        [line] = result.stderr.splitlines()
        assert "will not log in without TLS" in line
        with pytest.raises(TimeoutError):
            listener.accept()


class _ScriptedServer:
    """A misbehaving SMTP server on 127.0.0.1: it answers each line from a script."""

    def __init__(self, greeting: list[bytes], delay: float = 0.0, auth_reply: bytes = b"") -> None:
        self.greeting, self.delay, self.auth_reply = greeting, delay, auth_reply
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(10)
        try:
            connection, _ = self.listener.accept()
        except OSError:
            return
        with connection:
            try:
                for line in self.greeting:
                    if self.stop.wait(self.delay):
                        return
                    connection.sendall(line)
                stream = connection.makefile("rb")
                for request in stream:
                    verb = request.split()[0].upper() if request.split() else b""
                    if verb == b"EHLO":
                        connection.sendall(b"250-test\r\n250 AUTH PLAIN LOGIN\r\n")
                    elif verb == b"AUTH":
                        connection.sendall(self.auth_reply.replace(b"{line}", request.strip()))
                    elif verb == b"QUIT":
                        connection.sendall(b"221 bye\r\n")
                        return
                    else:
                        connection.sendall(b"250 ok\r\n")
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.listener.close()
        self.thread.join(5)


def test_a_server_echoing_the_auth_line_never_shows_the_credentials(
    article: bc.Article, clinic: bc.Clinic, epub: bytes
) -> None:
    server = _ScriptedServer([b"220 test ESMTP\r\n"], auth_reply=b"535 5.7.8 {line} rejected\r\n")
    try:
        settings = bc.SmtpSettings(
            host="127.0.0.1", port=server.port, security="none", user="clinic",
            password=PASSWORD, allow_plaintext_auth=True, timeout=5,
        )  # fmt: skip
        text = _refusal(_message(article, clinic, epub), settings)
    finally:
        server.close()
    credentials = base64.b64encode(f"\0clinic\0{PASSWORD}".encode()).decode()
    assert "refused the login for clinic (reply code 535" in text
    assert credentials not in text
    assert credentials[:12] not in text
    assert "AUTH" not in text


def test_a_slow_greeting_cannot_outlast_the_timeout(
    article: bc.Article, clinic: bc.Clinic, epub: bytes
) -> None:
    """One line of a multi-line greeting every 0.4 s: each read is quick, the whole is not."""
    server = _ScriptedServer([b"220-still greeting\r\n"] * 100, delay=0.4)
    try:
        settings = bc.SmtpSettings(host="127.0.0.1", port=server.port, security="none", timeout=2)
        start = time.monotonic()
        text = _refusal(_message(article, clinic, epub), settings)
        took = time.monotonic() - start
    finally:
        server.close()
    assert "did not finish within 2 seconds" in text
    assert took < 4


UNICODE_PASSWORD = "pässwörd-Größe-日本"  # noqa: S105 - a test server's


def _unicode_authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == "clinic-ä".encode()
        and auth_data.password == UNICODE_PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_a_password_beyond_ascii_logs_in_as_utf8(
    server_tls: ssl.SSLContext,
    ca_file: Path,
    article: bc.Article,
    clinic: bc.Clinic,
    epub: bytes,
    mechanism: str,
) -> None:
    """smtplib's login sends only ASCII ("internal error: UnicodeEncodeError ... '\\xe4' in
    position 11", which tells a log reader a character of the password and where it is):
    AUTH PLAIN and LOGIN carry the UTF-8 bytes instead."""
    inbox = Inbox()
    others = [m for m in ("PLAIN", "LOGIN") if m != mechanism]
    for port in _serve(
        inbox,
        tls_context=server_tls,
        require_starttls=True,
        authenticator=_unicode_authenticator,
        auth_required=True,
        auth_exclude_mechanism=others,
    ):
        settings = bc.SmtpSettings(
            host="127.0.0.1", port=port, user="clinic-ä", password=UNICODE_PASSWORD, ca_file=ca_file
        )
        bc.send_email(_message(article, clinic, epub), settings)
        [(_, _, raw)] = inbox.messages
        _check_delivered(raw, epub, article)
        wrong = bc.SmtpSettings(
            host="127.0.0.1",
            port=port,
            user="clinic-ä",
            password=UNICODE_PASSWORD + "x",
            ca_file=ca_file,
        )
        with pytest.raises(bc.ContentError) as caught:
            bc.send_email(_message(article, clinic, epub), wrong)
        text = str(caught.value)
        assert "refused the login for clinic-ä (reply code 535;" in text
        assert "ä" not in text.replace("clinic-ä", "")
        assert "position" not in text
