"""Leaders' dashboards: figures, drill-down, matrix, filters, exports, scope and query bounds.

The summaries are created here through the ORM (leaf rows with known figures, parents as the
sum of their children, as the summary jobs write them), so the expected figures are direct
counts of what the test created — independent of the summary computation.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from organizations.models import Organization, OrganKind, OrgKind, RoleKind
from resolutions import periods as P
from resolutions.models import Aggregation, ProgressSummary, TargetProgress
from resolutions.symbols import DirectiveKind
from tests.factories import (
    DirectiveFactory,
    OrganFactory,
    TargetFactory,
    UserFactory,
    grant,
    make_org,
)

pytestmark = [pytest.mark.django_db]

MONTHS = [P.period_of(P.MONTH, dt.date(2019, m, 1)) for m in range(1, 7)]
YEAR = P.period_of(P.YEAR, dt.date(2019, 1, 1))
FIGURES = ("expected_units", "reported_units", "reporting_units", "reports", "links_not_started", "links_in_progress",
           "links_behind", "links_done", "units_on_time", "units_late", "units_pending", "units_overdue")


@dataclass
class World:
    root: Organization
    blocs: list[Organization]
    grassroots: list[Organization]
    cells: list[Organization]
    directives: list
    targets: list
    #: (directive id, org id, period) → figures summed over the cells below (and at) the org
    leaf: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)


def _cell_figures(i: int, j: int, m: int) -> dict[str, int]:
    """Deterministic, varied figures for cell ``i``, directive ``j``, month ``m``; one expected unit."""
    k = (i * 7 + j * 3 + m) % 5
    status = ("units_on_time", "units_late", "units_pending", "units_overdue", "units_on_time")[k]
    reported = 1 if status in ("units_on_time", "units_late") else 0
    return {
        "expected_units": 1, "reported_units": reported, "reporting_units": reported, "reports": reported,
        "links_not_started": 0, "links_in_progress": reported if k == 4 else 0, "links_behind": 0,
        "links_done": reported if k != 4 else 0, "units_on_time": 0, "units_late": 0, "units_pending": 0,
        "units_overdue": 0, status: 1,
    }


def build_world(code: str, *, blocs: int, grassroots: int, cells: int, directives: int,
                root: Organization | None = None) -> World:
    """A province → blocs → grassroots → cells tree with monthly and yearly summaries of 2019."""
    top = root or make_org(code=code, kind=OrgKind.PROVINCE, name=f"Thành ủy {code}")
    w = World(top, [], [], [], [], [])
    for b in range(blocs):
        bloc = make_org(top, code=f"{code}-B{b}", kind=OrgKind.BLOC, name=f"Đảng ủy Khối {code} {b}")
        w.blocs.append(bloc)
        for g in range(grassroots):
            gr = make_org(bloc, code=f"{code}-B{b}-G{g}", kind=OrgKind.GRASSROOTS, name=f"Đảng bộ {code} {b}.{g}")
            w.grassroots.append(gr)
            for c in range(cells):
                w.cells.append(make_org(gr, code=f"{code}-B{b}-G{g}-C{c}", kind=OrgKind.CELL, name=f"Chi bộ {code} {b}.{g}.{c}"))
    orgs = {o.pk: o for o in Organization.objects.filter(path__startswith=top.path)}
    w.root = orgs[top.pk]
    w.blocs = [orgs[o.pk] for o in w.blocs]
    w.grassroots = [orgs[o.pk] for o in w.grassroots]
    w.cells = [orgs[o.pk] for o in w.cells]
    issuers = [OrganFactory(), OrganFactory(key="tu", name="Ban Thường vụ Thành ủy", kind=OrganKind.STANDING_COMMITTEE,
                                            symbol_code="TU", organization=w.root)]
    for j in range(directives):
        kind = DirectiveKind.CHI_THI if j % 2 == 0 else DirectiveKind.NGHI_QUYET
        d = DirectiveFactory(kind=kind, issuer=issuers[j % 2], title=f"Văn bản {code} {j}")
        w.directives.append(d)
        w.targets.append(TargetFactory(directive=d, name=f"Kết nạp đảng viên {j}", value=Decimal(50 * len(w.cells)),
                                       deadline=dt.date(2020, 12, 31), aggregation=Aggregation.SUM))
    now = timezone.now()
    ancestors_of = {o.pk: [a for a in orgs.values() if o.path.startswith(a.path)] for o in w.cells}
    rows: dict[tuple, dict] = {}
    values: dict[tuple, Decimal] = {}
    for period in MONTHS + [YEAR]:
        for j, d in enumerate(w.directives):
            for i, cell in enumerate(w.cells):
                months = range(1, 7) if period.kind == P.YEAR else [period.start.month]
                figs = {k: 0 for k in FIGURES}
                for m in months:
                    for k, v in _cell_figures(i, j, m).items():
                        figs[k] += v
                value = Decimal(i % 3 + 1) * len(months)
                for a in ancestors_of[cell.pk]:
                    key = (d.pk, a.pk, period)
                    acc = rows.setdefault(key, {k: 0 for k in FIGURES})
                    for k, v in figs.items():
                        acc[k] += v
                    values[key] = values.get(key, Decimal(0)) + value
    summaries = {key: ProgressSummary(directive_id=key[0], organization_id=key[1], unit_level=orgs[key[1]].level,
                                      period_kind=key[2].kind,
                                      period_start=key[2].start, period_end=key[2].end, computed_at=now,
                                      last_report_date=key[2].end, **figs)
                 for key, figs in rows.items()}
    ProgressSummary.objects.bulk_create(summaries.values())
    target_of = {t.directive_id: t for t in w.targets}
    TargetProgress.objects.bulk_create(
        TargetProgress(summary=summaries[key], target=target_of[key[0]], organization_id=key[1],
                       period_kind=key[2].kind, period_start=key[2].start, value=v, contributions=1)
        for key, v in values.items())
    w.leaf = rows
    w.values = values
    return w


def figures(w: World, directive, org: Organization, period) -> dict[str, int]:
    """Direct counts of the rows the test created (the sum over the cells below ``org``)."""
    return w.leaf[(directive.pk, org.pk, period)]


def leader(org: Organization, username: str):
    user = UserFactory(username=username)
    grant(user, org, RoleKind.LEADER)
    return user


@pytest.fixture
def world(db) -> World:
    return build_world("HCM", blocs=2, grassroots=2, cells=2, directives=3)


@pytest.fixture
def boss(client, world):
    client.force_login(leader(world.root, "bithu"))
    return client


def month(m: int) -> dict[str, str]:
    return {"period_kind": "month", "period": f"2019-{m:02d}"}


def page_rows(response) -> dict[int, object]:
    return {r.directive.pk: r for r in response.context["rows"]}


# ----------------------------------------------------------------------------------------
# Figures
# ----------------------------------------------------------------------------------------
def test_dashboard_figures_equal_the_rows_below(boss, world):
    response = boss.get(reverse("dashboard-org", args=[world.root.pk]), month(6))
    assert response.status_code == 200
    rows = page_rows(response)
    assert set(rows) == {d.pk for d in world.directives}
    html = response.content.decode()
    for d in world.directives:
        expected = figures(world, d, world.root, MONTHS[5])
        s = rows[d.pk].summary
        assert {k: getattr(s, k) for k in FIGURES} == expected
        assert expected["expected_units"] == len(world.cells)
        # "Late units" are the units that reported late; a unit whose report never came is
        # missing, not late (issue 14: one definition of late and missing everywhere).
        assert (rows[d.pk].late_units, rows[d.pk].missing_units) == (expected["units_late"], expected["units_overdue"])
        assert f"{expected['reported_units']} / {len(world.cells)} units" in html
    # Targets: accumulated over the months of the term up to the period, against the goal.
    d = world.directives[0]
    t = rows[d.pk].targets[0]
    cumulative = sum(world.values[(d.pk, world.root.pk, p)] for p in MONTHS)
    assert t.value == cumulative
    assert t.percent == pytest.approx(round(float(cumulative) * 100 / float(world.targets[0].value), 1))
    assert t.pace in ("on_track", "behind")
    # ... and only up to the period shown.
    march = page_rows(boss.get(reverse("dashboard-org", args=[world.root.pk]), month(3)))
    assert march[d.pk].targets[0].value == sum(world.values[(d.pk, world.root.pk, p)] for p in MONTHS[:3])


def test_targets_add_up_as_each_says_sum_max_or_latest(boss, world):
    """A term's months add up (sum), give their best month (max) or their last one (latest), up to the period."""
    monthly = {1: Decimal(5), 2: Decimal(40), 3: Decimal("7.5"), 4: Decimal(12), 5: Decimal(3), 6: Decimal(9)}
    aggregations = dict(zip(world.targets, (Aggregation.SUM, Aggregation.MAX, Aggregation.LATEST), strict=True))
    for target, aggregation in aggregations.items():
        target.aggregation = aggregation
        target.save(update_fields=["aggregation"])
        for m, value in monthly.items():
            TargetProgress.objects.filter(target=target, organization=world.root, period_kind=P.MONTH,
                                          period_start=MONTHS[m - 1].start).update(value=value)
    expected = {  # month shown → (sum, max, latest) of the months of the term up to it
        6: (Decimal("76.5"), Decimal(40), Decimal(9)),
        4: (Decimal("64.5"), Decimal(40), Decimal(12)),
        1: (Decimal(5), Decimal(5), Decimal(5)),
    }
    for shown, values in expected.items():
        rows = page_rows(boss.get(reverse("dashboard-org", args=[world.root.pk]), month(shown)))
        got = tuple(rows[t.directive_id].targets[0].value for t in aggregations)
        assert got == values, shown
    # The directive page reads the same values for the unit and for each unit below it.
    latest = world.targets[2]
    drill = boss.get(reverse("dashboard-directive", args=[world.root.pk, latest.directive_id]), month(6)).context["drill"]
    assert drill.own.targets[0].value == Decimal(9)
    for row in drill.units:
        assert row.targets[0].value == world.values[(latest.directive_id, row.organization.pk, MONTHS[5])]


