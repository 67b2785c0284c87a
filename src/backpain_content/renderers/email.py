"""The guide email: one message to one patient, plain-text and HTML bodies and the ePub.

Building the message is rendering; sending it is `mail.send_email`'s job.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

from pydantic import TypeAdapter, ValidationError

from ..errors import ContentError
from ..labels import Labels
from ..model import Article, Clinic, Email, Line, PatientPlan, default_clinic
from ..options import EpubOptions, GuideLinks
from .shared import (
    Langs,
    clinic_phrase,
    contact_lines,
    direction,
    environment,
    labels_of,
    online_links,
    plain,
    provenance_line,
    reference_numbers,
    review_notice,
    source_date,
    when,
)

__all__ = ["build_guide_email"]

_ADDRESS: TypeAdapter[str] = TypeAdapter(Email)
_NAME: TypeAdapter[str] = TypeAdapter(Line)

# Headers this module writes are folded by it (`_text_header`, `_mailbox`) and written as
# they are: Python's own folding can move a whole value onto a continuation line, which
# its parser then reads back with a leading space.
_POLICY = SMTP.clone(refold_source="none")
_MAX_LINE = 998
"""The longest header line RFC 5322 allows."""


def _address(value: str, field: str) -> str:
    # The address itself is never quoted in the message: it may be a patient's.
    try:
        return _ADDRESS.validate_python(value)
    except ValidationError:
        raise ContentError(
            None, field, "is not an email address such as name@example.org"
        ) from None


def _name(value: str | None, field: str) -> str | None:
    """A display name, checked as a single line, its spaces collapsed, or None."""
    if value is None:
        return None
    try:
        return " ".join(_NAME.validate_python(value).split())
    except ValidationError as exc:
        problem = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise ContentError(None, field, problem) from None


def _plain(text: str) -> bool:
    """Whether text can go into a header as it is: ASCII, and nothing a reader would
    decode as an RFC 2047 encoded-word (`=?utf-8?q?...?=`), which could carry a line
    break and a header of its own, or another address."""
    return text.isascii() and "=?" not in text


def _text_header(name: str, value: str) -> str:
    """An unstructured header's value (Subject), folded: plain text as it is, anything
    else as UTF-8 encoded-words, whose decoded text is never read as structure."""
    charset = "us-ascii" if _plain(value) else "utf-8"
    return Header(value, charset, maxlinelen=78, header_name=name).encode(linesep="\r\n")


def _mailbox(name: str, display: str | None, address: str, field: str) -> str:
    """An address header's value: `Display Name <address>`.

    A display name that is not plain goes in one UTF-8 encoded-word: Python's parser
    (and others) would put a space between two of them in a name.
    """
    if not display:
        return address
    if _plain(display):
        value = formataddr((display, address))
    else:
        word = Header(display, "utf-8").encode(maxlinelen=0)
        value = f"{word} <{address}>"
    if len(name) + 2 + len(value) > _MAX_LINE:
        raise ContentError(None, field, "is too long to put in an email header")
    return value


def _plan_line(plan: PatientPlan, labels: Labels, language: str) -> str:
    """What the message says of a patient's plan: their next appointment and their
    physiotherapist, and that the guide attached is theirs."""
    if plan.next_appointment:
        first = labels.email_plan_next.format(
            when=when(plan.next_appointment, language), physiotherapist=plan.physiotherapist
        )
    else:
        first = labels.email_plan_physiotherapist.format(physiotherapist=plan.physiotherapist)
    return f"{first} {labels.email_plan_attached}"


def build_guide_email(
    article: Article,
    *,
    to: str,
    sender: str,
    clinic: Clinic | None = None,
    patient_name: str | None = None,
    plan: PatientPlan | None = None,
    epub: bytes | None = None,
    links: GuideLinks | None = None,
) -> EmailMessage:
    """A message to one patient with the ePub guide attached, plain text and HTML bodies.

    With a patient's `plan`, the bodies name the next appointment and the physiotherapist,
    the attachment is the patient's own ePub, and the greeting uses the plan's name when
    `patient_name` is not given; the subject and the attachment's name say nothing of the
    plan. Addresses and names are checked: a line break or other header injection is
    refused with `ContentError`. `links` (`Library.links`): the message names the guide's
    other languages and related guides, with their web addresses where they have one (a
    https link, or the clinic's `guide_url` when it names `{id}`). `epub` defaults to
    `render_epub(article, clinic=clinic, plan=plan)` with the same links.
    """
    labels = labels_of(article, clinic)
    clinic = clinic or default_clinic(article, labels.your_clinic)
    if plan is not None:
        plan.check(article)
    if patient_name is None and plan is not None:
        patient_name = plan.patient
    name = _name(patient_name, "name")
    recipient = _address(to, "to")
    from_address = _address(sender, "from")
    sender_domain = from_address.rsplit("@", 1)[1]
    phrase = clinic_phrase(clinic, labels)
    if epub is None:
        from .epub import render_epub

        epub = render_epub(article, clinic=clinic, plan=plan, options=EpubOptions(links=links))

    subject = labels.email_subject.format(clinic=clinic.name, title=article.title)
    rtl = direction(article.language) == "rtl"
    context = {
        "article": article,
        "clinic": clinic,
        "labels": labels,
        "subject": subject,
        "clinic_phrase": phrase,
        "contact": contact_lines(clinic, labels, rtl),
        "provenance": plain(provenance_line(article, labels)),
        "safety": article.safety,
        "urgent": article.safety.urgent_signs,
        "aftercare": article.aftercare,
        "notice": plain(review_notice(article, labels)),
        "references": article.references,
        "numbers": reference_numbers(article),
        "greeting": labels.email_greeting_named.format(name=name)
        if name
        else labels.email_greeting,
        "intro": labels.email_intro.format(title=article.title, clinic=phrase),
        "plan_line": _plan_line(plan, labels, article.language) if plan else "",
        "rtl": rtl,
        "langs": Langs(article),
        "links": online_links(links, clinic),
        # Mail clients know no logical CSS properties: the side lists indent from, by hand.
        "start": "right" if rtl else "left",
    }
    env = environment()
    message = EmailMessage(policy=_POLICY)
    message.set_raw("Subject", _text_header("Subject", subject))
    message.set_raw(
        "From", _mailbox("From", " ".join(clinic.name.split()), from_address, "clinic.name")
    )
    message.set_raw("To", _mailbox("To", name, recipient, "name"))
    # Date and Message-ID come from SOURCE_DATE_EPOCH when it is set, so a saved .eml
    # can be reproduced byte for byte; otherwise a real message gets real ones.
    reproducible = bool(os.environ.get("SOURCE_DATE_EPOCH", "").strip())
    when = source_date(article) if reproducible else datetime.datetime.now(datetime.UTC)
    message["Date"] = format_datetime(when)
    if reproducible:
        digest = hashlib.sha256(epub + recipient.encode("utf-8")).hexdigest()[:32]
        message["Message-ID"] = f"<{digest}@{sender_domain}>"
    else:
        message["Message-ID"] = make_msgid(domain=sender_domain)
    message["MIME-Version"] = "1.0"
    text = env.get_template("email/body.txt.jinja").render(**context)
    html = env.get_template("email/body.html.jinja").render(**context)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message.add_attachment(
        epub, maintype="application", subtype="epub+zip", filename=f"{article.id}.epub"
    )
    # The language of the message (RFC 3282); set last, as setting content clears
    # every Content- header.
    message["Content-Language"] = article.language
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
