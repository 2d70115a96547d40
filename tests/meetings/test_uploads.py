"""Uploads can never exhaust the server: size, zip bombs, hostile PDFs, malformed files, names.

Every hostile file is built here and stays cheap to build: a zip bomb's deflate stream is
one compressed block repeated (each block ends in a full flush, so the copies are
identical) with its CRC combined arithmetically, never inflated; a PDF is written object
by object. Each goes through the report form as a logged-in staff member sends it, and
the tests assert what that user sees: a clear message, everything typed still in the
form, and nothing stored. ``test_no_hostile_upload_costs_the_server_more_than_10_s_or_300_mb``
sends the worst of them from a separate server process under an address-space limit and
reads what it and its extraction child really used.
"""
from __future__ import annotations

import functools
import io
import json
import os
import struct
import subprocess
import sys
import unicodedata
import zipfile
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from meetings.models import Attachment, Report
from organizations.models import RoleKind

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
TITLE = "Báo cáo tháng 3/2019 — Chi bộ 1"
BODY = "Chi bộ tiếp tục thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị."
VIETNAMESE = ["Nghị quyết Trung ương 4 (khóa XII) được quán triệt sâu rộng.",
              "Đảng ủy Khối thực hiện Chỉ thị 05-CT/TW; kết nạp 12 đảng viên."]


@pytest.fixture
def staff(tree, make_user):
    return make_user("staff_uploads", tree["A"], RoleKind.STAFF)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def form_fields(org, **extra) -> dict:
    data = {"organization": str(org.pk), "kind": "periodic", "period_kind": "month", "period_start": "01/03/2019",
            "period_end": "31/03/2019", "title": TITLE, "body": BODY}
    data.update(extra)
    return data


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def assert_refused_and_kept(response, message: str, media: Path) -> None:
    """The form again, the message in words, the typed title and body intact, nothing stored."""
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page.replace("\xa0", " "), page[page.find('alert'):][:600]
    assert f'value="{TITLE}"' in page and BODY in page
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files(media) == []


# --- building files -------------------------------------------------------------------------

def docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@functools.cache
def docx_parts() -> tuple[tuple[str, bytes], ...]:
    with zipfile.ZipFile(io.BytesIO(docx_bytes(["x"]))) as archive:
        return tuple((info.filename, archive.read(info.filename)) for info in archive.infolist())


def _deflate(data: bytes, final: bool) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """CRC-32 of A+B from the CRCs of A and B (zlib's crc32_combine), so a bomb's CRC is right."""
    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = [_gf2_times(odd, odd[n]) for n in range(32)]
    odd = [_gf2_times(even, even[n]) for n in range(32)]
    while True:
        even = [_gf2_times(odd, odd[n]) for n in range(32)]
        if length2 & 1:
            crc1 = _gf2_times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = [_gf2_times(even, even[n]) for n in range(32)]
        if length2 & 1:
            crc1 = _gf2_times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def repeated_deflate(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """(raw deflate, CRC-32, size) of head + chunk × times + tail, never holding it inflated."""
    compressed = _deflate(head, False) + _deflate(chunk, False) * times + _deflate(tail, True)
    crc, length = None, 0
    power_crc, power_length = zlib.crc32(chunk), len(chunk)
    remaining = times
    while remaining:
        if remaining & 1:
            crc = power_crc if crc is None else crc32_combine(crc, power_crc, power_length)
            length += power_length
        power_crc, power_length = crc32_combine(power_crc, power_crc, power_length), power_length * 2
        remaining >>= 1
    total = crc32_combine(zlib.crc32(head), crc, length)
    total = crc32_combine(total, zlib.crc32(tail), len(tail))
    return compressed, total, len(head) + length + len(tail)


def zip_bytes(entries: list[tuple]) -> bytes:
    """A ZIP written by hand: (name, data) deflated, or (name, raw, crc, size[, method, flags])."""
    out, central = io.BytesIO(), []
    for entry in entries:
        if len(entry) == 2:
            name, data = entry
            raw, crc, size, method, flags = _deflate(data, True), zlib.crc32(data), len(data), 8, 0
        else:
            name, raw, crc, size, *rest = entry
            method, flags = (rest + [8, 0])[:2] if rest else (8, 0)
        encoded, offset = name.encode(), out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21, crc, len(raw), size,
                              len(encoded), 0) + encoded + raw)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, 0, 0x21, crc, len(raw),
                                   size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def docx_with_document(document: tuple | bytes | None, extra: list[tuple] = ()) -> bytes:
    """The parts of a real .docx with word/document.xml replaced (or removed when None)."""
    entries = []
    for name, data in docx_parts():
        if name == "word/document.xml":
            if document is None:
                continue
            entries.append((name, document) if isinstance(document, bytes) else (name, *document))
        else:
            entries.append((name, data))
    return zip_bytes(entries + list(extra))


