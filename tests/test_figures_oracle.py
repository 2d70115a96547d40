"""Cross-surface oracle: every figure a user sees equals a direct count from the reports.

On random trees with random reports (``tests/oracle_world.py``), for every organisation,
directive and period: the summaries the jobs compute, the dashboard, ``/tong-hop/``, the
DOCX, the XLSX and the CSV all show the figures counted directly from the reports and links.
"""
from __future__ import annotations

import pytest

from meetings import summaries as S
from organizations.actors import system_actor
from resolutions.models import ProgressSummary
from tests import oracle_world as O

pytestmark = pytest.mark.django_db


def _compute(w: O.World) -> None:
    """The summary job over every period the world touches, as the nightly run does."""
    S.summaries_compute(actor=system_actor(), start=min(p.start for p in w.periods),
                        end=max(p.end for p in w.periods))


@pytest.mark.parametrize("seed", [3, 11])
def test_summaries_equal_direct_counts(seed):
    w = O.build(seed)
    _compute(w)
    reports = O.filed(w)
    problems = []
    for period in w.periods:
        rows = {(r.organization_id, r.directive_id): r for r in ProgressSummary.objects.filter(
            period_kind=period.kind, period_start=period.start)}
        expected = O.truths(w, period, reports)
        for org in w.orgs:
            for d in w.directives:
                t = expected[(org.pk, d.pk)]
                r = rows.get((org.pk, d.pk))
                got = (r.expected_units, r.units_on_time, r.units_late, r.units_pending, r.units_overdue, r.reports) if r else (0,) * 6
                want = (t.expected, t.on_time, t.late, t.pending, t.missing, t.reports)
                if got != want:
                    problems.append((period.key, org.code, d.pk, got, want))
    assert not problems, problems[:20]


# --------------------------------------------------------------------------------------
# Every surface a user reads, against the same direct counts
# --------------------------------------------------------------------------------------
#: The figures compared on every surface, by the glossary's names.
KEYS = ("expected", "on_time", "late", "missing", "pending", "reports")


def _int(text) -> int:
    """A count as a surface writes it ("1.234", "16 (94,1 %)", "—" for none)."""
    text = str(text if text is not None else "").strip()
    head = text.split(" ")[0].replace(".", "")
    return int(head) if head.isdigit() else 0


def _want(t: O.Truth) -> dict[str, int]:
    return {k: getattr(t, k) for k in KEYS}


def _table_rows(rows: list[list], header_first: str) -> tuple[list[str], list[list]]:
    """The header row (the first row whose first cell is ``header_first``) and the rows below it."""
    for i, row in enumerate(rows):
        if row and str(row[0] or "").strip() == header_first:
            return [str(h or "") for h in row], [r for r in rows[i + 1:] if any(v not in (None, "") for v in r)]
    raise AssertionError(f"no header row starting with {header_first!r} in {rows[:8]}")


#: The dashboard downloads' columns, by the glossary's names.
EXPORT_COLUMNS = {"expected": "Units expected to report", "on_time": "On time", "late": "Late",
                  "missing": "Missing", "pending": "Not yet due", "reports": "Reports on the directive"}


def _from_export(header: list[str], rows: list[list], labels: dict[str, int]) -> dict[int, dict[str, int]]:
    col = {k: header.index(v) for k, v in EXPORT_COLUMNS.items()}
    return {labels[str(r[0])]: {k: _int(r[i]) for k, i in col.items()} for r in rows}


