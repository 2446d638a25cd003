"""The demo's SMTP sink: a real SMTP server (aiosmtpd) that keeps every message it receives as
an .eml file in a folder (settings.TINHSO_MAIL_SINK_DIR) instead of delivering it.

`tinhso smtp_sink --port 8025` runs it beside the demo (`make serve`); /dev/mail/ lists the
messages while the demo identity provider is on; tests start it on a free port and read
what arrived. Nothing here is used in production.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from aiosmtpd.controller import Controller


class Mailbox:
    """aiosmtpd handler: each message's bytes, as received, to <folder>/<ns>-<n>.eml."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        name = f"{time.time_ns()}-{self.count}.eml"
        # Written beside the target and renamed: a reader never sees half a message.
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(envelope.original_content or envelope.content)
        os.replace(tmp, self.folder / name)
        return "250 Message accepted for delivery"


def start(folder: Path, *, host: str = "127.0.0.1", port: int = 8025) -> Controller:
    """Start the sink in a thread; `.stop()` it when done."""
    controller = Controller(Mailbox(folder), hostname=host, port=port,
                            enable_SMTPUTF8=True)
    controller.start()
    return controller


@dataclass(frozen=True)
class Message:
    name: str
    sent_at: datetime | None
    sender: str
    to: str
    subject: str
    body: str


def read(path: Path) -> Message:
    with open(path, "rb") as handle:
        message: EmailMessage = BytesParser(policy=policy.default).parse(handle)
    part = message.get_body(preferencelist=("plain", "html"))
    try:
        sent_at = parsedate_to_datetime(message["Date"]) if message["Date"] else None
    except (TypeError, ValueError):
        sent_at = None
    return Message(name=path.name, sent_at=sent_at, sender=str(message["From"] or ""),
                   to=str(message["To"] or ""),
                   # a long encoded subject folds onto a continuation line: its indent is not text
                   subject=str(message["Subject"] or "").strip(),
                   body=part.get_content() if part is not None else "")


def messages(folder: Path, *, limit: int = 100) -> list[Message]:
    """The newest messages first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    paths = sorted(folder.glob("*.eml"), key=lambda p: p.name, reverse=True)[:limit]
    return [read(p) for p in paths]