def test_figures_stay_right_page_after_page_once_the_reads_are_prepared(boss, world):
    """The hot reads are prepared after a few runs and then planned once for any unit and period.

    Every unit's directive page and dashboard, month after month, three times over: each
    figure, target value and trend point equals the direct counts whichever plan answered.
    """
    units = [world.root, *world.blocs, *world.grassroots]
    for _round in range(3):
        for m in (6, 3, 1):
            for org in units:
                rows = page_rows(boss.get(reverse("dashboard-org", args=[org.pk]), month(m)))
                for d in world.directives:
                    row = rows[d.pk]
                    assert {k: getattr(row.summary, k) for k in FIGURES} == figures(world, d, org, MONTHS[m - 1])
                    assert row.targets[0].value == sum(world.values[(d.pk, org.pk, p)] for p in MONTHS[:m])
                    assert [(p.reported, p.expected) for p in row.trend if p.expected is not None] == [
                        (figures(world, d, org, p)["reported_units"], figures(world, d, org, p)["expected_units"])
                        for p in MONTHS[:m]]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = " ".join(row[0] for row in cursor.fetchall())
        # The period list, the target values and the trend: read by prepared statements.
        assert "SELECT DISTINCT period_start" in prepared
        assert "FROM \"resolutions_targetprogress\"" in prepared
        assert "units_overdue, units_late FROM" in prepared


