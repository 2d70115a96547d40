"""A random committee tree with random reports, and the figures counted directly from them.

The cross-surface oracle (``tests/test_figures_oracle.py``) compares every figure a user
sees on the dashboard, ``/tong-hop/``, the DOCX, the XLSX and the CSV with the counts made
here — from the reports, links and contributions themselves, by the definitions of the
glossary, written out again independently of the summary SQL and of the read model.

The world is built relative to today, so that the months before today are due (on time,
late or missing) and the last ones are still within their due date (pending), whatever day
the suite runs.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from meetings.models import Assessment, ImplementationLink, Report, ReportStatus, TargetContribution
from organizations.models import Organization, OrgKind
from resolutions import periods as P
from resolutions.models import Aggregation, Assignment, Directive, Target
from tests.factories import (
    AssignmentFactory,
    DirectiveFactory,
    LinkFactory,
    ReportFactory,
    TargetFactory,
    make_org,
)

COUNTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


@dataclass
class World:
    today: dt.date
    root: Organization
    orgs: list[Organization]
    directives: list[Directive]
    months: list[P.Period]
    periods: list[P.Period] = field(default_factory=list)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def build(seed: int, *, code: str = "OR") -> World:
    """A province → districts → grassroots → cells tree with four directives and a half-year of reports.

    - D0: every cell reports monthly (assigned at the root);
    - D1: the grassroots units of one district report quarterly;
    - D2: one grassroots unit itself reports monthly (no reporter kind);
    - D3: assigned to nobody, yet cited by some reports (no unit is expected: never late).
    Reports come on time, late, twice, as drafts or returned, or not at all; some units
    that are not expected report too.
    """
    rng = random.Random(seed)
    today = timezone.localdate()
    this_month = P.period_of(P.MONTH, today)
    months = [this_month]
    for _ in range(6):
        months.insert(0, months[0].previous())
    root = make_org(code=code, kind=OrgKind.PROVINCE, name=f"Tỉnh ủy Ngẫu nhiên {seed}")
    orgs = [root]
    districts, grassroots, cells = [], [], []
    for d in range(rng.randint(2, 3)):
        dist = make_org(root, code=f"{code}-{d}", kind=OrgKind.DISTRICT, name=f"Huyện ủy Số {d}")
        districts.append(dist)
        for g in range(rng.randint(1, 3)):
            gr = make_org(dist, code=f"{code}-{d}-{g}", kind=OrgKind.GRASSROOTS, name=f"Đảng bộ xã {d}.{g}")
            grassroots.append(gr)
            for c in range(rng.randint(0, 4)):
                cells.append(make_org(gr, code=f"{code}-{d}-{g}-{c}", kind=OrgKind.CELL, name=f"Chi bộ ấp {d}.{g}.{c}"))
    orgs = list(Organization.objects.filter(path__startswith=root.path).order_by("path"))
    root = orgs[0]
    start = months[0].start
    issue = dt.date(start.year - 3, 5, 15)
    directives = [DirectiveFactory(title=f"Về nhiệm vụ ngẫu nhiên {seed}.{j}", issue_date=issue, term=None) for j in range(4)]
    d0, d1, d2, d3 = directives
    AssignmentFactory(directive=d0, organization=root, frequency="month", reporter_kind=OrgKind.CELL,
                      start=start, due_days=rng.randint(3, 10))
    AssignmentFactory(directive=d1, organization=districts[0], frequency="quarter", reporter_kind=OrgKind.GRASSROOTS,
                      start=start, due_days=rng.randint(5, 15))
    AssignmentFactory(directive=d2, organization=grassroots[-1], frequency="month", reporter_kind="",
                      start=months[2].start, due_days=rng.randint(3, 10))
    deadline = dt.date(today.year + 2, 12, 31)
    targets = {
        d0.pk: [TargetFactory(directive=d0, name="Kết nạp đảng viên mới", unit="đảng viên", value=Decimal(200),
                              deadline=deadline, aggregation=Aggregation.SUM)],
        d1.pk: [TargetFactory(directive=d1, name="Tỷ lệ chi bộ đạt trong sạch", unit="%", value=Decimal(90),
                              deadline=deadline, aggregation=Aggregation.MAX)],
        d2.pk: [], d3.pk: [],
    }

    def report(org, period, directive_list):
        roll = rng.random()
        if roll < 0.08:
            status, submitted = ReportStatus.DRAFT, None
        elif roll < 0.14:
            status, submitted = ReportStatus.RETURNED, _at(period.end + dt.timedelta(days=1))
        else:
            status = ReportStatus.ACCEPTED if rng.random() < 0.5 else ReportStatus.SUBMITTED
            day = period.end + dt.timedelta(days=rng.choice([1, 2, 4, 6, 9, 12, 20, 35]))
            day = min(day, today)
            if day < period.end:
                day = period.end if period.end <= today else today
            submitted = _at(day, rng.choice([8, 16, 23]))
        r = ReportFactory(organization=org, period_kind=period.kind, period_start=period.start,
                          period_end=period.end, status=status, submitted_at=submitted,
                          title=f"Báo cáo {period.label_vi} của {org.name}",
                          review_note="Bổ sung số liệu" if status == ReportStatus.RETURNED else "")
        for d in directive_list:
            link = LinkFactory(report=r, directive=d, assessment=rng.choice(list(Assessment.values)),
                               note=rng.choice(["", f"{org.name} đã triển khai đến 100% đảng viên."]))
            for t in targets[d.pk]:
                if rng.random() < 0.7:
                    TargetContribution.objects.create(link=link, target=t, value=Decimal(rng.randint(0, 12)))

    for m in months:
        if m.end > today and rng.random() < 0.5:
            continue  # the current month: many units have not reported yet
        for cell in cells:
            if rng.random() < 0.2:
                continue  # missing
            cited = [d0] + ([d3] if rng.random() < 0.2 else [])
            report(cell, m, cited)
            if rng.random() < 0.05:
                report(cell, m, [d0])  # a second report of the same month
        for gr in grassroots:
            if rng.random() < 0.15:
                report(gr, m, [d0])  # not expected on D0: counts as a report, not as a unit
        if rng.random() < 0.75:
            report(grassroots[-1], m, [d2])
    for q in {P.period_of(P.QUARTER, m.start) for m in months}:
        if q.end > today:
            continue
        for gr in grassroots:
            if gr.path.startswith(districts[0].path) and rng.random() < 0.8:
                report(gr, q, [d1])
    quarters = sorted({P.period_of(P.QUARTER, m.start) for m in months}, key=lambda p: p.start)
    periods = [*months, *quarters, P.period_of(P.HALF, months[-1].start), P.period_of(P.YEAR, months[-1].start)]
    return World(today, root, orgs, directives, months, periods)


# --------------------------------------------------------------------------------------
# Direct counts
# --------------------------------------------------------------------------------------
@dataclass
class Truth:
    expected: int = 0
    on_time: int = 0
    late: int = 0
    pending: int = 0
    missing: int = 0
    reports: int = 0
    late_units: set = field(default_factory=set)
    missing_units: set = field(default_factory=set)

    @property
    def reported(self) -> int:
        return self.on_time + self.late


def _cutoff(due: dt.date) -> dt.datetime:
    return _at(due + dt.timedelta(days=1), 0)


@dataclass(frozen=True)
class Filed:
    """A counted report as the oracle sees it: who, for which period end, when, on what."""

    pk: int
    org_path: str
    org_id: int
    period_end: dt.date
    submitted_at: dt.datetime
    directives: frozenset[int]


def filed(w: World) -> list[Filed]:
    """Every counted (submitted or accepted) report of the world, read once."""
    links: dict[int, set[int]] = defaultdict(set)
    for report_id, directive_id in ImplementationLink.objects.filter(
            report__organization__path__startswith=w.root.path).values_list("report_id", "directive_id"):
        links[report_id].add(directive_id)
    return [Filed(pk, path, org_id, end, at, frozenset(links[pk]))
            for pk, path, org_id, end, at in Report.objects.filter(
                status__in=COUNTED, organization__path__startswith=w.root.path)
            .values_list("pk", "organization__path", "organization_id", "period_end", "submitted_at")]


def unit_states(w: World, reports: list[Filed], directive: Directive, period: P.Period) -> dict[int, str]:
    """Each expected unit's state in ``period``: on_time, late, pending or missing.

    A unit is expected once per frequency period of an assignment that ends inside the
    summary period; its state over those is the worst of them: missing (a due date passed
    with no report) before pending (no report, still within the due date) before late (every
    report came, one after its due date) before on time.
    """
    states: dict[int, list[str]] = defaultdict(list)
    for a in Assignment.objects.filter(directive=directive).select_related("organization"):
        for f in P.periods_ending_within(a.frequency, period.start, period.end):
            if f.end < a.start or (a.end and f.start > a.end):
                continue
            due = f.end + dt.timedelta(days=a.due_days)
            if a.reporter_kind:
                units = [o for o in w.orgs if o.kind == a.reporter_kind and o.path.startswith(a.organization.path)]
            else:
                units = [o for o in w.orgs if o.pk == a.organization_id]
            for u in units:
                subs = [r.submitted_at for r in reports if r.org_id == u.pk and directive.pk in r.directives
                        and f.start <= r.period_end <= f.end]
                if any(s < _cutoff(due) for s in subs):
                    states[u.pk].append("on_time")
                elif subs:
                    states[u.pk].append("late")
                elif w.today > due:
                    states[u.pk].append("missing")
                else:
                    states[u.pk].append("pending")
    order = ["missing", "pending", "late", "on_time"]
    return {u: min(s, key=order.index) for u, s in states.items()}


def truths(w: World, period: P.Period, reports: list[Filed] | None = None) -> dict[tuple[int, int], Truth]:
    """(organisation, directive) → its direct counts for ``period``, for every unit and directive."""
    reports = filed(w) if reports is None else reports
    out: dict[tuple[int, int], Truth] = {}
    for d in w.directives:
        states = unit_states(w, reports, d, period)
        for org in w.orgs:
            t = Truth()
            for unit in w.orgs:
                state = states.get(unit.pk)
                if state is None or not unit.path.startswith(org.path):
                    continue
                t.expected += 1
                setattr(t, state, getattr(t, state) + 1)
                if state == "late":
                    t.late_units.add(unit.pk)
                if state == "missing":
                    t.missing_units.add(unit.pk)
            t.reports = sum(1 for r in reports if d.pk in r.directives and r.org_path.startswith(org.path)
                            and period.start <= r.period_end <= period.end)
            out[(org.pk, d.pk)] = t
    return out


def distinct_reports(reports: list[Filed], org: Organization, period: P.Period) -> int:
    """Reports of the subtree for the period that count (submitted or accepted), each once."""
    return sum(1 for r in reports if r.org_path.startswith(org.path) and period.start <= r.period_end <= period.end)


def target_period_value(org: Organization, target: Target, period: P.Period) -> Decimal | None:
    """The period's own value of a sum or max target: its counted contributions in the subtree."""
    values = list(TargetContribution.objects.filter(
        target=target, link__report__status__in=COUNTED, link__report__organization__path__startswith=org.path,
        link__report__period_end__gte=period.start, link__report__period_end__lte=period.end,
    ).values_list("value", flat=True))
    if not values:
        return None
    return sum(values, Decimal(0)) if target.aggregation == Aggregation.SUM else max(values)


def links_of(org: Organization, directive: Directive, period: P.Period):
    return ImplementationLink.objects.filter(directive=directive, report__status__in=COUNTED,
                                             report__organization__path__startswith=org.path,
                                             report__period_end__gte=period.start,
                                             report__period_end__lte=period.end)
