"""The guide email: one message to one patient, plain-text and HTML bodies and the ePub.

Building the message is rendering; sending it is `mail.send_email`'s job.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from pydantic import TypeAdapter, ValidationError

from ..errors import ContentError
from ..labels import labels_for
from ..model import Article, Clinic, Email, Line, default_clinic
from .shared import clinic_phrase, contact_lines, environment, plain, provenance_line, source_date

__all__ = ["build_guide_email"]

_ADDRESS: TypeAdapter[str] = TypeAdapter(Email)
_NAME: TypeAdapter[str] = TypeAdapter(Line)


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
        from .epub import render_epub

        epub = render_epub(article, clinic=clinic)

    subject = labels.email_subject.format(clinic=clinic.name, title=article.title)
    context = {
        "article": article,
        "clinic": clinic,
        "labels": labels,
        "subject": subject,
        "clinic_phrase": phrase,
        "contact": contact_lines(clinic, labels),
        "provenance": plain(provenance_line(article, labels)),
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
