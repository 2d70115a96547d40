"""The words a user reads when an upload is refused, one per refusal code.

The child process that reads documents knows no Django and no language: it answers with
a code and numbers, and the message is written here, in the language of the request.
"""
from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def message(code: str, params: dict, limits, ext: str) -> str:
    """The message for refusal ``code``; ``limits`` is a ``Limits`` (None only for "extension")."""
    if code == "extension":
        return _("Only .docx, .txt and .pdf files can be attached.")
    if code == "empty":
        return _("The file is empty.")
    if code == "too_big":
        return too_big_message(params.get("name", ""), limits.max_bytes)
    if code == "too_long":
        return _("The text of this file is longer than %(limit)s characters, the most a report may take "
                 "from a file: split the file, or paste its text instead.") % {"limit": _n(limits.chars)}
    if code == "is_pdf":
        return _("This file is a PDF document although its name ends in %(ext)s: rename it to .pdf and "
                 "upload it again.") % {"ext": ext}
    if code == "is_zip":
        return _("This file is a ZIP archive (a Word .docx file is one) although its name ends in %(ext)s: "
                 "upload a real %(ext)s file, or rename a Word document to .docx.") % {"ext": ext}
    if code == "is_ole":
        return _("This is an old Word (.doc) file or a Word file protected by a password: open it in Word, "
                 "remove any password, save it as .docx and upload that.")
    if code == "docx_damaged":
        return _("This .docx file is damaged or is not a Word document.")
    if code == "docx_no_document":
        return _("This .docx file has no Word document inside.")
    if code == "docx_entries":
        return _("This .docx file holds %(count)s parts; an ordinary Word document has far fewer than "
                 "%(limit)s. It is refused.") % {"count": _n(params["count"]), "limit": _n(params["limit"])}
    if code == "docx_encrypted":
        return _("This .docx file has encrypted parts: open it in Word, remove the password, save it and "
                 "upload it again.")
    if code == "docx_compression":
        return _("This .docx file uses a compression method Word does not use: open it in Word, save it "
                 "again and upload that.")
    if code == "docx_dtd":
        return _("This .docx file contains a document type declaration (DTD), which Word never writes: "
                 "it is refused. Open it in Word, save it again and upload that.")
    if code == "ratio":
        return _("This file is compressed more than %(limit)s to 1, which ordinary documents never are: "
                 "it is refused. Type or paste its text instead.") % {"limit": _n(params["limit"])}
    if code == "unpacked":
        return _("This file unpacks to more than %(limit)s, the most accepted: it is refused. Type or "
                 "paste its text instead.") % {"limit": filesizeformat(params["limit"])}
    if code == "pdf_not_pdf":
        return _("This .pdf file is not a PDF document.")
    if code == "pdf_encrypted":
        return _("This PDF is protected by a password: save or print it to a new PDF without the password, "
                 "then upload that.")
    if code == "pdf_pages":
        return _("This PDF has %(pages)s pages; at most %(limit)s are read. Upload the report without its "
                 "annexes, or paste its text instead.") % {"pages": _n(params["pages"]),
                                                            "limit": _n(params["limit"])}
    if code == "pdf_no_text":
        return _("This PDF contains no text (it may be a scan): type or paste the text instead.")
    if code == "txt_utf16":
        return _("This text file is marked as UTF-16 but is damaged: save it again as UTF-8.")
    if code == "txt_binary":
        return _("This .txt file is not text (it contains binary data): upload the document itself, or "
                 "save it as plain text.")
    if code == "txt_encoding":
        return _("This text file is not in a known encoding: save it as UTF-8.")
    if code == "limits":
        return _("This file could not be read within the limits (%(seconds)s seconds, %(memory)s of "
                 "memory): it may be damaged or far too complex. Type or paste its text instead.") % {
            "seconds": f"{limits.timeout:g}", "memory": filesizeformat(limits.memory)}
    if code == "unavailable":
        return _("The file could not be read just now: try again in a moment, or paste its text instead.")
    if code == "pdf_damaged":
        return _("This PDF file could not be read.")
    return _("This file is damaged and could not be read.")


def too_big_message(name: str, limit: int) -> str:
    """Said by the form when the upload handler stopped receiving a file, and by extract_text."""
    if name:
        return _("“%(name)s” is too big: the limit is %(limit)s. Choose a smaller file, or paste its text "
                 "instead.") % {"name": name, "limit": filesizeformat(limit)}
    return _("The file is too big: the limit is %(limit)s. Choose a smaller file, or paste its text "
             "instead.") % {"limit": filesizeformat(limit)}