def table_body(html: str) -> str:
    """The body of a page's figures table (dashboard, units or matrix)."""
    start = html.index("<tbody>", html.index('data-testid="' + next(
        t for t in ("dashboard-table", "units-table", "matrix") if f'data-testid="{t}"' in html)))
    return html[start:html.index("</tbody>", start)]


def test_tables_drawn_from_the_cache_show_new_figures_after_a_recompute(boss, world):
    """The table bodies are cached; a recompute (a later ``computed_at``) is drawn at once."""
    d, bloc = world.directives[0], world.blocs[0]
    pages = [(reverse("dashboard-org", args=[world.root.pk]), world.root, False),
             (reverse("dashboard-directive", args=[world.root.pk, d.pk]), bloc, False),
             (reverse("dashboard-matrix", args=[world.root.pk]), bloc, True)]
    for url, org, is_matrix in pages:
        first = boss.get(url, month(6)).content.decode()
        assert table_body(boss.get(url, month(6)).content.decode()) == table_body(first)  # from the cache
        summary = ProgressSummary.objects.get(organization=org, directive=d, period_kind=P.MONTH,
                                              period_start=MONTHS[5].start)
        shown = (f'data-reports="{summary.reports}"' if not is_matrix
                 else f"{round(100 * summary.reported_units / summary.expected_units)}%")
        assert shown in table_body(first)
        # Figures that change neither the rows' order nor their status: only the cache key can tell.
        changed = ({"reported_units": summary.reported_units - 1} if is_matrix else {"reports": summary.reports + 1000})
        ProgressSummary.objects.filter(pk=summary.pk).update(**changed, computed_at=timezone.now() + dt.timedelta(seconds=1))
        again = boss.get(url, month(6)).content.decode()
        new = (f'data-reports="{summary.reports + 1000}"' if not is_matrix
               else f"{round(100 * (summary.reported_units - 1) / summary.expected_units)}%")
        assert new in table_body(again), url


