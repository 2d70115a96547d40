"""The DOCX, laid out by the Party's document-format rules (Hướng dẫn 36-HD/VPTW).

Top: at the left the superior đảng bộ over the issuing committee (bold), "*", and
"Số:        -BC/<issuer code>" (the number is written by hand when the document is
registered); at the right "ĐẢNG CỘNG SẢN VIỆT NAM" (bold, underlined) over the place and date
in italics. Then "BÁO CÁO" and the trích yếu, the body (``assessment``), "Nơi nhận" at the
bottom left and the signature block at the bottom right ("T/M BAN THƯỜNG VỤ", the title
line, room for the signature, the signer's name), and a compact table of figures as the
appendix.
"""
from __future__ import annotations

import io

from organizations.models import Organization, OrgKind

from .assessment import body, directive_name
from .data import DocumentData
from .text import clean, num, pct, upper


def place(org: Organization) -> str:
    """The province or city of the organisation, for the date line ("Thành phố Hồ Chí Minh, ngày …")."""
    chain = [*Organization.objects.get_ancestors(org), org]
    province = next((o for o in chain if o.kind == OrgKind.PROVINCE), None)
    if province is None:
        return "Hà Nội"
    return province.name.replace("Đảng bộ ", "").strip()


def _party_body(org: Organization) -> str:
    """The đảng bộ's name ("Đảng bộ Thành phố Hồ Chí Minh"), from its committee's name if need be."""
    name = clean(org.name)
    if name.startswith("Đảng bộ"):
        return name
    for committee in ("Thành ủy ", "Tỉnh ủy ", "Đảng ủy ", "Huyện ủy ", "Quận ủy "):
        if name.startswith(committee):
            return "Đảng bộ " + name[len(committee):]
    return name


def header_lines(data: DocumentData) -> tuple[str, str]:
    """(superior line, committee line): "ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH" / "THÀNH ỦY" for a Thành ủy,
    "ĐẢNG BỘ THÀNH PHỐ HỒ CHÍ MINH" / "ĐẢNG ỦY KHỐI DÂN - CHÍNH - ĐẢNG" for a committee below it."""
    org, parent = data.organization, data.parent
    if org.kind == OrgKind.CENTRAL:
        return "", "BAN CHẤP HÀNH TRUNG ƯƠNG"
    if org.kind == OrgKind.PROVINCE:
        words = f"{org.name} {org.short_name}".lower()
        committee = "THÀNH ỦY" if ("thành ủy" in words or "thành phố" in words or "tp" in words) else "TỈNH ỦY"
        return upper(_party_body(org)), committee
    superior = _party_body(parent) if parent is not None and parent.kind != OrgKind.CENTRAL else ""
    return upper(superior), upper(org.short_name or org.name)


#: Who signs "on behalf of" (T/M): the Standing Committee where the level elects one, else the
#: committee itself (a đảng ủy cơ sở) or the cell.
_ON_BEHALF = {OrgKind.GRASSROOTS: "ĐẢNG ỦY", OrgKind.SECTION: "ĐẢNG ỦY", OrgKind.GRASSROOTS_CELL: "CHI BỘ",
              OrgKind.CELL: "CHI BỘ"}


def on_behalf(org: Organization) -> str:
    """"T/M BAN THƯỜNG VỤ" for a Tỉnh ủy, Thành ủy, Huyện ủy or Đảng ủy Khối; "T/M ĐẢNG ỦY", "T/M CHI BỘ" below."""
    return "T/M " + _ON_BEHALF.get(org.kind, "BAN THƯỜNG VỤ")


def issuer_words(data: DocumentData) -> str:
    """Who reports, in the body's first sentence: "Ban Thường vụ Thành ủy TP. Hồ Chí Minh"."""
    org = data.organization
    name = clean(org.short_name or org.name)
    return name if org.kind in _ON_BEHALF else f"Ban Thường vụ {name}"


