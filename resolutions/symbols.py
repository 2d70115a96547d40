"""Canonical document symbols ("số và ký hiệu") by the official conventions.

Party documents: ``số-LOẠI/CƠQUAN`` with the number zero-padded below 10 (05-CT/TW,
08-QĐi/TW, 156-KH/TU). State laws and resolutions of Quốc hội: ``số/năm/QH<khóa>``
(54/2017/QH14). Other state normative documents: ``số/năm/LOẠI-CƠQUAN`` (30/2020/NĐ-CP);
state administrative documents: ``số/LOẠI-CƠQUAN`` (439/QĐ-TTg). The symbol never
identifies a document on its own: numbering restarts every term.
"""
from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectiveKind(models.TextChoices):
    """Document types. The value is the usual type code of the symbol."""

    NGHI_QUYET = "NQ", _("Resolution (Nghị quyết)")
    CHI_THI = "CT", _("Directive (Chỉ thị)")
    KET_LUAN = "KL", _("Conclusion (Kết luận)")
    QUY_DINH = "QĐi", _("Regulation (Quy định)")
    QUYET_DINH = "QĐ", _("Decision (Quyết định)")
    QUY_CHE = "QC", _("Rules (Quy chế)")
    HUONG_DAN = "HD", _("Guidance (Hướng dẫn)")
    KE_HOACH = "KH", _("Plan (Kế hoạch)")
    DE_AN = "ĐA", _("Scheme (Đề án)")
    CHUONG_TRINH = "CTr", _("Programme (Chương trình)")
    THONG_BAO = "TB", _("Notice (Thông báo)")
    THONG_TRI = "TT", _("Circular (Thông tri)")
    DIEU_LE = "ĐL", _("Charter (Điều lệ)")
    LUAT = "L", _("Law (Luật)")
    NGHI_DINH = "NĐ", _("Decree (Nghị định)")
    THONG_TU = "TTư", _("Ministerial circular (Thông tư)")
    OTHER = "K", _("Other")


#: Vietnamese type words for each kind, as they open a citation in running text.
KIND_WORDS: dict[str, str] = {
    "NQ": "Nghị quyết", "CT": "Chỉ thị", "KL": "Kết luận", "QĐi": "Quy định", "QĐ": "Quyết định",
    "QC": "Quy chế", "HD": "Hướng dẫn", "KH": "Kế hoạch", "ĐA": "Đề án", "CTr": "Chương trình",
    "TB": "Thông báo", "TT": "Thông tri", "ĐL": "Điều lệ", "L": "Luật", "NĐ": "Nghị định",
    "TTư": "Thông tư", "K": "Văn bản",
}


class SymbolFamily(models.TextChoices):
    PARTY = "party", _("Party document (05-CT/TW)")
    STATE_LAW = "state_law", _("Law or resolution of the National Assembly (54/2017/QH14)")
    STATE_NORMATIVE = "state_normative", _("Other state normative document (30/2020/NĐ-CP)")
    STATE_ADMIN = "state_admin", _("State administrative document (439/QĐ-TTg)")


#: The type code a kind prints in its symbol when it is not the kind's own value: a Thông tư
#: prints "TT" (01/2021/TT-BNV), which in a party symbol would be a Thông tri.
_KIND_TYPE_CODES = {"TTư": "TT"}


def default_type_code(kind: str) -> str:
    """The type code printed in the symbol of a document of ``kind``."""
    return _KIND_TYPE_CODES.get(kind, kind)


def pad_number(number: str) -> str:
    """Zero-pad a document number below 10 ("5" → "05", "005" → "05"); keep other text as is."""
    number = (number or "").strip()
    return f"{int(number):02d}" if number.isdigit() else number


_ISSUER_FIXES = {"TƯ": "TW", "T.Ư": "TW", "T.W": "TW", "TU'": "TU"}


def normalize_issuer_code(code: str) -> str:
    """Normalise common misprints of issuer codes (``TƯ`` with U+01AF, ``T.Ư``) to canonical form."""
    code = re.sub(r"\s+", "", code or "")
    return _ISSUER_FIXES.get(code.upper(), _ISSUER_FIXES.get(code, code))


def canonical_symbol(*, family: str, number: str | None, type_code: str, issuer_code: str,
                     year: int | None = None) -> str:
    """The canonical symbol for the parts, or "" when the document has no number."""
    if not number:
        return ""
    issuer_code = normalize_issuer_code(issuer_code)
    if family == SymbolFamily.PARTY:
        return f"{pad_number(number)}-{type_code}/{issuer_code}"
    # State numbers below 10 are zero-padded too ("01/2021/TT-BNV", Nghị định 30/2020/NĐ-CP, Phụ lục I).
    number = pad_number(number)
    if family == SymbolFamily.STATE_LAW:
        return f"{number}/{year}/{issuer_code}" if year else f"{number}/{issuer_code}"
    if family == SymbolFamily.STATE_NORMATIVE:
        return f"{number}/{year}/{type_code}-{issuer_code}" if year else f"{number}/{type_code}-{issuer_code}"
    return f"{number}/{type_code}-{issuer_code}"
