"""Writes for meetings and reports: entry, linking, the review workflow, attachments, history.

Rules enforced here (never in views or forms):
- staff (or admins) create and edit only for organisations their role covers;
- a report is editable while draft or returned; once submitted it is read-only to its author;
- a leader of an organisation *above* the report's organisation accepts it or returns it
  with a reason, and never one who wrote, changed or submitted it;
- every save, link change and workflow step checks the version the user started from
  (optimistic locking: nobody overwrites or approves what they have not seen) and records
  who changed what, with the full values before and after;
- a refused save writes nothing: input is validated whole before the first write, and a
  file sent with an edit is stored only once the edit is accepted;
- every text is NFC-normalised before it is stored.
"""
from .common import EDITABLE, EDITOR_ROLES, REPORT_FIELDS, ConcurrentEditError, can_edit_report
from .links import LinkInput, contribution_value, link_field_key, report_set_links
from .meeting_entry import ParticipantInput, meeting_create, meeting_update
from .reports import UploadInput, report_create, report_update
from .workflow import (
    can_review_report,
    is_report_author,
    report_accept,
    report_return,
    report_submit,
)

__all__ = [
    "EDITABLE", "EDITOR_ROLES", "REPORT_FIELDS", "ConcurrentEditError", "LinkInput", "ParticipantInput",
    "UploadInput", "can_edit_report", "can_review_report", "contribution_value",
    "is_report_author", "link_field_key", "meeting_create", "meeting_update", "report_accept", "report_create",
    "report_return", "report_set_links", "report_submit", "report_update",
]
