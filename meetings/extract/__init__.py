"""Text extraction from uploaded report files (.docx, .txt, text .pdf), within hard limits.

Files are checked by content, not only by name: a ``.docx`` must be a ZIP with a Word
document inside, a ``.pdf`` must start with ``%PDF``, a ``.txt`` must decode as text. Every
rejection says why in words a user understands, and nothing is stored until it passes.

An upload is hostile input. Plain text is decoded here (linear in a size already capped by
the upload handler); Word and PDF files are read by ``worker.py`` in a child process with
a memory limit, a CPU limit and a wall-clock timeout (``sandbox.py``), after checks that
refuse zip bombs and over-inflating PDFs before anything is inflated. The limits are
settings (see ``Limits``); the README lists them.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from organizations.text import clean_line, clean_text

from . import sandbox
from .messages import message
from .text import sniff, txt_text

ALLOWED = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
}
#: What each extension's content must look like (see ``text.sniff``), and the refusal
#: when it looks like nothing known.
EXPECTED = {".docx": "zip", ".pdf": "pdf", ".txt": None}
UNKNOWN = {".docx": "docx_damaged", ".pdf": "pdf_not_pdf"}
MB = 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * MB))


@dataclass(frozen=True)
class Limits:
    """What reading one uploaded file may cost, from settings (defaults as in config/settings.py)."""

    max_bytes: int
    unpacked: int
    document_xml: int
    ratio: int
    entries: int
    pages: int
    chars: int
    timeout: float
    memory: int

    @classmethod
    def from_settings(cls) -> Limits:
        get = getattr
        return cls(
            max_bytes=max_upload_bytes(),
            unpacked=int(get(settings, "ATTACHMENT_MAX_UNPACKED_BYTES", 50 * MB)),
            document_xml=int(get(settings, "ATTACHMENT_MAX_DOCUMENT_XML_BYTES", 20 * MB)),
            ratio=int(get(settings, "ATTACHMENT_MAX_COMPRESSION_RATIO", 100)),
            entries=int(get(settings, "ATTACHMENT_MAX_ZIP_ENTRIES", 1000)),
            pages=int(get(settings, "ATTACHMENT_MAX_PDF_PAGES", 500)),
            chars=int(get(settings, "ATTACHMENT_MAX_TEXT_CHARS", 1_000_000)),
            timeout=float(get(settings, "EXTRACT_TIMEOUT_SECONDS", 8)),
            memory=int(get(settings, "EXTRACT_MEMORY_BYTES", 300 * MB)),
        )


@dataclass(frozen=True)
class Extracted:
    text: str
    extension: str
    content_type: str


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def display_name(name: str) -> str:
    """The name an attachment is shown under: no folders, no control or bidi characters.

    Browsers send only a base name, but a crafted request can send ``../../etc/passwd.txt``,
    ``..\\x.docx`` or NUL bytes; the stored file is named by its hash anyway, so this is
    the only place the sender's name survives.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = clean_line(base)
    if base in {"", ".", ".."}:
        base = "attachment"
    if len(base) > 200:
        ext = _extension(base)
        ext = ext if len(ext) <= 10 else ""
        base = base[: 200 - len(ext)] + ext
    return base


# The report form validates a file before creating the report, and the service reads it
# again when it stores the attachment: the second call is answered from here instead of
# starting another child process for the same bytes.
_recent: OrderedDict[tuple, Extracted] = OrderedDict()
_recent_lock = threading.Lock()


def _refuse(code: str, params: dict, limits: Limits, ext: str) -> ValidationError:
    return ValidationError(message(code, params, limits, ext), code=code)


def extract_text(name: str, data: bytes) -> Extracted:
    """Validate an uploaded file and return its text (NFC); raise ValidationError otherwise."""
    ext = _extension(display_name(name))
    if ext not in ALLOWED:
        raise ValidationError(message("extension", {}, None, ext), code="extension")
    limits = Limits.from_settings()
    if len(data) > limits.max_bytes:
        raise _refuse("too_big", {"name": display_name(name)}, limits, ext)
    if not data:
        raise ValidationError(message("empty", {}, limits, ext), code="empty")
    actual = sniff(data)
    if actual != EXPECTED[ext]:
        if actual is not None:
            raise _refuse(f"is_{actual}", {}, limits, ext)
        raise _refuse(UNKNOWN[ext], {}, limits, ext)
    key = (ext, hashlib.sha256(data).hexdigest(), limits)
    with _recent_lock:
        if key in _recent:
            return _recent[key]
    try:
        if ext == ".txt":
            raw = txt_text(data)
        else:
            raw = sandbox.run(ext[1:], data, asdict(limits))
    except sandbox.Refusal as refusal:
        raise _refuse(refusal.code, refusal.params, limits, ext) from None
    text = clean_text(raw)
    if len(text) > limits.chars:
        raise _refuse("too_long", {"limit": limits.chars}, limits, ext)
    extracted = Extracted(text=text, extension=ext, content_type=ALLOWED[ext])
    with _recent_lock:
        _recent[key] = extracted
        while len(_recent) > 4:
            _recent.popitem(last=False)
    return extracted