def test_rows_needing_attention_come_first(boss, world):
    rows = list(boss.get(reverse("dashboard-org", args=[world.root.pk]), month(6)).context["rows"])
    ranks = [r.status.rank for r in rows]
    assert ranks == sorted(ranks)
    overdue = [r.summary.units_overdue for r in rows if r.status.key == "overdue"]
    assert overdue == sorted(overdue, reverse=True)


def test_trend_covers_recent_periods(boss, world):
    response = boss.get(reverse("dashboard-org", args=[world.root.pk]), month(6))
    row = page_rows(response)[world.directives[1].pk]
    assert [p.period for p in row.trend] == MONTHS
    for p in row.trend:
        f = figures(world, world.directives[1], world.root, p.period)
        assert (p.reported, p.expected) == (f["reported_units"], f["expected_units"])


def test_without_a_period_the_latest_with_figures_is_shown_and_said(boss, world):
    response = boss.get(reverse("dashboard"))
    assert response.status_code == 200
    selection = response.context["selection"]
    assert selection.fell_back and selection.period == MONTHS[-1]
    assert 'data-testid="period-fallback"' in response.content.decode()
    year = boss.get(reverse("dashboard"), {"period_kind": "year"}).context["selection"]
    assert year.period == YEAR and year.fell_back


def test_an_explicit_period_without_figures_says_so(boss, world):
    response = boss.get(reverse("dashboard"), month(11))
    assert response.context["rows"] == []
    assert "There are no figures for this period yet." in response.content.decode()


def test_bad_period_is_reported_not_an_error(boss, world):
    response = boss.get(reverse("dashboard"), {"period_kind": "month", "period": "2019-13"})
    assert response.status_code == 200
    assert "is not a period" in response.content.decode()


@pytest.mark.parametrize("kind, key", [("month", "0001-01"), ("month", "9999-12"), ("quarter", "9999-Q4"),
                                       ("half", "0001-H1"), ("year", "9999"), ("term", "0001-0005"),
                                       ("term", "9991-9995"), ("month", "2100-01")])
def test_a_period_outside_the_register_years_falls_back_and_says_why_next_to_the_field(boss, world, kind, key):
    """Years 0001 and 9999 used to answer 500 on every dashboard page."""
    d = world.directives[0]
    for url in (reverse("dashboard"), reverse("dashboard-directive", args=[world.root.pk, d.pk]),
                reverse("dashboard-matrix", args=[world.root.pk])):
        response = boss.get(url, {"period_kind": kind, "period": key})
        assert response.status_code == 200
        assert response.context["filter"].form.errors["period"] == [
            f"Periods run from 2016 to {timezone.localdate().year + 1}: showing the current one."]
        assert response.context["period"].kind == kind and P.known_bounds().admits(response.context["period"])


@pytest.mark.vietnamese
def test_a_period_that_is_no_period_is_said_in_vietnamese(boss, world):
    response = boss.get(reverse("dashboard"), {"period_kind": "month", "period": "٢٠١٩-١١"})
    assert response.status_code == 200
    assert "Đây không phải là một kỳ" in response.content.decode()


