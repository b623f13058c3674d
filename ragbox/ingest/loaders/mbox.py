"""Mailboxes (.mbox, as Thunderbird and Google Takeout export them): each message is a document
of its own, read as an e-mail (``archive.mbox › 3. Renewal terms``, its attachments below it);
the mailbox's own page lists the messages, one line each (number, date, sender, subject).
"""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

from ragbox.errors import DocumentError
from ragbox.ingest.loaders import mail
from ragbox.ingest.loaders.options import DEFAULT_OPTIONS, Inner, ReadOptions
from ragbox.types import Page

_SEPARATOR = re.compile(rb"^From [^\r\n]*\r?\n", re.MULTILINE)
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)  # mboxrd: ">From " in a body stands for "From "


def split(path: Path, data: bytes) -> list[bytes]:
    """The messages of the mailbox, unescaped."""
    if not data.startswith(b"From "):
        raise DocumentError("Skipped", "not an mbox mailbox (it must begin with a 'From ' line)", path)
    starts = [m for m in _SEPARATOR.finditer(data) if m.start() == 0 or data[m.start() - 1:m.start()] == b"\n"]
    messages = []
    for match, following in zip(starts, starts[1:] + [None]):
        end = following.start() if following is not None else len(data)
        messages.append(_ESCAPED_FROM.sub(rb"\1", data[match.end():end]))
    return messages


def pages(path: Path, data: bytes, options: ReadOptions = DEFAULT_OPTIONS) -> list[Page]:
    lines = []
    for number, raw in enumerate(split(path, data), start=1):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        fields = [mail.header(message, name) for name in ("Date", "From", "Subject")]
        lines.append(f"{number}. " + " · ".join(field for field in fields if field))
    return [Page(None, "\n".join(lines))]


def messages(path: Path, data: bytes) -> list[Inner]:
    inner = []
    for number, raw in enumerate(split(path, data), start=1):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        subject = mail.header(message, "Subject") or "(no subject)"
        inner.append(Inner(mail.safe_name(f"{number}. {subject}"[:80]), raw, ".eml"))
    return inner
