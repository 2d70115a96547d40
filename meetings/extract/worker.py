"""Text of one uploaded .docx or .pdf, read in a child process under hard limits.

The web process never parses an uploaded document itself: a zip bomb, a PDF whose pages
share one huge content stream, or a parser bug would otherwise cost the server gigabytes
and minutes. ``meetings.extract.sandbox`` starts this file as a script with ``python -I``
(no project code on the path, no PYTHON* variables), writes the file to its stdin and reads
one JSON object from its stdout: ``{"text": ...}`` or ``{"error": code, **params}``.

The limits (memory, CPU seconds, no file writes) are set before a byte of the file is
read, so nothing in it can act outside them. What the limits cannot give is a clear
reason, so cheap structural checks come first: a ZIP's central directory says how much
every entry unpacks to, a PDF's page contents are measured before any page is
interpreted.

Standalone on purpose: standard library, python-docx and pypdf only, no Django.
"""
from __future__ import annotations

import io
import json
import logging
import math
import sys
import zipfile
import zlib

WORD_DOCUMENT = "word/document.xml"
#: Entries smaller than this are never refused for their compression ratio: small XML
#: parts full of repeated markup legitimately compress far better than 100:1.
RATIO_FLOOR = 1024 * 1024
CHUNK = 64 * 1024


class Refused(Exception):
    """The file breaks a rule; ``code`` and ``params`` become a message in the parent."""

    def __init__(self, code: str, **params: int) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _lower(resource, which: int, value: int) -> None:
    """Lower a limit to ``value`` (never above an existing hard limit, which would fail)."""
    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value if hard == resource.RLIM_INFINITY else hard))


def apply_limits(limits: dict) -> None:
    """Memory, CPU time, no files written, no core dumps: the backstop behind every check."""
    try:
        import resource
    except ImportError:  # not a POSIX system: the parent's wall-clock timeout still applies
        return
    _lower(resource, resource.RLIMIT_AS, int(limits["memory"]))
    _lower(resource, resource.RLIMIT_CPU, max(1, math.ceil(limits["timeout"])))
    _lower(resource, resource.RLIMIT_FSIZE, 0)
    _lower(resource, resource.RLIMIT_CORE, 0)


class _Text:
    """Collects extracted text and refuses as soon as it passes the character limit."""

    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.limit = limit

    def add(self, text: str) -> None:
        self.length += len(text) + 1
        if self.length > self.limit:
            raise Refused("too_long", limit=self.limit)
        self.parts.append(text)

    def text(self) -> str:
        return "\n".join(self.parts)


# --- DOCX ---------------------------------------------------------------------------------

