"""E-mail (.eml): one page, the header passage (From, To, Cc, Date, Subject) then the body, plain
text or else the main text of its HTML. Attachments are documents of their own (``attachments``):
``mail.eml › contract.pdf``; a forwarded message is one too, read as an e-mail.
"""

from __future__ import annotations

import email
import email.policy
import mimetypes
from email.message import EmailMessage
from pathlib import Path

from ragbox.errors import DocumentError
from ragbox.ingest.loaders.html import html_text
from ragbox.ingest.loaders.options import DEFAULT_OPTIONS, Inner, ReadOptions
from ragbox.types import Page

HEADERS = ("From", "To", "Cc", "Date", "Subject")


def parse(path: Path, data: bytes) -> EmailMessage:
    if b"\x00" in data[:8192]:
        raise DocumentError("Skipped", "binary content in an e-mail file", path)
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not any(header(message, name) for name in HEADERS):
        raise DocumentError("Skipped", "not an e-mail message (no From, To, Date or Subject header)", path)
    return message


def pages(path: Path, data: bytes, options: ReadOptions = DEFAULT_OPTIONS) -> list[Page]:
    message = parse(path, data)
    lines = [f"{name}: {value}" for name in HEADERS if (value := header(message, name))]
    body = body_text(message, path)
    return [Page(None, "\n".join(lines) + ("\n\n" + body if body else ""))]


def header(message: EmailMessage, name: str) -> str:
    """A header decoded to one line ('' when absent or beyond repair)."""
    try:
        value = message.get(name)
    except Exception:  # a malformed header raises on parsing; the message is still worth reading
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def body_text(message: EmailMessage, path: Path) -> str:
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        body = None
    if body is None:
        return ""
    text = _decoded(body)
    if body.get_content_subtype() == "html":
        text = html_text(text, path)
    return text.replace("\r\n", "\n").strip()


def _decoded(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError):  # an unknown or wrong charset
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def attachments(path: Path, data: bytes) -> list[Inner]:
    """The attached files and forwarded messages, in order; inline images (logos, signatures)
    are part of the message's look, not documents."""
    message = parse(path, data)
    found: list[Inner] = []
    _collect(message, found, top=message)
    return found


def _collect(part: EmailMessage, found: list[Inner], top: EmailMessage) -> None:
    for child in part.iter_parts() if part.is_multipart() else []:
        kind = child.get_content_type()
        if kind == "message/rfc822":
            inner = child.get_payload()[0] if isinstance(child.get_payload(), list) else None
            if inner is not None:
                subject = header(inner, "Subject") or "forwarded message"
                found.append(Inner(safe_name(subject) + ".eml", inner.as_bytes(), ".eml"))
        elif child.is_multipart():
            _collect(child, found, top)
        elif _is_attachment(child):
            name = child.get_filename() or f"attachment-{len(found) + 1}{mimetypes.guess_extension(kind) or ''}"
            name = safe_name(name)
            found.append(Inner(name, child.get_payload(decode=True) or b"", Path(name).suffix.lower()))


def _is_attachment(part: EmailMessage) -> bool:
    disposition = part.get_content_disposition()
    if disposition == "attachment":
        return True
    if disposition == "inline" or part.get("Content-ID"):
        return False  # shown in the body: an image in the signature, the HTML's own pictures
    return bool(part.get_filename()) and part.get_content_maintype() != "text"


def safe_name(name: str) -> str:
    """A name fit for a part path: one line, no folder separators."""
    name = " ".join(name.split()).replace("/", "-").replace("\\", "-")
    return name[:120] or "attachment"
