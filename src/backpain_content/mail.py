"""Sending the guide email through the clinic's own mail server (SMTP)."""

from __future__ import annotations

import contextlib
import logging
from email.message import EmailMessage
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr

from .errors import ContentError, one_line
from .model import Record

__all__ = ["SmtpSettings", "send_email"]

log = logging.getLogger(__name__)


class SmtpSettings(Record):
    """How to reach the clinic's own mail server."""

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
    """Seconds the whole exchange with the server may take, from connecting to the end."""
    ca_file: Path | None = None
    """Certificate authority to trust instead of the system's (for a private server)."""
    allow_plaintext_auth: bool = False
    """Log in over a connection without TLS (`security="none"`): only for a relay on the
    same machine, since the password crosses the network readable to anyone on the way."""

    @property
    def server(self) -> str:
        """`host:port`, as error messages name the server."""
        return f"{self.host}:{self.port}"


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return one_line(f"{code} {words}")


class _Deadline:
    """Cuts the connection when the whole exchange has taken `seconds`.

    A socket's timeout bounds each read, not the exchange: a server that sends one line
    of its greeting a second would keep a client waiting for ever.
    """

    def __init__(self, seconds: float) -> None:
        import threading

        self.expired = False
        self._client: Any = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, client: Any) -> None:
        """The client whose connection to cut."""
        with self._lock:
            self._client = client
            if self.expired:
                self._cut()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._cut()

    def _cut(self) -> None:
        import socket

        connection = getattr(self._client, "sock", None)
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def send_email(message: EmailMessage, settings: SmtpSettings) -> None:
    """Send `message` through the clinic's mail server, once; no silent retries.

    A refused login or recipient, an unreachable server or a timeout raises
    `ContentError` naming the server and what it said. The password is never shown,
    nor anything the server says in answer to the login, which may repeat it.
    """
    # Imported here: only sending needs them, and they cost a clinic app's start-up time.
    import smtplib
    import socket
    import ssl

    server = settings.server
    if settings.user and settings.password is None:
        raise ContentError(server, None, f"a password is needed to log in as {settings.user}")
    if settings.user and settings.security == "none" and not settings.allow_plaintext_auth:
        raise ContentError(
            server,
            None,
            "will not log in without TLS: the password would cross the network unencrypted "
            "(use starttls or tls, or allow plain-text login for a relay on this machine)",
        )
    context = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
    log.info("sending a guide email through %s (%s)", server, settings.security)
    too_slow = f"did not finish within {settings.timeout:g} seconds"
    with _Deadline(settings.timeout) as deadline:
        try:
            client = _connect(settings, context, deadline)
            with client:
                if settings.security == "starttls":
                    client.starttls(context=context)
                    deadline.watch(client)
                if settings.user and settings.password is not None:
                    _log_in(client, settings.user, settings.password.get_secret_value(), server)
                refused = client.send_message(message)
        except ContentError:
            raise
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
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            if (
                deadline.expired
                or isinstance(exc, TimeoutError)
                or isinstance(exc.__context__, TimeoutError)
            ):
                raise ContentError(server, None, too_slow) from None
            if isinstance(exc, ssl.SSLError):
                raise ContentError(server, None, f"TLS failed: {exc.reason or exc}") from None
            if isinstance(exc, ConnectionRefusedError):
                raise ContentError(
                    server, None, "refused the connection (check the host and port)"
                ) from None
            if isinstance(exc, socket.gaierror):
                raise ContentError(server, None, "unknown host") from None
            if isinstance(exc, smtplib.SMTPServerDisconnected):
                raise ContentError(
                    server, None, f"closed the connection ({exc or 'no reason given'})"
                ) from None
            raise ContentError(server, None, f"cannot be reached ({exc.strerror or exc})") from None
    if refused:
        detail = "; ".join(f"{who}: {_reply(*why)}" for who, why in refused.items())
        raise ContentError(server, None, f"refused the recipient ({detail})")


def _connect(settings: SmtpSettings, context: Any, deadline: _Deadline) -> Any:
    """A client connected to the server (greeting read), watched by `deadline` from the
    moment it exists: the greeting is read while it is made."""
    import smtplib

    base = smtplib.SMTP_SSL if settings.security == "tls" else smtplib.SMTP

    class Watched(base):  # type: ignore[valid-type,misc]
        def __init__(self, **kwargs: Any) -> None:
            deadline.watch(self)
            super().__init__(**kwargs)

    extra = {"context": context} if settings.security == "tls" else {}
    return Watched(host=settings.host, port=settings.port, timeout=settings.timeout, **extra)


def _log_in_utf8(client: Any, user: str, password: str, server: str) -> None:
    """Log in with a user name or password that is not ASCII, which smtplib's `login`
    cannot send (it encodes its answers as ASCII, and its error would show where in the
    password the first other character is). AUTH PLAIN (RFC 4616) and LOGIN carry bytes:
    they carry them as UTF-8, as RFC 4616 says and servers expect."""
    import base64
    import smtplib

    def encoded(text: str) -> str:
        return base64.b64encode(text.encode("utf-8")).decode("ascii")

    client.ehlo_or_helo_if_needed()
    offered = str(client.esmtp_features.get("auth", "")).upper().split()
    if "PLAIN" in offered:
        code, reply = client.docmd("AUTH", "PLAIN " + encoded(f"\0{user}\0{password}"))
    elif "LOGIN" in offered:
        code, reply = client.docmd("AUTH", "LOGIN " + encoded(user))
        if code == 334:
            code, reply = client.docmd(encoded(password))
    else:
        raise ContentError(
            server,
            None,
            "offers no login (AUTH PLAIN or LOGIN) that can carry a user name or password "
            "with characters beyond ASCII",
        )
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, reply)


def _log_in(client: Any, user: str, password: str, server: str) -> None:
    """Log in; a refusal names the user and the reply's code, never the reply's words."""
    import smtplib

    try:
        if user.isascii() and password.isascii():
            client.login(user, password)
        else:
            _log_in_utf8(client, user, password, server)
    except smtplib.SMTPResponseException as exc:
        # A server may echo the AUTH line it refused, with the credentials in base64.
        raise ContentError(
            server,
            None,
            f"refused the login for {user} (reply code {exc.smtp_code}; "
            "the server's words are not shown, since they may repeat the password)",
        ) from None