def recipients(data: DocumentData) -> list[str]:
    parent = data.parent
    if parent is None:
        superior = []
    elif parent.kind == OrgKind.CENTRAL:
        superior = ["- Ban Bí thư Trung ương Đảng (để báo cáo),", "- Văn phòng Trung ương Đảng,"]
    else:
        superior = [f"- Ban Thường vụ {clean(parent.short_name or parent.name)} (để báo cáo),"]
    return [*superior, "- Các đồng chí Ủy viên Ban Thường vụ,", "- Các đơn vị trực thuộc,", "- Lưu Văn phòng."]


def date_words(day) -> str:
    """"05 tháng 12 năm 2019": days below 10 and the months 1 and 2 take a leading zero (36-HD/VPTW)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d} tháng {month} năm {day.year}"


APPENDIX_HEADER = ("STT", "Văn bản", "Phải báo cáo", "Đã báo cáo", "Đúng hạn", "Trễ hạn", "Chưa báo cáo", "Số báo cáo")


def build_docx(data: DocumentData) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY

    def para(where, text="", *, bold=False, italic=False, size=None, align=None, underline=False, first=False):
        p = where.paragraphs[0] if first else where.add_paragraph()
        if align is not None:
            p.alignment = align
        run = p.add_run(clean(text))
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
        return p

    # Header: the committee and the number at the left, the Party and the date at the right.
    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.width, right.width = Cm(7), Cm(9.5)
    superior, committee = header_lines(data)
    if superior:
        para(left, superior, size=13, align=center, first=True)
        para(left, committee, bold=True, size=13, align=center)
    else:
        para(left, committee, bold=True, size=13, align=center, first=True)
    para(left, "*", size=13, align=center)
    para(left, f"Số:        -BC/{data.issuer_code}", size=13, align=center)
    para(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, size=14, align=center, first=True)
    para(right, "")
    g = data.generated
    para(right, f"{place(data.organization)}, ngày {date_words(g)}",
         italic=True, size=13, align=center)

    para(doc, "")
    para(doc, "BÁO CÁO", bold=True, size=15, align=center)
    para(doc, f"Tình hình thực hiện các nghị quyết, chỉ thị {data.period.label_vi}", bold=True, align=center)
    para(doc, "-----", align=center)

    for block in body(data, issuer_words(data)):
        if block.kind == "heading":
            p = para(doc, block.text, bold=True, align=justify)
        elif block.kind == "item":
            p = para(doc, f"- {block.text}", align=justify)
        elif block.kind == "quote":
            p = para(doc, f"+ {block.text}", italic=True, align=justify)
        else:
            p = para(doc, block.text, align=justify)
        p.paragraph_format.first_line_indent = Cm(1)
        p.paragraph_format.space_after = Pt(6)

    # Bottom: recipients at the left, the signature block at the right.
    para(doc, "")
    footer = doc.add_table(rows=1, cols=2)
    left, right = footer.rows[0].cells
    left.width, right.width = Cm(8), Cm(8.5)
    para(left, "Nơi nhận:", bold=True, italic=True, size=12, first=True)
    for line in recipients(data):
        para(left, line, size=11)
    para(right, on_behalf(data.organization), bold=True, align=center, first=True)
    para(right, data.signer.title_line, bold=True, align=center)
    for _ in range(3):
        para(right, "", align=center)
    para(right, data.signer.name, bold=True, align=center)

    # Appendix: one row per directive, few columns.
    if data.active:
        doc.add_page_break()
        para(doc, "PHỤ LỤC", bold=True, align=center)
        para(doc, f"Số liệu tổng hợp theo từng văn bản {data.period.label_vi}", italic=True, align=center)
        table = doc.add_table(rows=1, cols=len(APPENDIX_HEADER))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, APPENDIX_HEADER, strict=True):
            cell.text = text
        for i, line in enumerate(data.active, start=1):
            values = (str(i), directive_name(line.directive), num(line.expected_units),
                      f"{num(line.units_reported)} ({pct(line.units_reported, line.expected_units)})"
                      if line.expected_units else "—",
                      num(line.units_on_time), num(line.units_late), num(line.units_missing), num(line.reports))
            for cell, text in zip(table.add_row().cells, values, strict=True):
                cell.text = clean(text)
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for run in p.runs:
                        run.font.size = Pt(11)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
