"""What an upload really is (by its first bytes), and the text of a .txt file.

Plain text is decoded in the web process: decoding is linear in a size the upload
handler has already capped, and needs no parser that a crafted file could steer.
"""
from __future__ import annotations

import re

from .sandbox import Refusal

SIGNATURES = (
    (b"%PDF", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty ZIP
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # Word 97-2003, or a password-protected .docx
)
#: C0 controls other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def sniff(data: bytes) -> str | None:
    """``"pdf"``, ``"zip"``, ``"ole"`` or None (anything else, text included)."""
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def _decode_utf16(data: bytes) -> str:
    codec = "utf-32" if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) else "utf-16"
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:  # odd length, lone surrogate
        raise Refusal("txt_utf16") from exc


def txt_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16/32 with a BOM, else Windows-1258 (Vietnamese)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        text = _decode_utf16(data)
    elif b"\x00" in data:
        raise Refusal("txt_binary")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1258")
            except UnicodeDecodeError as exc:
                raise Refusal("txt_encoding") from exc
    controls = len(_CONTROL.findall(text))
    if controls > 16 and controls * 200 > len(text):
        raise Refusal("txt_binary")
    return text
