"""The periodic summary document: a DOCX a committee office would send, and a workbook of its figures.

One job a module, each depending only on those above it:

- ``text``: how text and numbers are written (Vietnamese conventions, XML-safe strings);
- ``data``: what the document says, gathered once (``collect`` → ``DocumentData``): the
  per-directive figures from the shared read model, the names of units late and missing,
  the distinct reports, the reports' own words, the issuer code and the signer;
- ``assessment``: the body written from the data (results, shortcomings, tasks ahead);
- ``layout``: the DOCX laid out by Hướng dẫn 36-HD/VPTW (``build_docx``);
- ``workbook``: the XLSX with title rows (``build_xlsx``);
- ``services``: the leader's request and the Celery task's build.
"""
from __future__ import annotations

from .data import DocumentData, collect
from .layout import build_docx
from .services import can_request, summary_document_build, summary_document_request
from .workbook import build_xlsx

__all__ = ["DocumentData", "build_docx", "build_xlsx", "can_request", "collect", "summary_document_build",
           "summary_document_request"]
