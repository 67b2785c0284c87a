"""Sending the guide email through the clinic's own mail server (SMTP)."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from .errors import ContentError, one_line

__all__ = ["SmtpSettings", "send_email"]

log = logging.getLogger(__name__)


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


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return one_line(f"{code} {words}")


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