W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOC_HEAD = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document ' + W + b"><w:body>"
DOC_TAIL = b"</w:body></w:document>"
PARAGRAPH = "<w:p><w:r><w:t>Nghị quyết 05-CT/TW được quán triệt sâu rộng.</w:t></w:r></w:p>".encode()


def zip_bomb_docx(inflated: int, dense: bool) -> bytes:
    """A .docx whose document.xml inflates to ``inflated`` bytes; dense = one letter repeated (~1000:1)."""
    if dense:
        head, chunk, tail = DOC_HEAD + b"<w:p><w:r><w:t>", b"A" * MB, b"</w:t></w:r></w:p>" + DOC_TAIL
    else:
        head, chunk, tail = DOC_HEAD, PARAGRAPH * (MB // len(PARAGRAPH)), DOC_TAIL
    return docx_with_document(repeated_deflate(head, chunk, inflated // len(chunk), tail))


def lying_zip_bomb_docx() -> bytes:
    """document.xml declares 1 MB (a plain ratio) but its stream inflates to 1 GB."""
    raw, crc, _size = repeated_deflate(DOC_HEAD, b"A" * MB, 1024, DOC_TAIL)
    return docx_with_document((raw, crc, len(raw)))


def pdf_bytes(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_stream(data: bytes, compressed: bytes | None = None) -> bytes:
    raw = compressed if compressed is not None else zlib.compress(data)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(raw) + raw + b"\nendstream"


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text is ``lines`` (a Type0 font with a ToUnicode map, as Word exports)."""
    chars = sorted({c for line in lines for c in line})
    code = {c: i + 1 for i, c in enumerate(chars)}
    pairs = [f"<{code[c]:04X}> <{c.encode('utf-16-be').hex().upper()}>" for c in chars]
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
            "/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
    for start in range(0, len(pairs), 100):
        block = pairs[start:start + 100]
        cmap += f"{len(block)} beginbfchar\n" + "\n".join(block) + "\nendbfchar\n"
    cmap += "endcmap CMapName currentdict /CMap defineresource pop end end"
    content = "BT /F1 12 Tf 14 TL 72 760 Td\n" + "".join(
        "<" + "".join(f"{code[c]:04X}" for c in line) + "> Tj T*\n" for line in lines) + "ET"
    return pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 8 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /DejaVuSans /Encoding /Identity-H /DescendantFonts [5 0 R] "
        b"/ToUnicode 6 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DejaVuSans /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 600 >>",
        pdf_stream(cmap.encode()),
        b"<< /Type /FontDescriptor /FontName /DejaVuSans /Flags 32 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
        b"/Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>",
        pdf_stream(content.encode()),
    ])


def shared_stream_pdf(pages: int, content_bytes: int) -> bytes:
    """``pages`` pages drawing one shared content stream of ``content_bytes`` (the 17.7 KB / 209 s case)."""
    operation = b"BT /F1 12 Tf 72 712 Td (Nghi quyet 05-CT/TW) Tj ET\n"
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages)).encode()
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents 100000 0 R >>")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objects += [page.replace(b"100000", str(4 + pages).encode())] * pages
    objects.append(pdf_stream(operation * (content_bytes // len(operation))))
    return pdf_bytes(objects)


def inflating_pdf(inflated: int) -> bytes:
    """One page whose content stream (zlib) inflates to ``inflated`` bytes of blanks."""
    raw, _crc, size = repeated_deflate(b"BT ", b" " * MB, inflated // MB, b" ET")
    adler = 1
    for piece in (b"BT ", *([b" " * MB] * (inflated // MB)), b" ET"):
        adler = zlib.adler32(piece, adler)
    compressed = b"\x78\xda" + raw + struct.pack(">I", adler)
    return pdf_bytes([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        pdf_stream(b"", compressed),
    ])


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("mat-khau")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def many_pages_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(100, 100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


XXE = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       b"<w:document " + W + b"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>")
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY a "hahahahahahahahahaha">'
          + b"".join(b'<!ENTITY %c "%s">' % (98 + i, b"&%c;" % (97 + i) * 10) for i in range(9))
          + b"]><w:document " + W + b"><w:body><w:p><w:r><w:t>&j;</w:t></w:r></w:p></w:body></w:document>")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _unknown_method_docx() -> bytes:
    document = DOC_HEAD + PARAGRAPH + DOC_TAIL
    return docx_with_document((document, zlib.crc32(document), len(document), 99, 0))


def _encrypted_entry_docx() -> bytes:
    document = DOC_HEAD + PARAGRAPH + DOC_TAIL
    return docx_with_document((_deflate(document, True), zlib.crc32(document), len(document), 8, 1))


def _many_entries_docx(count: int) -> bytes:
    return docx_with_document(DOC_HEAD + PARAGRAPH + DOC_TAIL,
                              extra=[(f"customXml/item{n}.xml", b"<a/>") for n in range(count)])


MALFORMED = [
    # (id, file name, builder, what the user reads)
    ("bad-xml", "bao-cao.docx", lambda: docx_with_document(DOC_HEAD + b"<w:p><w:r><w:t>unclosed"),
     "This .docx file is damaged or is not a Word document."),
    ("no-document-xml", "bao-cao.docx", lambda: docx_with_document(None),
     "This .docx file has no Word document inside."),
    ("encrypted-entry", "bao-cao.docx", _encrypted_entry_docx, "This .docx file has encrypted parts"),
    ("unknown-compression", "bao-cao.docx", _unknown_method_docx, "uses a compression method Word does not use"),
    ("truncated-zip", "bao-cao.docx", lambda: docx_bytes(VIETNAMESE)[:4000],
     "This .docx file is damaged or is not a Word document."),
    ("xxe-dtd", "bao-cao.docx", lambda: docx_with_document(XXE), "document type declaration (DTD)"),
    ("billion-laughs", "bao-cao.docx", lambda: docx_with_document(LAUGHS), "This .docx file is damaged"),
    ("too-many-entries", "bao-cao.docx", lambda: _many_entries_docx(1000), "an ordinary Word document has far fewer"),
    ("zip-bomb-50mb", "bao-cao.docx", lambda: zip_bomb_docx(50 * MB, dense=False), "compressed more than 100 to 1"),
    ("lying-zip-bomb", "bao-cao.docx", lying_zip_bomb_docx, "This .docx file is damaged or is not a Word document."),
    ("pdf-not-pdf", "bao-cao.pdf", lambda: b"Bao cao thang 3", "This .pdf file is not a PDF document."),
    ("pdf-damaged", "bao-cao.pdf", lambda: b"%PDF-1.4\n" + bytes(range(256)) * 40, "This PDF file could not be read."),
    ("pdf-truncated", "bao-cao.pdf", lambda: text_pdf(VIETNAMESE)[:700], "This PDF file could not be read."),
    ("pdf-encrypted", "bao-cao.pdf", encrypted_pdf, "This PDF is protected by a password"),
    ("pdf-over-inflating-stream", "bao-cao.pdf", lambda: inflating_pdf(200 * MB), "This file unpacks to more than 50.0 MB"),
    ("pdf-shared-stream", "bao-cao.pdf", lambda: shared_stream_pdf(20, 5 * MB), "This file unpacks to more than 50.0 MB"),
    ("pdf-too-many-pages", "bao-cao.pdf", lambda: many_pages_pdf(501), "This PDF has 501 pages; at most 500 are read."),
    ("pdf-scan-no-text", "bao-cao.pdf", lambda: many_pages_pdf(2), "This PDF contains no text"),
    ("txt-utf16-odd-length", "bao-cao.txt", lambda: b"\xff\xfe" + "Nghị quyết".encode("utf-16-le") + b"\x00",
     "marked as UTF-16 but is damaged"),
    ("txt-utf16-lone-surrogate", "bao-cao.txt", lambda: b"\xff\xfe" + "Nghị".encode("utf-16-le") + b"\x00\xd8a\x00",
     "marked as UTF-16 but is damaged"),
    ("txt-binary", "bao-cao.txt", lambda: bytes(range(256)) * 16, "This .txt file is not text"),
    ("txt-binary-without-nul", "bao-cao.txt", lambda: bytes(range(1, 32)) * 64, "This .txt file is not text"),
    ("pdf-named-docx", "bao-cao.docx", lambda: text_pdf(VIETNAMESE),
     "This file is a PDF document although its name ends in .docx"),
    ("zip-named-pdf", "bao-cao.pdf", lambda: zip_bytes([("a.txt", b"x")]), "This file is a ZIP archive"),
    ("docx-named-txt", "bao-cao.txt", lambda: docx_bytes(VIETNAMESE), "This file is a ZIP archive"),
    ("old-doc-named-docx", "bao-cao.docx", lambda: OLE, "This is an old Word (.doc) file"),
    ("executable", "bao-cao.exe", lambda: b"MZ\x90\x00", "Only .docx, .txt and .pdf files can be attached."),
    ("empty", "bao-cao.txt", lambda: b"", "The submitted file is empty."),
]


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows wrote it: letters precomposed, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


# --- what a user sees -----------------------------------------------------------------------

@pytest.mark.embedded
@pytest.mark.django_db
@pytest.mark.parametrize(("name", "build", "expected"), [
    ("bao-cao.docx", lambda: docx_bytes(VIETNAMESE, table=[["Chỉ tiêu", "Kết quả"], ["Kết nạp đảng viên", "12"]]),
     "\n".join(VIETNAMESE) + "\nChỉ tiêu\tKết quả\nKết nạp đảng viên\t12"),
    ("bao-cao.pdf", lambda: text_pdf(VIETNAMESE), "\n".join(VIETNAMESE)),
    ("bao-cao.txt", lambda: "\n".join(VIETNAMESE).encode(), "\n".join(VIETNAMESE)),
    ("bao-cao-utf16.txt", lambda: "\n".join(VIETNAMESE).encode("utf-16"), "\n".join(VIETNAMESE)),
    ("bao-cao-1258.txt", lambda: cp1258("\n".join(VIETNAMESE)), "\n".join(VIETNAMESE)),
    ("bao-cao-nfd.txt", lambda: "Nghị quyết".encode().replace("ị".encode(), "i\u0323".encode()), "Nghị quyết"),
], ids=["docx", "pdf", "txt-utf8", "txt-utf16", "txt-cp1258", "txt-nfd"])
def test_ordinary_files_still_give_their_text(client, tree, staff, media, name, build, expected):
    client.force_login(staff)
    response = client.post(reverse("report-create"),
                           {**form_fields(tree["A1"], body=""), "upload": SimpleUploadedFile(name, build())})
    assert response.status_code == 302, response.content.decode()[:2000]
    report = Report.objects.get()
    assert report.body.strip() == expected
    attachment = report.attachments.get()
    assert attachment.original_name == name
    assert Path(attachment.file.path).resolve().is_relative_to(media / "reports")


@pytest.mark.embedded
@pytest.mark.django_db
@pytest.mark.parametrize(("name", "build", "message"), [case[1:] for case in MALFORMED],
                         ids=[case[0] for case in MALFORMED])
def test_a_malformed_or_hostile_file_gets_a_clear_message_and_nothing_is_stored(client, tree, staff, media, name,
                                                                               build, message):
    client.force_login(staff)
    response = client.post(reverse("report-create"),
                           {**form_fields(tree["A1"]), "upload": SimpleUploadedFile(name, build())})
    assert_refused_and_kept(response, message, media)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["bao-cao.txt", "bao-cao.docx"])
def test_text_longer_than_the_limit_is_refused(client, tree, staff, media, settings, name):
    settings.ATTACHMENT_MAX_TEXT_CHARS = 1000
    text = "Nghị quyết 05-CT/TW. " * 100
    data = text.encode() if name.endswith(".txt") else docx_bytes([text])
    client.force_login(staff)
    response = client.post(reverse("report-create"),
                           {**form_fields(tree["A1"]), "upload": SimpleUploadedFile(name, data)})
    assert_refused_and_kept(response, "The text of this file is longer than 1,000 characters", media)


@pytest.mark.django_db
def test_editing_with_a_hostile_file_keeps_the_report_as_it_was(client, tree, staff, media):
    client.force_login(staff)
    client.post(reverse("report-create"), form_fields(tree["A1"]))
    report = Report.objects.get()
    response = client.post(reverse("report-edit", args=[report.pk]), {
        **form_fields(tree["A1"], body="Bản sửa chưa lưu.", version=str(report.version)),
        "upload": SimpleUploadedFile("bao-cao.pdf", shared_stream_pdf(20, 5 * MB))})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This file unpacks to more than" in page and "Bản sửa chưa lưu." in page
    report.refresh_from_db()
    assert report.body == BODY and report.attachments.count() == 0
    assert stored_files(media) == []


# --- size, before anything is read ----------------------------------------------------------

BOUNDARY = "----rtUploadBoundary7MA4YWxkTrZu0gW"


def multipart(parts: list[tuple[str, bytes | str, str | None]]) -> bytes:
    """A multipart body in the given order: (field, value, None) or (field, content, raw file name)."""
    out = bytearray()
    for field, value, file_name in parts:
        out += f"--{BOUNDARY}\r\n".encode()
        if file_name is None:
            out += f'Content-Disposition: form-data; name="{field}"\r\n\r\n'.encode() + str(value).encode() + b"\r\n"
        else:
            out += (f'Content-Disposition: form-data; name="{field}"; filename="'.encode() + file_name.encode()
                    + b'"\r\nContent-Type: application/octet-stream\r\n\r\n' + value + b"\r\n")
    out += f"--{BOUNDARY}--\r\n".encode()
    return bytes(out)


def post_multipart(client, url: str, body: bytes):
    return client.generic("POST", url, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


@pytest.mark.embedded
@pytest.mark.django_db
def test_a_file_over_the_limit_is_dropped_as_it_arrives_and_the_fields_after_it_are_kept(
        client, tree, staff, media, settings, tmp_path):
    settings.ATTACHMENT_MAX_BYTES = 1 * MB
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # so the part received goes to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    (tmp_path / "spool").mkdir()
    client.force_login(staff)
    fields = form_fields(tree["A1"])
    # The file comes first: every field after it must still be read.
    body = multipart([("upload", b"A" * (MB + MB // 2), "bao-cao.txt"), *((k, v, None) for k, v in fields.items())])
    response = post_multipart(client, reverse("report-create"), body)
    assert_refused_and_kept(response, "“bao-cao.txt” is too big: the limit is 1.0 MB.", media)
    assert list((tmp_path / "spool").iterdir()) == [], "the part received was deleted"


@pytest.mark.embedded
@pytest.mark.django_db
def test_an_oversized_post_returns_the_form_with_title_and_body_intact(client, tree, staff, media, settings):
    settings.ATTACHMENT_MAX_BYTES = 10 * MB
    client.force_login(staff)
    response = client.post(reverse("report-create"), {
        **form_fields(tree["A1"]), "upload": SimpleUploadedFile("bao-cao.docx", b"PK\x03\x04" + b"\x00" * (30 * MB))})
    assert_refused_and_kept(response, "“bao-cao.docx” is too big: the limit is 10.0 MB.", media)


class StreamedBody(io.RawIOBase):
    """A request body of ``size`` bytes made as it is read (head, filler, tail); counts what is read."""

    def __init__(self, head: bytes, size: int, tail: bytes) -> None:
        self.head, self.tail, self.size, self.position = head, tail, size, 0

    def readable(self) -> bool:
        return True

    def _byte_range(self, start: int, end: int) -> bytes:
        filler_end = self.size - len(self.tail)
        out = bytearray()
        if start < len(self.head):
            out += self.head[start:min(end, len(self.head))]
        if end > len(self.head) and start < filler_end:
            out += b"A" * (min(end, filler_end) - max(start, len(self.head)))
        if end > filler_end:
            out += self.tail[max(start, filler_end) - filler_end:end - filler_end]
        return bytes(out)

    def read(self, size: int = -1) -> bytes:
        end = self.size if size is None or size < 0 else min(self.size, self.position + size)
        data = self._byte_range(self.position, end)
        self.position = end
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.read(size if size and size > 0 else 64 * 1024)
        newline = data.find(b"\n")
        if newline >= 0:
            self.position -= len(data) - newline - 1
            data = data[:newline + 1]
        return data


def streamed_post(client, url: str, fields: dict, file_name: str, size: int) -> tuple:
    """POST a multipart body of ``size`` bytes (the file last, as a browser sends it) without building it."""
    head = multipart([(k, v, None) for k, v in fields.items()])[: -len(f"--{BOUNDARY}--\r\n")]
    head += (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="{file_name}"\r\n'
             "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n").encode()
    body = StreamedBody(head, size, f"\r\n--{BOUNDARY}--\r\n".encode())
    environ = client._base_environ(PATH_INFO=url, REQUEST_METHOD="POST", CONTENT_LENGTH=str(size),
                                   CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}", **{"wsgi.input": body})
    return client.handler(environ), body


@pytest.mark.embedded
@pytest.mark.django_db
def test_a_300_mb_post_is_read_no_further_than_its_first_file(client, tree, staff, media):
    client.force_login(staff)
    response, body = streamed_post(client, reverse("report-create"), form_fields(tree["A1"]), "bao-cao.pdf", 300 * MB)
    assert_refused_and_kept(response, "“bao-cao.pdf” is too big: the limit is 10.0 MB.", media)
    assert body.position < 1 * MB, f"read {body.position} bytes of a 300 MB request"


@pytest.mark.embedded
@pytest.mark.django_db
@pytest.mark.parametrize(("sent", "shown", "build"), [
    ("../../etc/passwd.txt", "passwd.txt", lambda: "Nghị quyết 05".encode()),
    ("..\\..\\x.docx", "x.docx", lambda: docx_bytes(VIETNAMESE)),
    ("bao\x00cao\u202e.txt", "baocao.txt", lambda: "Nghị quyết 05".encode()),
    ("/var/www/../../..", None, lambda: b"x"),
], ids=["slashes", "backslashes", "nul-and-bidi", "only-dots"])
def test_a_crafted_file_name_is_cleaned_and_never_leaves_the_media_folder(client, tree, staff, media, sent, shown,
                                                                         build):
    client.force_login(staff)
    fields = form_fields(tree["A1"])
    body = multipart([*((k, v, None) for k, v in fields.items()), ("upload", build(), sent)])
    response = post_multipart(client, reverse("report-create"), body)
    outside = [p for p in media.parent.rglob("*") if p.is_file() and not p.is_relative_to(media)]
    assert outside == []
    if shown is None:  # nothing left of the name: as if no file had been chosen
        assert response.status_code == 302 and Attachment.objects.count() == 0
        return
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = Attachment.objects.get()
    assert attachment.original_name == shown
    assert Path(attachment.file.path).resolve().is_relative_to((media / "reports").resolve())
    detail = client.get(reverse("report-detail", args=[attachment.report_id])).content.decode()
    assert shown in detail


# --- what it costs the server ---------------------------------------------------------------

SERVER = r"""
import json, logging, os, resource, sys, time
spec = json.loads(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (spec["address_space"], spec["address_space"]))
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.meetings.test_uploads import streamed_post
peaks = []
class Peaks(logging.Handler):
    def emit(self, record):
        if hasattr(record, "extraction_peak"):  # the child answered (a killed one cannot)
            peaks.append(record.extraction_peak)
logging.getLogger("meetings.extract.sandbox").addHandler(Peaks())
client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the messages asserted are the English msgids
client.force_login(get_user_model().objects.get(pk=spec["user"]))
url = reverse("report-create")
assert client.get(url).status_code == 200  # a warm server: imports and templates loaded
started = time.monotonic()
if spec["stream"]:
    response, _body = streamed_post(client, url, spec["fields"], spec["name"], spec["stream"])
else:
    with open(spec["path"], "rb") as handle:
        upload = SimpleUploadedFile(spec["name"], handle.read())
    response = client.post(url, {**spec["fields"], "upload": upload})
seconds = time.monotonic() - started
with open("/proc/self/status") as status:  # VmHWM counts from exec; ru_maxrss would count pytest's image
    mine = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"status": response.status_code, "page": response.content.decode(), "seconds": seconds,
                  "server_mb": mine, "children_mb": children.ru_maxrss / 1024,
                  "extraction_mb": max(peaks, default=0) / 2**20, "answered": len(peaks)}))
"""

HOSTILE = [
    # (id, file name, builder or a streamed size, settings for the server, what the user reads)
    ("docx-180kb-to-50mb", "bao-cao.docx", lambda: zip_bomb_docx(50 * MB, dense=False), {},
     "compressed more than 100 to 1"),
    ("docx-3mb-to-3gb", "bao-cao.docx", lambda: zip_bomb_docx(3000 * MB, dense=True), {},
     "compressed more than 100 to 1"),
    ("docx-lying-1mb-to-1gb", "bao-cao.docx", lying_zip_bomb_docx, {}, "This .docx file is damaged"),
    ("docx-billion-laughs", "bao-cao.docx", lambda: docx_with_document(LAUGHS), {}, "This .docx file is damaged"),
    ("pdf-20-pages-share-5mb", "bao-cao.pdf", lambda: shared_stream_pdf(20, 5 * MB), {},
     "This file unpacks to more than 50.0 MB"),
    ("pdf-stream-to-200mb", "bao-cao.pdf", lambda: inflating_pdf(200 * MB), {}, "This file unpacks to more than 50.0 MB"),
    # Within every declared bound but far too slow to interpret: the timeout kills the child.
    ("pdf-killed-at-the-timeout", "bao-cao.pdf", lambda: shared_stream_pdf(8, 5 * MB),
     {"EXTRACT_TIMEOUT_SECONDS": "2"}, "could not be read within the limits (2 seconds"),
    # An ordinary document under a memory limit too small to parse it: the child runs out.
    ("docx-over-the-memory-limit", "bao-cao.docx",
     lambda: docx_with_document(DOC_HEAD + b"".join(
         f"<w:p><w:r><w:t>Đoạn {n}: Nghị quyết 05-CT/TW được quán triệt.</w:t></w:r></w:p>".encode()
         for n in range(30000)) + DOC_TAIL),
     {"EXTRACT_MEMORY_BYTES": str(60 * MB)}, "could not be read within the limits"),
    ("post-300mb", "bao-cao.pdf", 300 * MB, {}, "“bao-cao.pdf” is too big: the limit is 10.0 MB."),
]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "build", "environment", "message"), [case[1:] for case in HOSTILE],
                         ids=[case[0] for case in HOSTILE])
def test_no_hostile_upload_costs_the_server_more_than_10_s_or_300_mb(tree, make_user, tmp_path, name, build,
                                                                      environment, message):
    """The request is served by a separate process under a 400 MB address-space limit. It reports
    the request's wall-clock time, its own peak memory (VmHWM), the extraction child's peak
    (VmHWM, which the child reports when it answers) and the children's ru_maxrss — an upper
    bound that also counts the server's image the child was spawned from, and covers a child
    killed before it could answer (which its own 300 MB address-space limit bounds anyway)."""
    if connection.vendor != "postgresql":
        pytest.skip("the server process needs a database it can share (PostgreSQL)")
    staff = make_user("staff_cost", tree["A"], RoleKind.STAFF)
    media = tmp_path / "media"
    media.mkdir()
    spec = {"user": staff.pk, "fields": form_fields(tree["A1"]), "name": name, "address_space": 400 * MB,
            "stream": build if isinstance(build, int) else 0, "path": str(tmp_path / name)}
    if not spec["stream"]:
        Path(spec["path"]).write_bytes(build())
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    env = {**os.environ, **environment, "DJANGO_SETTINGS_MODULE": "config.settings_test", "MEDIA_ROOT": str(media),
           "DATABASE_URL": f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    done = subprocess.run([sys.executable, "-c", SERVER, json.dumps(spec)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    page = result["page"].replace("\xa0", " ")
    cost = (f"{name} ({Path(spec['path']).stat().st_size if not spec['stream'] else spec['stream']} bytes): "
            f"{result['seconds']:.2f} s, server {result['server_mb']:.0f} MB, extraction "
            f"{result['extraction_mb']:.0f} MB (answered: {result['answered']}), children ≤ {result['children_mb']:.0f} MB")
    print(cost)
    assert result["status"] == 200 and message in page, cost
    assert f'value="{TITLE}"' in page and BODY in page, cost
    assert result["seconds"] <= 10, cost
    assert result["server_mb"] <= 300, cost
    assert result["extraction_mb"] <= 300 and result["children_mb"] <= 300, cost
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_the_process_reading_a_file_holds_none_of_the_servers_secrets(tmp_path, monkeypatch):
    """A hostile file that took over the reader would find no key, no database password."""
    from meetings.extract import sandbox

    spy = tmp_path / "spy.py"
    spy.write_text("import json, os, sys\nsys.stdin.buffer.read()\n"
                   "print(json.dumps({'text': json.dumps({'env': sorted(os.environ), 'cwd': os.getcwd()})}))\n")
    monkeypatch.setattr(sandbox, "WORKER", spy)
    monkeypatch.setenv("SECRET_KEY", "the-real-key")
    monkeypatch.setenv("DATABASE_URL", "postgres://app:secret@db/rtracker")
    seen = json.loads(sandbox.run("pdf", b"%PDF-1.4", {"timeout": 10}))
    assert "SECRET_KEY" not in seen["env"] and "DATABASE_URL" not in seen["env"]
    assert seen["cwd"] == "/"
