"""What the audit trail keeps (django-auditlog, configured in settings).

``mask_secret`` stands in for a changed password: the trail says that it changed and who
changed it, never any part of the hash.
"""
from __future__ import annotations


def mask_secret(value: str) -> str:
    return "********" if value else ""