def check_docx(data: bytes, limits: dict) -> None:
    """Refuse a ZIP that is not an ordinary Word file before python-docx sees it.

    The central directory comes first, before anything is inflated: the number of
    entries, how each is compressed and encrypted, and what it declares it unpacks to.
    Then every entry is inflated in small pieces and thrown away, which bounds the work by
    the declared sizes just checked: ``zipfile`` cuts an entry at its declared size and
    fails its CRC there. (python-docx reads each part whole, and a whole ``read()``
    inflates everything the entry holds in one call before cutting it, so an entry that
    declares 1 MB and holds 1 GB would cost the 1 GB.)
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise Refused("docx_damaged") from exc
    infos = archive.infolist()
    if len(infos) > limits["entries"]:
        raise Refused("docx_entries", count=len(infos), limit=limits["entries"])
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):  # two parts of one name: which one Word shows is unclear
        raise Refused("docx_damaged")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise Refused("docx_encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused("docx_compression")
        if info.file_size > RATIO_FLOOR and info.file_size > limits["ratio"] * max(info.compress_size, 1):
            raise Refused("ratio", limit=limits["ratio"])
        total += info.file_size
    if total > limits["unpacked"]:
        raise Refused("unpacked", limit=limits["unpacked"])
    if WORD_DOCUMENT not in names:
        raise Refused("docx_no_document")
    if archive.getinfo(WORD_DOCUMENT).file_size > limits["document_xml"]:
        raise Refused("unpacked", limit=limits["document_xml"])
    try:
        for info in infos:
            with archive.open(info) as entry:
                while entry.read(CHUNK):
                    pass
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise Refused("docx_damaged") from exc


def docx_text(data: bytes, limits: dict) -> str:
    """Paragraphs, then table rows (cells separated by tabs), as the product always read them."""
    check_docx(data, limits)
    import docx
    from docx.opc.part import XmlPart

    try:
        document = docx.Document(io.BytesIO(data))
        # python-docx parses without resolving entities; Word never writes a DTD, so one
        # in any part is refused rather than trusted to stay harmless.
        for part in document.part.package.iter_parts():
            if isinstance(part, XmlPart) and part.element.getroottree().docinfo.doctype:
                raise Refused("docx_dtd")
        out = _Text(limits["chars"])
        for paragraph in document.paragraphs:
            out.add(paragraph.text)
        for table in document.tables:
            for row in table.rows:
                out.add("\t".join(cell.text for cell in row.cells))
    except (Refused, MemoryError):
        raise
    except Exception as exc:  # any parse failure of a damaged part (lxml, zipfile, python-docx)
        if "memory" in str(exc).lower():  # libxml2 reports a failed allocation as a syntax error
            raise MemoryError from exc
        raise Refused("docx_damaged") from exc
    return out.text()


# --- PDF ----------------------------------------------------------------------------------

def _content_size(page) -> int:
    """Bytes of drawing instructions a page makes the text extractor interpret.

    Counted per page, so one stream shared by twenty pages counts twenty times — which
    is what interpreting it costs. Form XObjects the page draws are counted too.
    """
    from pypdf.generic import ArrayObject, StreamObject

    size = 0
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    streams = list(contents) if isinstance(contents, ArrayObject) else [contents]
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    xobjects = resources.get("/XObject") if hasattr(resources, "get") else None
    xobjects = xobjects.get_object() if xobjects is not None else None
    if hasattr(xobjects, "values"):
        streams += list(xobjects.values())
    for stream in streams:
        stream = stream.get_object() if stream is not None else None
        if isinstance(stream, StreamObject) and stream.get("/Subtype", "/Form") == "/Form":
            size += len(stream.get_data())
    return size


def pdf_text(data: bytes, limits: dict) -> str:
    import pypdf
    from pypdf.errors import LimitReachedError

    unpacked = int(limits["unpacked"])
    # pypdf's own decompression limits, lowered to ours: one stream that inflates past
    # them stops inflating there instead of filling the memory limit.
    pypdf.overwrite_configuration(
        zlib_maximum_output_length=unpacked, lzw_maximum_output_length=unpacked,
        run_length_maximum_output_length=unpacked, array_based_stream_maximum_output_length=unpacked,
        brotli_maximum_output_length=unpacked, stream_decoding_work_maximum_length=unpacked,
    )
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # many PDFs are "encrypted" only to restrict printing
            except Exception as exc:
                raise Refused("pdf_encrypted") from exc
            if not opened:
                raise Refused("pdf_encrypted")
        pages = len(reader.pages)
        if pages > limits["pages"]:
            raise Refused("pdf_pages", pages=pages, limit=limits["pages"])
        total = 0
        for page in reader.pages:
            try:
                total += _content_size(page)
            except LimitReachedError as exc:
                raise Refused("unpacked", limit=unpacked) from exc
            if total > unpacked:
                raise Refused("unpacked", limit=unpacked)
        out = _Text(limits["chars"])
        for page in reader.pages:
            out.add(page.extract_text() or "")
        text = out.text()
    except (Refused, MemoryError):
        raise
    except LimitReachedError as exc:
        raise Refused("limits") from exc
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise Refused("pdf_damaged") from exc
    if not text.strip():
        raise Refused("pdf_no_text")
    return text


READERS = {"docx": docx_text, "pdf": pdf_text}


def peak_memory() -> int:
    """This process's peak resident memory in bytes (VmHWM: counted from exec, unlike ru_maxrss)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def main() -> int:
    kind, limits = sys.argv[1], json.loads(sys.argv[2])
    apply_limits(limits)
    logging.disable(logging.CRITICAL)  # pypdf warns once per damaged object: noise, and slow
    data = sys.stdin.buffer.read(int(limits["max_bytes"]) + 1)
    try:
        # A PDF can map glyphs to lone surrogates: replaced, so the reply is valid UTF-8.
        text = READERS[kind](data, limits).encode("utf-8", "replace").decode("utf-8")
        result: dict = {"text": text}
    except Refused as exc:
        result = {"error": exc.code, **exc.params}
    except MemoryError:
        result = {"error": "limits"}
    except RecursionError:
        result = {"error": f"{kind}_damaged"}
    result["peak"] = peak_memory()
    sys.stdout.buffer.write(json.dumps(result, ensure_ascii=False).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
