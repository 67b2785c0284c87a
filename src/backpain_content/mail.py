"""Emailing the ePub guide to a patient: building the message and sending it over SMTP."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, TypeAdapter, ValidationError

from .errors import ContentError
from .labels import labels_for
from .model import Article, Clinic, Email, Line, default_clinic
from .renderers._dates import source_date
from .renderers._templates import environment
from .renderers.html import clinic_phrase, contact_lines

__all__ = ["SmtpSettings", "build_guide_email", "send_email"]

log = logging.getLogger(__name__)

_ADDRESS: TypeAdapter[str] = TypeAdapter(Email)
_NAME: TypeAdapter[str] = TypeAdapter(Line)


class SmtpSettings(BaseModel):
    """How to reach the clinic's own mail server."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9.:\[\]-]+$")]
    """The server's host name or address."""
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    """The server's port: 587 for STARTTLS, 465 for implicit TLS."""
    security: Literal["starttls", "tls", "none"] = "starttls"
    """STARTTLS after connecting, TLS from the start, or none (a local relay only)."""
    user: str | None = None
    """User name to log in with; no login when empty."""
    password: SecretStr | None = None
    """Password to log in with; never printed or logged."""
    timeout: Annotated[float, Field(gt=0, le=300)] = 30.0
    """Seconds to wait for the server at each step."""
    ca_file: Path | None = None
    """Certificate authority to trust instead of the system's (for a private server)."""

    @property
    def server(self) -> str:
        """`host:port`, as error messages name the server."""
        return f"{self.host}:{self.port}"


def _address(value: str, field: str) -> Address:
    try:
        checked = _ADDRESS.validate_python(value)
    except ValidationError:
        raise ContentError(None, field, f"{value!r} is not an email address") from None
    username, domain = checked.rsplit("@", 1)
    return Address(username=username, domain=domain)


def _name(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    try:
        return _NAME.validate_python(value)
    except ValidationError as exc:
        problem = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise ContentError(None, field, problem) from None


def build_guide_email(
    article: Article,
    *,
    to: str,
    sender: str,
    clinic: Clinic | None = None,
    patient_name: str | None = None,
    epub: bytes | None = None,
) -> EmailMessage:
    """A message to one patient with the ePub guide attached, plain text and HTML bodies.

    Addresses and names are checked: a line break or other header injection is refused
    with `ContentError`. `epub` defaults to `render_epub(article, clinic=clinic)`.
    """
    clinic = clinic or default_clinic(article)
    name = _name(patient_name, "name")
    recipient = _address(to, "to")
    from_address = _address(sender, "from")
    labels = labels_for(article.language)
    phrase = clinic_phrase(clinic, labels)
    if epub is None:
        from .renderers.epub import render_epub

        epub = render_epub(article, clinic=clinic)

    subject = labels.email_subject.format(clinic=clinic.name, title=article.title)
    contact = contact_lines(clinic, labels)
    context = {
        "article": article,
        "clinic": clinic,
        "labels": labels,
        "subject": subject,
        "clinic_phrase": phrase,
        "contact": contact,
        "text_contact": [
            f"{line.label}{labels.term_separator} {line.text}"
            if line.label
            else f"{line.text}: {line.href}"
            for line in contact
        ],
        "greeting": labels.email_greeting_named.format(name=name)
        if name
        else labels.email_greeting,
        "intro": labels.email_intro.format(title=article.title, clinic=phrase),
    }
    env = environment()
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject
    message["From"] = Address(
        display_name=clinic.name, username=from_address.username, domain=from_address.domain
    )
    message["To"] = Address(
        display_name=name or "", username=recipient.username, domain=recipient.domain
    )
    # Date and Message-ID come from SOURCE_DATE_EPOCH when it is set, so a saved .eml
    # can be reproduced byte for byte; otherwise a real message gets real ones.
    reproducible = bool(os.environ.get("SOURCE_DATE_EPOCH", "").strip())
    when = source_date(article) if reproducible else datetime.datetime.now(datetime.UTC)
    message["Date"] = format_datetime(when)
    if reproducible:
        digest = hashlib.sha256(epub + str(recipient).encode("utf-8")).hexdigest()[:32]
        message["Message-ID"] = f"<{digest}@{from_address.domain}>"
    else:
        message["Message-ID"] = make_msgid(domain=from_address.domain)
    message["MIME-Version"] = "1.0"
    text = env.get_template("email/body.txt.jinja").render(**context)
    html = env.get_template("email/body.html.jinja").render(**context)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message.add_attachment(
        epub, maintype="application", subtype="epub+zip", filename=f"{article.id}.epub"
    )
    # Boundaries from the content rather than random ones, so the same message gives the
    # same bytes; "=_" cannot occur in quoted-printable or base64 text.
    digest = hashlib.sha256(
        b"\0".join(
            [*(str(v).encode() for v in message.values()), text.encode(), html.encode(), epub]
        )
    ).hexdigest()[:24]
    message.set_boundary(f"=_bpc_mixed_{digest}")
    for part in message.iter_parts():
        if part.is_multipart():
            part.set_boundary(f"=_bpc_alt_{digest}")
    return message


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}"


