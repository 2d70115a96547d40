"""Receive an uploaded file only up to ATTACHMENT_MAX_BYTES, whatever the request carries.

Django's own handlers keep every byte of every file (in memory, then in a temporary file)
before any form can look at its size: a 300 MB POST landed whole on the server before the
report form said "too big". ``LimitedUploadHandler`` replaces them (settings
``FILE_UPLOAD_HANDLERS``):

* a file is kept (in memory when the request is small, else in a temporary file, as
  Django does) until it passes the limit; from then on its bytes are dropped as they
  arrive, the part already kept is deleted, and ``request.FILES`` holds a
  ``RefusedUpload`` in its place, so the form can say the file is too big while every
  other field of the request is still read;
* a request whose Content-Length is above what any valid form can be (one file at the
  limit plus ``DATA_UPLOAD_MAX_MEMORY_SIZE`` of fields) is read only up to its first
  file: the fields before it (all of the report form's, whose file input comes last) come
  back to the form, and the rest of the body is never read (``StopUpload`` with
  ``connection_reset``). Reading it just to throw it away would let one client hold a
  worker for as long as it cares to keep sending.
"""
from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http.multipartparser import MultiPartParser

from .extract import max_upload_bytes

#: Room for the multipart boundaries and part headers of a form at the limits.
ENVELOPE_BYTES = 64 * 1024


class RefusedUpload(UploadedFile):
    """Stands in ``request.FILES`` for a file that was not kept because it passed the limit.

    It holds nothing and its size is 0, so a form field that does not know it treats it
    as an empty file (refused) rather than as content; the report form's upload field
    recognises it and says the file is too big.
    """

    def __init__(self, *, field_name: str, name: str, content_type: str, limit: int) -> None:
        super().__init__(file=BytesIO(), name=name, content_type=content_type, size=0)
        self.field_name = field_name
        self.limit = limit


def request_limit() -> int:
    """The largest request body a valid form with one file can have."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return max_upload_bytes() + (fields if fields is not None else 2_621_440) + ENVELOPE_BYTES


class _StopAtFirstFile(FileUploadHandler):
    """Lets the parser read the fields, and stops the whole request at the first file."""

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.refused: list[tuple[str, str, str]] = []

    def new_file(self, field_name, file_name, content_type, *args, **kwargs) -> None:
        self.refused.append((field_name, file_name, content_type))
        raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


class LimitedUploadHandler(FileUploadHandler):
    """Keeps each file up to ``ATTACHMENT_MAX_BYTES``; see the module docstring."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = max_upload_bytes()
        self.in_memory = content_length <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        if content_length <= request_limit():
            return None  # parse as usual, file by file
        stopper = _StopAtFirstFile(self.request)
        post, files = MultiPartParser(META, input_data, [stopper], encoding).parse()
        for field_name, file_name, content_type in stopper.refused:
            files.appendlist(field_name, RefusedUpload(field_name=field_name, name=file_name,
                                                       content_type=content_type, limit=self.limit))
        return post, files

    def new_file(self, field_name, file_name, content_type, content_length, charset=None,
                 content_type_extra=None) -> None:
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self.refused = content_length is not None and content_length > self.limit
        if self.in_memory:
            self.file = BytesIO()
        else:
            self.file = TemporaryUploadedFile(file_name, content_type, 0, charset, content_type_extra)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.refused:
            return None
        if start + len(raw_data) > self.limit:
            self.refused = True
            self.file.close()  # a temporary file is deleted when closed
            return None
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile:
        if self.refused:
            if not self.file.closed:
                self.file.close()
            return RefusedUpload(field_name=self.field_name, name=self.file_name,
                                 content_type=self.content_type, limit=self.limit)
        self.file.seek(0)
        if self.in_memory:
            return InMemoryUploadedFile(file=self.file, field_name=self.field_name, name=self.file_name,
                                        content_type=self.content_type, size=file_size, charset=self.charset,
                                        content_type_extra=self.content_type_extra)
        self.file.size = file_size
        return self.file

    def upload_interrupted(self) -> None:
        if hasattr(self, "file") and not self.file.closed:
            self.file.close()
