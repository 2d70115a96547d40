"""Text extraction from uploaded report files (.docx, .txt, text .pdf), with type and size limits.

Files are checked by content, not only by name: a ``.docx`` must be a ZIP with a Word
document inside, a ``.pdf`` must start with ``%PDF``, a ``.txt`` must decode. Every
rejection says why in words a user understands, and nothing is stored until it passes.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from organizations.text import clean_input

ALLOWED = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


@dataclass(frozen=True)
class Extracted:
    text: str
    extension: str
    content_type: str


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _docx_text(data: bytes) -> str:
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "word/document.xml" not in zf.namelist():
                raise ValidationError(_("This .docx file has no Word document inside."))
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ValidationError(_("This .docx file is damaged or is not a Word document.")) from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF"):
        raise ValidationError(_("This .pdf file is not a PDF document."))
    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join((page.extract_text() or "") for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise ValidationError(_("This PDF file could not be read.")) from exc
    if not text.strip():
        raise ValidationError(_("This PDF contains no text (it may be a scan): type or paste the text instead."))
    return text


def _txt_text(data: bytes) -> str:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1258")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("This text file is not in a known encoding: save it as UTF-8.")) from exc


def extract_text(name: str, data: bytes) -> Extracted:
    """Validate an uploaded file and return its text (NFC); raise ValidationError otherwise."""
    ext = _extension(name)
    if ext not in ALLOWED:
        raise ValidationError(_("Only .docx, .txt and .pdf files can be attached."))
    limit = max_upload_bytes()
    if len(data) > limit:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit).0f MB.") % {"size": len(data) / 1e6, "limit": limit / 1e6}
        )
    if not data:
        raise ValidationError(_("The file is empty."))
    reader = {".docx": _docx_text, ".pdf": _pdf_text, ".txt": _txt_text}[ext]
    text = clean_input(reader(data))
    return Extracted(text=text, extension=ext, content_type=ALLOWED[ext])