# ----------------------------------------------------------------------------------------
# Drill-down
# ----------------------------------------------------------------------------------------
def test_directive_page_lists_children_with_their_figures(boss, world):
    d = world.directives[0]
    response = boss.get(reverse("dashboard-directive", args=[world.root.pk, d.pk]), month(6))
    assert response.status_code == 200
    drill = response.context["drill"]
    assert {r.organization.pk for r in drill.units} == {b.pk for b in world.blocs}
    for r in drill.units:
        assert {k: getattr(r.summary, k) for k in FIGURES} == figures(world, d, r.organization, MONTHS[5])
    assert drill.own.summary.expected_units == len(world.cells)
    html = response.content.decode()
    for b in world.blocs:
        assert reverse("dashboard-directive", args=[b.pk, d.pk]) in html


def test_drill_down_to_a_cell_and_its_reports(boss, world):
    d = world.directives[0]
    path = [world.root, world.blocs[0], world.grassroots[0], world.cells[0]]
    for parent, child in zip(path, path[1:], strict=False):
        response = boss.get(reverse("dashboard-directive", args=[parent.pk, d.pk]), month(6))
        assert reverse("dashboard-directive", args=[child.pk, d.pk]) in response.content.decode()
    response = boss.get(reverse("dashboard-directive", args=[world.cells[0].pk, d.pk]), month(6))
    drill = response.context["drill"]
    assert drill.is_cell
    assert drill.own.summary.expected_units == 1
    # The cell links to its reports on the directive in the period (the report list, by URL name).
    url = urlsplit(response.context["subtree_reports_url"])
    assert url.path == reverse("report-list")
    assert parse_qs(url.query) == {"organization": [str(world.cells[0].pk)], "directive": [str(d.pk)],
                                   "period_from": ["2019-06-01"], "period_to": ["2019-06-30"]}
    # Breadcrumbs lead back up, each to the same directive one level higher.
    html = response.content.decode()
    for a in path[:-1]:
        assert reverse("dashboard-directive", args=[a.pk, d.pk]) in html


def test_report_list_link_shows_the_cells_reports(boss, world):
    """The link target accepts the filters (the report list belongs to meetings)."""
    d = world.directives[0]
    response = boss.get(reverse("dashboard-directive", args=[world.cells[0].pk, d.pk]), month(6))
    listing = boss.get(response.context["subtree_reports_url"])
    assert listing.status_code == 200


def test_unit_level_compares_every_unit_of_a_level(boss, world):
    d = world.directives[0]
    response = boss.get(reverse("dashboard-directive", args=[world.root.pk, d.pk]), {**month(6), "level": "4"})
    assert {r.organization.pk for r in response.context["drill"].units} == {c.pk for c in world.cells}
    response = boss.get(reverse("dashboard-matrix", args=[world.root.pk]), {**month(6), "level": "3"})
    assert [u.pk for u, _cells in response.context["matrix"].units] == [g.pk for g in world.grassroots]


def test_a_level_page_number_out_of_range_shows_the_first_page(boss, world):
    """Level pages are not counted: a page past the end, or no number at all, shows page 1."""
    d = world.directives[0]
    url = reverse("dashboard-directive", args=[world.root.pk, d.pk])
    first = boss.get(url, {**month(6), "level": "4"}).context["drill"]
    assert first.page.number == 1 and len(first.units) == len(world.cells)
    for page in ("7", "99999999999999999999999", "abc", "-3"):
        response = boss.get(url, {**month(6), "level": "4", "page": page})
        assert response.status_code == 200
        drill = response.context["drill"]
        assert drill.page.number == 1 and [r.organization.pk for r in drill.units] == [r.organization.pk for r in first.units]


# ----------------------------------------------------------------------------------------
# Matrix
# ----------------------------------------------------------------------------------------
def test_matrix_of_children_by_directive(boss, world):
    response = boss.get(reverse("dashboard-matrix", args=[world.root.pk]), month(6))
    assert response.status_code == 200
    m = response.context["matrix"]
    assert {d.pk for d in m.directives} == {d.pk for d in world.directives}
    assert [u.pk for u, _cells in m.units] == [b.pk for b in world.blocs]
    for unit, cells in m.units:
        for d, cell in zip(m.directives, cells, strict=True):
            f = figures(world, d, unit, MONTHS[5])
            assert cell.row.summary.reported_units == f["reported_units"]
            assert cell.row.coverage == round(100 * f["reported_units"] / f["expected_units"], 1)
    html = response.content.decode()
    assert reverse("dashboard-directive", args=[world.blocs[0].pk, m.directives[0].pk]) in html