def dashboard_csv(client, org, period, labels) -> dict[int, dict[str, int]]:
    import csv
    import io

    from django.urls import reverse

    response = client.get(reverse("dashboard-org", args=[org.pk]),
                          {"period_kind": period.kind, "period": period.key, "export": "csv", "table": "directives"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = _table_rows(rows, "Directive")
    return _from_export(header, body, labels)


def dashboard_xlsx(client, org, period, labels) -> dict[int, dict[str, int]]:
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    response = client.get(reverse("dashboard-org", args=[org.pk]),
                          {"period_kind": period.kind, "period": period.key, "export": "xlsx", "table": "directives"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content), read_only=True).active
    header, body = _table_rows([list(r) for r in ws.iter_rows(values_only=True)], "Directive")
    return _from_export(header, body, labels)


def drill_csv(client, org, directive, period, codes) -> dict[int, dict[str, int]]:
    """The directive drill-down's download: one row per unit below ``org``."""
    import csv
    import io

    from django.urls import reverse

    response = client.get(reverse("dashboard-directive", args=[org.pk, directive.pk]),
                          {"period_kind": period.kind, "period": period.key, "export": "csv", "table": "units"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, body = _table_rows(rows, "Unit")
    col = {k: header.index(v) for k, v in EXPORT_COLUMNS.items()}
    return {codes[r[1]]: {k: _int(r[i]) for k, i in col.items()} for r in body}


def summary_page(client, org, period) -> tuple[dict[int, dict[str, int]], int]:
    import lxml.html
    from django.urls import reverse

    response = client.get(reverse("summary-overview", args=[org.pk]), {"kind": period.kind, "period": period.key})
    assert response.status_code == 200
    html = lxml.html.fromstring(response.content.decode())
    labels = {"expected": "Units expected to report", "on_time": "On time", "late": "Late", "missing": "Missing",
              "pending": "Not yet due", "reports": "Reports on the directive"}
    out = {}
    for tr in html.xpath('//tr[@data-testid="summary-row"]'):
        href = tr.xpath(".//th//a/@href")[0]
        directive_id = int(href.split("?")[0].rstrip("/").split("/")[-1])
        cells = {td.get("data-label"): td.text_content() for td in tr.xpath("./td")}
        out[directive_id] = {k: _int(cells[v]) for k, v in labels.items()}
    total = html.xpath('//*[@data-testid="distinct-reports"]')[0].text_content()
    return out, _int(total)


def document(org, period, names) -> tuple[dict[int, dict[str, int]], str, dict]:
    """The DOCX's appendix and text, and the workbook's summary and units sheets, read back."""
    import io

    from docx import Document
    from openpyxl import load_workbook

    from meetings.documents import build_docx, build_xlsx, collect

    data = collect(organization=org, period=period, recompute=False)
    doc = Document(io.BytesIO(build_docx(data)))
    text = "\n".join(p.text for p in doc.paragraphs)
    appendix = {}
    for table in doc.tables:
        head = [c.text for c in table.rows[0].cells]
        if head[:2] != ["STT", "Văn bản"]:
            continue
        for row in table.rows[1:]:
            c = [cell.text for cell in row.cells]
            appendix[names[c[1]]] = {"expected": _int(c[2]), "reported": _int(c[3]), "on_time": _int(c[4]),
                                     "late": _int(c[5]), "missing": _int(c[6]), "reports": _int(c[7])}
    wb = load_workbook(io.BytesIO(build_xlsx(data)), read_only=True)
    header, body = _table_rows([list(r) for r in wb["Tổng hợp"].iter_rows(values_only=True)], "Văn bản")
    col = {k: header.index(v) for k, v in {
        "expected": "Đơn vị phải báo cáo", "on_time": "Đúng hạn", "late": "Trễ hạn",
        "missing": "Chưa báo cáo (đã quá hạn)", "pending": "Chưa báo cáo, còn trong hạn",
        "reports": "Số báo cáo đề cập văn bản"}.items()}
    sheet = {str(r[0]): {k: _int(r[i]) for k, i in col.items()} for r in body}
    _h, units = _table_rows([list(r) for r in wb["Chưa báo cáo, trễ hạn"].iter_rows(values_only=True)], "Văn bản")
    listed: dict = {}
    for label, unit, state in units:
        listed.setdefault((str(label), state), set()).add(unit)
    return appendix, text, {"sheet": sheet, "listed": listed, "sentence": str(
        next(r[0] for r in wb["Tổng hợp"].iter_rows(values_only=True) if r and str(r[0] or "").startswith("Trong kỳ")))}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [5])
def test_every_surface_shows_the_direct_counts(seed, client):
    """Dashboard (CSV and XLSX downloads), /tong-hop/, the DOCX and its workbook, for every unit and period."""
    from meetings.documents.assessment import directive_name
    from organizations.models import RoleKind
    from tests.factories import UserFactory, grant

    w = O.build(seed)
    _compute(w)
    reports = O.filed(w)
    leader = UserFactory(username=f"oracle{seed}")
    grant(leader, w.root, RoleKind.LEADER)
    client.force_login(leader)
    labels = {d.label: d.pk for d in w.directives}
    names = {directive_name(d): d.pk for d in w.directives}
    unit_names = {o.pk: o.name for o in w.orgs}
    checked = 0
    seen = dict.fromkeys(KEYS, 0)
    drilled = 0
    for period in w.periods:
        truth = O.truths(w, period, reports)
        for org in [o for o in w.orgs if o.kind != "cell"]:
            want = {d.pk: _want(truth[(org.pk, d.pk)]) for d in w.directives}
            shown = {d: v for d, v in want.items() if v["expected"] or v["reports"]}
            for v in shown.values():
                for k in KEYS:
                    seen[k] += v[k]
            csv_rows = dashboard_csv(client, org, period, labels)
            assert {d: csv_rows[d] for d in shown} == shown, ("dashboard CSV", org.code, period.key)
            xlsx_rows = dashboard_xlsx(client, org, period, labels)
            assert {d: xlsx_rows[d] for d in shown} == shown, ("dashboard XLSX", org.code, period.key)
            codes = {o.code: o.pk for o in w.orgs}
            for d in [x for x in w.directives if x.pk in shown]:
                units = drill_csv(client, org, d, period, codes)
                below = {u: _want(truth[(u, d.pk)]) for u in units}
                assert units == below, ("drill-down CSV", org.code, d.pk, period.key)
                drilled += len(units)
            page, total = summary_page(client, org, period)
            assert {d: page[d] for d in shown} == shown, ("/tong-hop/", org.code, period.key)
            assert total == O.distinct_reports(reports, org, period), ("/tong-hop/ distinct reports", org.code)
            appendix, text, book = document(org, period, names)
            assert set(appendix) == set(shown), ("DOCX appendix rows", org.code, period.key)
            for d, v in shown.items():
                a = appendix[d]
                assert {k: a[k] for k in ("expected", "on_time", "late", "missing", "reports")} == {
                    k: v[k] for k in ("expected", "on_time", "late", "missing", "reports")}, ("DOCX", org.code, period.key)
                assert a["reported"] == v["on_time"] + v["late"]
                label = next(x.label for x in w.directives if x.pk == d)
                assert book["sheet"][label] == v, ("XLSX", org.code, period.key)
                t = truth[(org.pk, d)]
                assert book["listed"].get((label, "Chưa báo cáo"), set()) == {unit_names[u] for u in t.missing_units}
                assert book["listed"].get((label, "Báo cáo trễ hạn"), set()) == {unit_names[u] for u in t.late_units}
            distinct = O.distinct_reports(reports, org, period)
            assert f"có {distinct} báo cáo" in book["sentence"], book["sentence"]
            if shown:
                assert f"có {distinct} báo cáo" in text, ("DOCX distinct reports", org.code, period.key)
            checked += 1
    assert checked > 20 and drilled > 50
    assert all(seen.values()), f"the world lacks a case: {seen}"  # on time, late, missing, pending all occur
