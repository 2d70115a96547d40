"""The body of the summary document, written from the figures as an office would write it.

I. Kết quả thực hiện — per directive a short paragraph of sentences with its figures, its
targets against the pace and a few of the reports' own words; directives no unit had to
report on and no report mentioned are named together in one sentence (no tables of zeros).
II. Hạn chế, tồn tại — the units late and those missing, by name, and the targets behind.
III. Nhiệm vụ thời gian tới — a paragraph for the office to complete, and the reminders the
data calls for.

The text is Vietnamese whatever the user's language: it is the committee's document. Every
number comes from ``DocumentData`` (the read model's figures); nothing is recounted here.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from resolutions.models import Directive

from .data import DirectiveLine, DocumentData, TargetLine
from .text import names, num, pct, percent


@dataclass(frozen=True)
class Block:
    """A paragraph of the body: ``heading`` (bold), ``para`` (justified), ``item`` ("- …") or ``quote``."""

    kind: str
    text: str


def directive_name(d: Directive) -> str:
    """"Chỉ thị 05-CT/TW về đẩy mạnh học tập …": the label, then the title (trích yếu) if it adds anything."""
    label, title = d.label, (d.title or "").strip()
    if not title or title == label:
        return label
    if title[:3].lower() == "về ":
        return f"{label} về {title[3:]}"
    return f"{label} “{title}”"


PACE_WORDS = {
    "on_track": "đạt yêu cầu tiến độ",
    "behind": "chậm so với tiến độ",
    "achieved": "đã hoàn thành chỉ tiêu",
    "missed": "đã quá thời hạn mà chưa đạt chỉ tiêu",
    "no_deadline": "chỉ tiêu không quy định thời hạn",
}


def target_sentence(t: TargetLine) -> str:
    """"Chỉ tiêu “…”: trong kỳ đạt 58 người; lũy kế đến hết kỳ đạt 584/1.500 người (38,9%), tiến độ cần đạt 45%: chậm so với tiến độ."."""
    own = "trong kỳ chưa có số liệu" if not t.period_value else f"trong kỳ đạt {num(t.period_value)} {t.unit}"
    text = (f"Chỉ tiêu “{t.name}”: {own}; lũy kế đến hết kỳ đạt {num(t.cumulative or 0)}/{num(t.goal)} {t.unit} "
            f"({pct(t.cumulative or 0, t.goal)})")
    if t.expected_percent is not None and t.pace in ("on_track", "behind"):
        text += f", tiến độ cần đạt {percent(t.expected_percent)}"
    return f"{text}: {PACE_WORDS.get(t.pace, '')}."


def _figures_sentences(line: DirectiveLine) -> list[str]:
    w = line.unit_word
    out = []
    if line.expected_units:
        all_missing = not line.units_reported and line.units_missing == line.expected_units
        if line.units_reported:
            s = (f"Có {line.units_reported}/{line.expected_units} {w} phải báo cáo đã báo cáo "
                 f"({pct(line.units_reported, line.expected_units)}), ")
            s += ("đều đúng hạn" if line.units_on_time == line.units_reported
                  else f"trong đó {line.units_on_time} đúng hạn, {line.units_late} trễ hạn")
        elif all_missing:
            s = f"Có {line.expected_units} {w} phải báo cáo, đã quá hạn nhưng chưa {w} nào báo cáo"
        else:
            s = f"Có {line.expected_units} {w} phải báo cáo, chưa {w} nào báo cáo"
        if line.units_missing and not all_missing:
            s += f"; {line.units_missing} {w} chưa báo cáo (đã quá hạn)"
        if line.units_missing and line.missing_names:
            s += f": {names(line.missing_names, word=w)}"
        if line.units_pending:
            s += f"; {line.units_pending} {w} chưa báo cáo nhưng còn trong hạn"
        out.append(s + ".")
        if line.reports:
            out.append(f"Trong kỳ có {line.reports} báo cáo đề cập việc thực hiện văn bản.")
    else:
        out.append(f"Trong kỳ không có đơn vị nào phải báo cáo định kỳ về văn bản này; có {line.reports} báo cáo"
                   f" của {line.reporting_units} đơn vị đề cập việc thực hiện văn bản.")
    assessed = [(line.links_done, "báo cáo đánh giá đã hoàn thành"), (line.links_in_progress, "đang thực hiện"),
                (line.links_behind, "chậm tiến độ"), (line.links_not_started, "chưa triển khai")]
    parts = [f"{n} {words}" for n, words in assessed if n]
    if parts:
        out.append("Theo tự đánh giá trong các báo cáo: " + ", ".join(parts) + ".")
    return out


def results(data: DocumentData) -> list[Block]:
    blocks = [Block("heading", "I. KẾT QUẢ THỰC HIỆN")]
    if not data.lines:
        return [*blocks, Block("para", "Trong kỳ chưa có số liệu tổng hợp.")]
    for i, line in enumerate(data.active, start=1):
        blocks.append(Block("heading", f"{i}. {directive_name(line.directive)}"))
        blocks.append(Block("para", " ".join(_figures_sentences(line))))
        blocks.extend(Block("item", target_sentence(t)) for t in line.targets)
        if line.quotes:
            blocks.append(Block("para", "Một số đánh giá trong báo cáo của các đơn vị:"))
            blocks.extend(Block("quote", f"{q.unit}: “{q.text}”") for q in line.quotes)
    if data.quiet:
        blocks.append(Block("para", "Trong kỳ không có đơn vị phải báo cáo và chưa có báo cáo về các văn bản: "
                                    + "; ".join(line.directive.label for line in data.quiet) + "."))
    return blocks


def shortcomings(data: DocumentData) -> list[Block]:
    blocks = [Block("heading", "II. HẠN CHẾ, TỒN TẠI")]
    items = []
    for line in data.active:
        w, parts = line.unit_word, []
        if line.units_missing:
            parts.append(f"{line.units_missing} {w} chưa báo cáo"
                         + (f" ({names(line.missing_names, word=w)})" if line.missing_names else ""))
        if line.units_late:
            parts.append(f"{line.units_late} {w} báo cáo trễ hạn"
                         + (f" ({names(line.late_names, word=w)})" if line.late_names else ""))
        if line.links_behind:
            parts.append(f"{line.links_behind} báo cáo tự đánh giá chậm tiến độ")
        if parts:
            items.append(f"{line.directive.label}: " + "; ".join(parts) + ".")
        for t in line.targets:
            if t.behind:
                items.append(f"Chỉ tiêu “{t.name}” ({line.directive.label}) lũy kế mới đạt "
                             f"{pct(t.cumulative or 0, t.goal)}"
                             + (f", thấp hơn tiến độ cần đạt {percent(t.expected_percent)}."
                                if t.pace == "behind" and t.expected_percent is not None
                                else ", đã quá thời hạn mà chưa đạt."))
    if not items:
        return [*blocks, Block("para", "Các đơn vị phải báo cáo đều đã báo cáo đúng hạn; "
                                       "các chỉ tiêu đạt yêu cầu tiến độ.")]
    return [*blocks, *(Block("item", text) for text in items)]


def tasks(data: DocumentData) -> list[Block]:
    blocks = [Block("heading", "III. NHIỆM VỤ THỜI GIAN TỚI"),
              Block("para", "(Văn phòng bổ sung các nhiệm vụ trọng tâm thời gian tới.)")]
    missing = sorted({n for line in data.active for n in line.missing_names})
    late = sorted({n for line in data.active for n in line.late_names} - set(missing))
    behind = [f"“{t.name}” ({line.directive.label})" for line in data.active for t in line.targets if t.behind]
    if missing:
        blocks.append(Block("item", f"Đôn đốc các đơn vị chưa báo cáo gửi báo cáo: {names(missing)}."))
    if late:
        blocks.append(Block("item", f"Nhắc nhở các đơn vị báo cáo trễ hạn bảo đảm thời hạn báo cáo kỳ tới: {names(late)}."))
    if behind:
        blocks.append(Block("item", "Tập trung lãnh đạo, chỉ đạo thực hiện các chỉ tiêu còn chậm so với tiến độ: "
                                    + "; ".join(behind) + "."))
    return blocks


def introduction(data: DocumentData, issuer: str) -> list[Block]:
    p = data.period
    text = (f"Thực hiện chế độ thông tin, báo cáo định kỳ, {issuer} báo cáo tình hình thực hiện các văn bản chỉ đạo "
            f"{p.label_vi} (từ ngày {p.start:%d/%m/%Y} đến ngày {p.end:%d/%m/%Y}) như sau:")
    total = (f"Trong kỳ, có {num(data.distinct_reports)} báo cáo của {num(data.reporting_units)} đơn vị trong Đảng bộ "
             f"đề cập việc thực hiện {len(data.active)} văn bản chỉ đạo.")
    blocks = [Block("para", text), Block("para", total)]
    if data.closed_at is not None:
        note = f"Số liệu đã được chốt ngày {timezone.localtime(data.closed_at):%d/%m/%Y}"
        if data.amended_after_close:
            note += (f"; có {data.amended_after_close} báo cáo được cập nhật sau khi chốt số liệu"
                     " (không tính vào số liệu dưới đây)")
        blocks.append(Block("para", note + "."))
    return blocks


def body(data: DocumentData, issuer: str) -> list[Block]:
    """The whole body, in order: introduction, I, II, III."""
    return [*introduction(data, issuer), *results(data), *shortcomings(data), *tasks(data)]