@pytest.mark.parametrize("per_page", [1, 2, 3])
def test_children_fill_pages_whether_or_not_one_page_holds_them(boss, world, monkeypatch, per_page):
    """A unit with more children than a page pages them; with fewer, one page shows them all, uncounted."""
    from resolutions.dashboards import drill, matrices

    monkeypatch.setattr(drill, "UNITS_PER_PAGE", per_page)
    monkeypatch.setattr(matrices, "MATRIX_UNITS_PER_PAGE", per_page)
    d = world.directives[0]
    pages = -(-len(world.blocs) // per_page)  # the root has two blocs
    seen_drill, seen_matrix = [], []
    for number in range(1, pages + 1):
        q = {**month(6), "page": str(number)}
        drill = boss.get(reverse("dashboard-directive", args=[world.root.pk, d.pk]), q).context["drill"]
        assert drill.page.number == number and drill.page.paginator.num_pages == pages
        seen_drill += [r.organization.pk for r in drill.units]
        m = boss.get(reverse("dashboard-matrix", args=[world.root.pk]), q).context["matrix"]
        assert m.page.number == number and m.page.paginator.num_pages == pages
        seen_matrix += [u.pk for u, _cells in m.units]
    assert sorted(seen_drill) == sorted(b.pk for b in world.blocs)
    assert seen_matrix == [b.pk for b in world.blocs]
    # A page past the end shows the last one, as Django's paginator does.
    drill = boss.get(reverse("dashboard-directive", args=[world.root.pk, d.pk]), {**month(6), "page": "9"}).context["drill"]
    assert drill.page.number == pages


# ----------------------------------------------------------------------------------------
# Filters
# ----------------------------------------------------------------------------------------
def test_filters_by_kind_issuer_and_term(boss, world):
    url = reverse("dashboard-org", args=[world.root.pk])
    rows = page_rows(boss.get(url, {**month(6), "kind": DirectiveKind.NGHI_QUYET}))
    assert set(rows) == {d.pk for d in world.directives if d.kind == DirectiveKind.NGHI_QUYET}
    issuer = world.directives[1].issuer
    rows = page_rows(boss.get(url, {**month(6), "issuer": issuer.pk}))
    assert set(rows) == {d.pk for d in world.directives if d.issuer_id == issuer.pk}
    rows = page_rows(boss.get(url, {**month(6), "term": world.directives[0].term_id}))
    assert set(rows) == {d.pk for d in world.directives if d.term_id == world.directives[0].term_id}
    # Bookmarkable: the form shows the filters of the URL, the tabs keep them.
    response = boss.get(url, {**month(6), "kind": DirectiveKind.NGHI_QUYET})
    html = response.content.decode()
    assert f'value="{DirectiveKind.NGHI_QUYET}" selected' in html
    assert "kind=NQ" in response.context["querystring"]
    assert f"{reverse('dashboard-matrix', args=[world.root.pk])}?" in html


def test_period_kinds(boss, world):
    response = boss.get(reverse("dashboard-org", args=[world.root.pk]), {"period_kind": "year", "period": "2019"})
    rows = page_rows(response)
    d = world.directives[2]
    assert rows[d.pk].summary.expected_units == figures(world, d, world.root, YEAR)["expected_units"] == 6 * len(world.cells)


def test_invalid_filter_values_are_shown_and_ignored(boss, world):
    response = boss.get(reverse("dashboard-org", args=[world.root.pk]), {**month(6), "issuer": "999999"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == len(world.directives)
    assert response.context["filter"].form.errors


# ----------------------------------------------------------------------------------------
# Exports
# ----------------------------------------------------------------------------------------
def after_title_rows(rows: list) -> list:
    """A download's table: the rows after its title rows and the blank row below them."""
    blank = next(i for i, r in enumerate(rows) if not any(r))
    return rows[blank + 1:]


def csv_table(content: bytes) -> list[list[str]]:
    """A CSV download read as Excel set to Vietnamese reads it (``;`` between cells)."""
    return after_title_rows(list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")))


def csv_dicts(content: bytes) -> list[dict[str, str]]:
    header, *rows = csv_table(content)
    return [dict(zip(header, r, strict=True)) for r in rows]


def decimal_comma(text: str) -> float:
    return float(text.replace(",", "."))


def test_xlsx_export_of_the_dashboard(boss, world):
    response = boss.get(reverse("dashboard-org", args=[world.root.pk]), {**month(6), "export": "xlsx", "table": "directives"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    every = list(ws.iter_rows(values_only=True))
    # Title rows above the table: whose figures, which period in words, where they are explained.
    assert every[0][0] == str(world.root)
    assert "Month 06/2019" in every[1][0] and every[2][0].startswith("Generated on ")
    assert "How figures are computed" in every[3][0]
    rows = after_title_rows(every)
    header = list(rows[0])
    assert ws.freeze_panes == f"A{len(every) - len(rows) + 2}"  # the header stays in view
    by_label = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert len(by_label) == len(world.directives)
    for d in world.directives:
        f = figures(world, d, world.root, MONTHS[5])
        row = by_label[d.label]
        assert row["Units expected to report"] == f["expected_units"]
        assert row["Reported"] == f["reported_units"]
        assert row["Missing"] == f["units_overdue"]
        assert row["Late"] == f["units_late"]


def test_csv_exports_of_every_table(boss, world):
    d = world.directives[0]
    pages = [
        (reverse("dashboard-org", args=[world.root.pk]), ["directives", "targets", "trend"]),
        (reverse("dashboard-directive", args=[world.root.pk, d.pk]), ["units", "history"]),
        (reverse("dashboard-matrix", args=[world.root.pk]), ["matrix"]),
    ]
    for url, tables in pages:
        for table in tables:
            response = boss.get(url, {**month(6), "export": "csv", "table": table})
            assert response.status_code == 200, (url, table)
            assert len(csv_table(response.content)) > 1
    rows = csv_dicts(boss.get(pages[1][0], {**month(6), "export": "csv", "table": "units"}).content)
    by_code = {r["Code"]: r for r in rows}
    for b in world.blocs:
        f = figures(world, d, b, MONTHS[5])
        assert int(by_code[b.code]["Reported"]) == f["reported_units"]
        assert int(by_code[b.code]["Units expected to report"]) == f["expected_units"]
    matrix = {r["Code"]: r for r in csv_dicts(boss.get(pages[2][0], {**month(6), "export": "csv", "table": "matrix"}).content)}
    f = figures(world, d, world.blocs[1], MONTHS[5])
    assert decimal_comma(matrix[world.blocs[1].code][d.label]) == round(100 * f["reported_units"] / f["expected_units"], 1)
    # The trend's download carries the coverage of each period (computed for it alone).
    trend = {r[0]: r for r in csv_table(boss.get(pages[0][0], {**month(6), "export": "csv", "table": "trend"}).content)}
    f = figures(world, d, world.root, MONTHS[5])
    assert decimal_comma(trend[d.label][-1]) == round(100 * f["reported_units"] / f["expected_units"], 1)
    # Targets say how they add up in words, never the code.
    targets = csv_dicts(boss.get(pages[0][0], {**month(6), "export": "csv", "table": "targets"}).content)
    assert targets and {r["Computed as"] for r in targets} == {"Sum of contributions"}
    assert boss.get(pages[0][0], {**month(6), "export": "pdf"}).status_code == 404
    assert boss.get(pages[0][0], {**month(6), "export": "csv", "table": "nope"}).status_code == 404


def test_dashboard_links_the_summary_document(boss, world):
    html = boss.get(reverse("dashboard-org", args=[world.root.pk]), month(6)).content.decode()
    assert "Periodic summary document" in html


# ----------------------------------------------------------------------------------------
# Scope
# ----------------------------------------------------------------------------------------
def _pages(world):
    d = world.directives[0]
    return lambda org: [reverse("dashboard-org", args=[org.pk]), reverse("dashboard-matrix", args=[org.pk]),
                        reverse("dashboard-directive", args=[org.pk, d.pk])]


def test_anonymous_users_are_sent_to_login(client, world):
    for url in [reverse("dashboard")] + _pages(world)(world.root):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_staff_without_leader_role_cannot_read_dashboards(client, world):
    user = UserFactory(username="canbo")
    grant(user, world.root, RoleKind.STAFF)
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == 403
    for url in _pages(world)(world.root):
        assert client.get(url).status_code == 404


def test_leader_sees_own_subtree_only(client, world):
    client.force_login(leader(world.blocs[0], "lanhdao.khoi"))
    home = client.get(reverse("dashboard"), month(6))
    assert home.context["organization"].pk == world.blocs[0].pk
    # Its figures are its subtree's.
    d = world.directives[0]
    assert page_rows(home)[d.pk].summary.expected_units == figures(world, d, world.blocs[0], MONTHS[5])["expected_units"]
    pages = _pages(world)
    for url in pages(world.blocs[0]) + pages(world.cells[0]):
        assert client.get(url, month(6)).status_code == 200
    for org in (world.blocs[1], world.root, world.cells[-1]):  # sibling, parent, a cell of the sibling
        for url in pages(org):
            assert client.get(url, month(6)).status_code == 404
    # Breadcrumbs never link above the leader's scope.
    html = client.get(reverse("dashboard-org", args=[world.cells[0].pk]), month(6)).content.decode()
    assert reverse("dashboard-org", args=[world.root.pk]) not in html
    assert reverse("dashboard-org", args=[world.blocs[0].pk]) in html


def test_superuser_starts_at_the_root(client, world):
    admin = UserFactory(username="ops", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("dashboard"), month(6)).context["organization"].pk == world.root.pk
    assert client.get(reverse("dashboard-plain")).status_code == 200


def test_plain_benchmark_page_is_for_operators_only(boss):
    """It lists units of the whole country: a leader, or a user with is_staff, finds no such page."""
    assert boss.get(reverse("dashboard-plain")).status_code == 404
    staff = UserFactory(username="django-staff", is_staff=True)
    boss.force_login(staff)
    assert boss.get(reverse("dashboard-plain")).status_code == 404


# ----------------------------------------------------------------------------------------
# Bounded queries: the same count on a tree ten times larger
# ----------------------------------------------------------------------------------------
def _count(client, url, params) -> int:
    """Queries of one request, the register's cached filter choices included (the worst case)."""
    from resolutions.selectors import forget_register_choices

    forget_register_choices()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_tree(client):
    small = build_world("S", blocs=1, grassroots=2, cells=2, directives=2)   # 8 units
    large = build_world("L", blocs=2, grassroots=5, cells=7, directives=5)   # 82 units, 2.5× the directives
    counts = {}
    for name, w in (("small", small), ("large", large)):
        client.force_login(leader(w.root, f"lead-{name}"))
        d = w.directives[0]
        urls = {
            "home": (reverse("dashboard"), {}),
            "dashboard": (reverse("dashboard-org", args=[w.root.pk]), month(6)),
            "filtered": (reverse("dashboard-org", args=[w.root.pk]), {**month(6), "kind": "CT", "issuer": d.issuer_id}),
            "directive": (reverse("dashboard-directive", args=[w.root.pk, d.pk]), month(6)),
            "directive-level": (reverse("dashboard-directive", args=[w.root.pk, d.pk]), {**month(6), "level": "4"}),
            "cell": (reverse("dashboard-directive", args=[w.cells[0].pk, d.pk]), month(6)),
            "matrix": (reverse("dashboard-matrix", args=[w.root.pk]), month(6)),
            "matrix-level": (reverse("dashboard-matrix", args=[w.root.pk]), {**month(6), "level": "4"}),
            "export-xlsx": (reverse("dashboard-org", args=[w.root.pk]), {**month(6), "export": "xlsx"}),
            "export-csv": (reverse("dashboard-directive", args=[w.root.pk, d.pk]), {**month(6), "export": "csv", "table": "units"}),
        }
        counts[name] = {key: _count(client, url, params) for key, (url, params) in urls.items()}
        client.logout()
    assert counts["small"] == counts["large"]
    assert max(counts["large"].values()) <= 20, counts["large"]