def send_email(message: EmailMessage, settings: SmtpSettings) -> None:
    """Send `message` through the clinic's mail server, once; no silent retries.

    A refused login or recipient, an unreachable server or a timeout raises
    `ContentError` naming the server and what it said. The password is never shown.
    """
    # Imported here: only sending needs them, and they cost a clinic app's start-up time.
    import smtplib
    import socket
    import ssl

    server = settings.server
    if settings.user and settings.password is None:
        raise ContentError(server, None, f"a password is needed to log in as {settings.user}")
    context = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
    log.info("sending a guide email through %s (%s)", server, settings.security)
    try:
        client: smtplib.SMTP
        if settings.security == "tls":
            client = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.security == "starttls":
                client.starttls(context=context)
            if settings.user and settings.password is not None:
                client.login(settings.user, settings.password.get_secret_value())
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise ContentError(
            server,
            None,
            f"refused the login for {settings.user}: {_reply(exc.smtp_code, exc.smtp_error)}",
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        detail = "; ".join(f"{who}: {_reply(*why)}" for who, why in exc.recipients.items())
        raise ContentError(server, None, f"refused the recipient ({detail})") from None
    except smtplib.SMTPSenderRefused as exc:
        raise ContentError(
            server,
            None,
            f"refused the sender {exc.sender}: {_reply(exc.smtp_code, exc.smtp_error)}",
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise ContentError(server, None, f"does not support what was asked: {exc}") from None
    except smtplib.SMTPResponseException as exc:
        raise ContentError(
            server, None, f"answered {_reply(exc.smtp_code, exc.smtp_error)}"
        ) from None
    except smtplib.SMTPServerDisconnected as exc:
        # smtplib reports a read that timed out as a disconnection.
        if isinstance(exc.__context__, TimeoutError):
            raise ContentError(
                server, None, f"did not answer within {settings.timeout:g} seconds"
            ) from None
        raise ContentError(
            server, None, f"closed the connection ({exc or 'no reason given'})"
        ) from None
    except ssl.SSLError as exc:
        raise ContentError(server, None, f"TLS failed: {exc.reason or exc}") from None
    except TimeoutError:
        raise ContentError(
            server, None, f"did not answer within {settings.timeout:g} seconds"
        ) from None
    except ConnectionRefusedError:
        raise ContentError(
            server, None, "refused the connection (check the host and port)"
        ) from None
    except socket.gaierror:
        raise ContentError(server, None, "unknown host") from None
    except OSError as exc:
        raise ContentError(server, None, f"cannot be reached ({exc.strerror or exc})") from None
    if refused:
        detail = "; ".join(f"{who}: {_reply(*why)}" for who, why in refused.items())
        raise ContentError(server, None, f"refused the recipient ({detail})")
