"""``python manage.py generate_dataset --scale small|province|national [--seed S] [--year 2019]``.

Builds a realistic synthetic country fast, for benchmarks (bench/summaries.py) and tests:

* the real level structure: 1 centre → provinces → district and bloc committees → grassroots
  organisations (đảng bộ cơ sở with cells below, or chi bộ cơ sở) → cells. ``national`` gives
  1 + 35 + 700 + 49,000 + ~70,000 ≈ 120,000 units;
* directives with targets and assignments (two national ones monthly to every cell, the others
  quarterly to grassroots organisations or half-yearly to district committees);
* a year of monthly cell reports (grassroots report quarterly, districts monthly) whose bodies
  are built from corpus sentences citing the directives, ~3 links each (national: ≈1.2 M
  reports, ≈3.5 M links), with assessments, target contributions, submission times around the
  due dates, some drafts and returned reports.

Rows are streamed with PostgreSQL ``COPY`` (batched ``INSERT`` on SQLite) with explicit ids,
and progress is printed. Everything comes from one ``random.Random(seed)``: the same seed on
an empty database gives the same data. Generated organisations have codes starting ``G-``;
the command refuses to run twice on the same database.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from meetings.models import ImplementationLink, Report, TargetContribution
from organizations.actors import as_system
from organizations.models import Organ, Organization, OrganKind, OrgKind, Term
from organizations.text import search_key
from resolutions.models import Assignment, Directive, Target
from resolutions.periods import periods_overlapping

CORPUS = Path(__file__).resolve().parents[2] / "demo" / "corpus"


@dataclass(frozen=True)
class Scale:
    provinces: int
    districts: int  # per province
    grassroots: int  # per district
    directives: int
    with_cells: float = 0.6  # share of grassroots organisations that have cells
    cells: float = 2.4  # average cells per such organisation


SCALES = {
    "small": Scale(provinces=2, districts=3, grassroots=4, directives=12),
    "province": Scale(provinces=1, districts=20, grassroots=70, directives=12),
    "national": Scale(provinces=35, districts=20, grassroots=70, directives=200),
}

PROVINCES = ["Hà Nội", "Thành phố Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "Quảng Ninh", "Thanh Hóa",
             "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Đắk Lắk", "Khánh Hòa", "Lâm Đồng",
             "Đồng Nai", "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "An Giang", "Cà Mau", "Lào Cai", "Tuyên Quang",
             "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Ninh Bình", "Lạng Sơn", "Cao Bằng", "Điện Biên",
             "Lai Châu", "Sơn La", "Quảng Bình"]
DISTRICT_WORDS = ["Quận ủy", "Huyện ủy", "Thị ủy", "Đảng ủy Khối", "Đảng ủy Khối Doanh nghiệp"]
GRASSROOTS_WORDS = ["Đảng bộ Phường", "Đảng bộ Xã", "Đảng bộ Sở", "Đảng bộ Công ty", "Đảng bộ Trường", "Chi bộ cơ sở"]
CELL_WORDS = ["Chi bộ Khu phố", "Chi bộ Ấp", "Chi bộ Phòng", "Chi bộ Tổ dân phố", "Chi bộ Văn phòng"]
KINDS = [("CT", "Chỉ thị"), ("NQ", "Nghị quyết"), ("KL", "Kết luận"), ("KH", "Kế hoạch")]
TOPICS = ["đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
          "tăng cường xây dựng, chỉnh đốn Đảng", "nâng cao chất lượng sinh hoạt chi bộ",
          "công tác phát triển đảng viên", "cải cách hành chính", "chuyển đổi số", "phòng, chống tham nhũng, lãng phí",
          "công tác dân vận", "bảo vệ nền tảng tư tưởng của Đảng", "phát triển kinh tế - xã hội"]
CITING = ["Chi bộ tiếp tục thực hiện {cite} về “{topic}”; {n} đảng viên đăng ký nội dung làm theo trong tháng.",
          "Đảng viên trong chi bộ tiếp tục quán triệt và triển khai {cite}, gắn với nhiệm vụ chuyên môn.",
          "Chi bộ đưa nội dung {cite} vào sinh hoạt chuyên đề; kết quả thực hiện được đánh giá cụ thể.",
          "Công tác kiểm tra, giám sát việc thực hiện {cite} được duy trì thường xuyên."]
OPENINGS = ["Chi bộ tổ chức sinh hoạt định kỳ tháng {m}/{y} với sự tham dự của {p}/{t} đảng viên.",
            "Ngày {d}/{m}/{y}, chi bộ tổ chức sinh hoạt định kỳ, có {p}/{t} đảng viên tham dự."]
ASSESSMENTS = ["not_started", "in_progress", "in_progress", "in_progress", "in_progress", "behind", "done", "done"]


def corpus_sentences() -> list[str]:
    """Sentences of the corpus that read well on their own (30–300 characters)."""
    out = []
    for path in sorted(CORPUS.glob("*.txt")):
        for sentence in re.split(r"(?<=[.;])\s+", path.read_text(encoding="utf-8")):
            sentence = " ".join(sentence.split())
            if 30 <= len(sentence) <= 300 and sentence[0].isupper():
                out.append(sentence)
    return out or ["Chi bộ thống nhất các nhiệm vụ trọng tâm tháng tới."]


class Writer:
    """Streams rows into a table: COPY on PostgreSQL, batched INSERT elsewhere."""

    def __init__(self, out, quiet: bool = False):
        self.out, self.quiet = out, quiet
        self.counts: dict[str, int] = {}

    def write(self, model, columns: list[str], rows, label: str) -> int:
        table = model._meta.db_table
        started = time.monotonic()
        n = 0
        step = 200_000
        if connection.vendor == "postgresql":
            cols = ", ".join(connection.ops.quote_name(c) for c in columns)
            with connection.cursor() as cur:
                raw = cur.cursor if hasattr(cur, "cursor") else cur
                with raw.copy(f"COPY {connection.ops.quote_name(table)} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
                        if n % step == 0:
                            self._progress(label, n, started)
        else:
            sql = (f"INSERT INTO {connection.ops.quote_name(table)} ({', '.join(columns)}) "
                   f"VALUES ({', '.join(['%s'] * len(columns))})")
            batch: list = []
            with connection.cursor() as cur:
                for row in rows:
                    batch.append(row)
                    n += 1
                    if len(batch) >= 5000:
                        cur.executemany(sql, batch)
                        batch = []
                    if n % step == 0:
                        self._progress(label, n, started)
                if batch:
                    cur.executemany(sql, batch)
        self.counts[label] = self.counts.get(label, 0) + n
        self._progress(label, n, started, done=True)
        return n

    def _progress(self, label: str, n: int, started: float, done: bool = False) -> None:
        if self.quiet:
            return
        elapsed = time.monotonic() - started
        rate = n / elapsed if elapsed else 0
        self.out.write(f"  {label:<22} {n:>10,} rows {'in' if done else 'after'} {elapsed:6.1f}s ({rate:,.0f}/s)")


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _reset_sequences(models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for model in models:
            table = model._meta.db_table
            cur.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))",
                        [table])


class Generator:
    def __init__(self, scale: Scale, seed: int, year: int, writer: Writer, out):
        self.scale, self.seed, self.year, self.w, self.out = scale, seed, year, writer, out
        self.rng = random.Random(seed)
        self.alphabet = Organization.alphabet
        self.sentences = corpus_sentences()

    def seg(self, n: int) -> str:
        digits = []
        base = len(self.alphabet)
        while n:
            n, r = divmod(n, base)
            digits.append(self.alphabet[r])
        return "".join(reversed(digits)).rjust(Organization.steplen, self.alphabet[0])

    # -- organisations -----------------------------------------------------------------
    def organisations(self) -> dict[str, list]:
        rng, s = self.rng, self.scale
        last_root = Organization.objects.filter(depth=1).order_by("-path").first()
        root_num = (int(last_root.path, len(self.alphabet)) + 1) if last_root else 1
        next_id = _next_id(Organization)
        rows: list[tuple] = []
        units = {"cell": [], "grassroots": [], "grassroots_cell": [], "district": [], "province": [], "central": []}

        def add(path, code, name, short, kind, members, numchild):
            nonlocal next_id
            oid = next_id
            next_id += 1
            rows.append((oid, path, len(path) // Organization.steplen, numchild, code, name, short, kind, members,
                         None, None, search_key(f"{name} {short} {code}")[:400]))
            return oid

        central_path = self.seg(root_num)
        central = add(central_path, "G-TW", "Ban Chấp hành Trung ương Đảng (dữ liệu tổng hợp)", "Trung ương (tổng hợp)",
                      OrgKind.CENTRAL, 0, s.provinces)
        units["central"].append((central, central_path))
        for pi in range(s.provinces):
            pname = PROVINCES[pi % len(PROVINCES)] + (f" {pi // len(PROVINCES) + 1}" if pi >= len(PROVINCES) else "")
            ppath = central_path + self.seg(pi + 1)
            pcode = f"G-P{pi + 1:02d}"
            pid = add(ppath, pcode, f"Đảng bộ {pname}", f"Tỉnh ủy {pname}", OrgKind.PROVINCE, 0, s.districts)
            units["province"].append((pid, ppath))
            for di in range(s.districts):
                word = rng.choice(DISTRICT_WORDS)
                kind = OrgKind.BLOC if "Khối" in word else OrgKind.DISTRICT
                dpath = ppath + self.seg(di + 1)
                dcode = f"{pcode}-D{di + 1:02d}"
                grassroots = []
                for _gi in range(s.grassroots):
                    has_cells = rng.random() < s.with_cells
                    n_cells = max(1, round(rng.gauss(s.cells, 1.0))) if has_cells else 0
                    grassroots.append((has_cells, n_cells))
                did = add(dpath, dcode, f"{word} {di + 1} — {pname}", f"{word} {di + 1}", kind, 0, len(grassroots))
                units["district"].append((did, dpath))
                for gi, (has_cells, n_cells) in enumerate(grassroots):
                    gword = "Chi bộ cơ sở" if not has_cells else rng.choice(GRASSROOTS_WORDS[:-1])
                    gkind = OrgKind.GRASSROOTS if has_cells else OrgKind.GRASSROOTS_CELL
                    gpath = dpath + self.seg(gi + 1)
                    gcode = f"{dcode}-G{gi + 1:03d}"
                    gid = add(gpath, gcode, f"{gword} {gi + 1} — {word} {di + 1}", f"{gword} {gi + 1}", gkind,
                              rng.randint(8, 120), n_cells)
                    units[gkind].append((gid, gpath))
                    for ci in range(n_cells):
                        cpath = gpath + self.seg(ci + 1)
                        cword = rng.choice(CELL_WORDS)
                        cid = add(cpath, f"{gcode}-C{ci + 1:02d}", f"{cword} {ci + 1} — {gword} {gi + 1}",
                                  f"{cword} {ci + 1}", OrgKind.CELL, rng.randint(5, 40), 0)
                        units["cell"].append((cid, cpath))
        self.w.write(Organization, ["id", "path", "depth", "numchild", "code", "name", "short_name", "kind",
                                    "member_count", "valid_from", "valid_to", "search_text"], rows, "organisations")
        self.central_id, self.central_path = central, central_path
        return units

    # -- directives, targets, assignments --------------------------------------------
    def register(self, units) -> list[dict]:
        rng, s = self.rng, self.scale
        central = Organization.objects.get(pk=self.central_id)
        organ, _ = Organ.objects.get_or_create(key="gen-bct", defaults=dict(
            name="Bộ Chính trị (dữ liệu tổng hợp)", short_name="Bộ Chính trị", kind=OrganKind.POLITBURO,
            organization=central, symbol_code="TW"))
        term, _ = Term.objects.get_or_create(organization=central, ordinal=12, defaults=dict(
            start_year=2016, end_year=2021, name="Khóa XII (dữ liệu tổng hợp)"))
        directives = []
        for i in range(s.directives):
            kind, word = KINDS[i % len(KINDS)]
            topic = TOPICS[i % len(TOPICS)]
            d = Directive(kind=kind, number=f"{i + 1:02d}", issuer=organ, term=term,
                          issue_date=dt.date(2016 + rng.randint(0, 2), rng.randint(1, 12), rng.randint(1, 28)),
                          title=f"Về {topic} (văn bản tổng hợp số {i + 1})")
            d.clean()
            directives.append(d)
        Directive.objects.bulk_create(directives)
        start = dt.date(self.year, 1, 1)
        specs = []
        targets = []
        assignments = []
        provinces = units["province"]
        for i, d in enumerate(directives):
            if i < 2:  # like 05-CT/TW: every cell, monthly
                scope, freq, reporter, cite_by = (self.central_id, self.central_path), "month", OrgKind.CELL, "cell"
            elif i < 2 + max(2, s.directives // 10):  # national, quarterly, grassroots
                scope, freq, reporter, cite_by = (self.central_id, self.central_path), "quarter", OrgKind.GRASSROOTS, "any"
            else:  # a province's own programme
                scope = provinces[i % len(provinces)]
                freq, reporter = rng.choice([("quarter", OrgKind.GRASSROOTS), ("half", OrgKind.DISTRICT),
                                             ("month", OrgKind.CELL)])
                cite_by = "any"
            assignments.append(Assignment(directive=d, organization_id=scope[0], frequency=freq, reporter_kind=reporter,
                                          start=start, end=dt.date(self.year + 1, 12, 31), due_days=5))
            target = None
            if i % 3 == 0:
                agg = ["sum", "max", "latest"][(i // 3) % 3]
                target = Target(directive=d, name=f"Chỉ tiêu của văn bản {d.symbol}", unit="đảng viên",
                                value=Decimal(rng.choice([500, 1000, 2000, 5000])), aggregation=agg,
                                deadline=dt.date(self.year, 12, 31))
                targets.append(target)
            specs.append({"id": d.pk, "symbol": d.symbol, "label": f"{d.kind_word} số {d.symbol}", "scope": scope[1],
                          "cite_by": cite_by, "target": target, "topic": TOPICS[i % len(TOPICS)]})
        Assignment.objects.bulk_create(assignments)
        Target.objects.bulk_create(targets)
        for spec in specs:
            if spec["target"] is not None:
                spec["target_id"] = spec["target"].pk
        self.w.counts.update(directives=len(directives), assignments=len(assignments), targets=len(targets))
        self.out.write(f"  register: {len(directives)} directives, {len(targets)} targets, {len(assignments)} assignments")
        return specs

    # -- reports, links, contributions ------------------------------------------------
    def reports(self, units, specs) -> None:
        rng = self.rng
        national_monthly = [s for s in specs if s["cite_by"] == "cell"]
        others = [s for s in specs if s["cite_by"] != "cell"]
        by_scope: dict[str, list[dict]] = {}
        for s in others:
            by_scope.setdefault(s["scope"], []).append(s)
        months = periods_overlapping("month", dt.date(self.year, 1, 1), dt.date(self.year, 12, 31))
        quarters = periods_overlapping("quarter", dt.date(self.year, 1, 1), dt.date(self.year, 12, 31))
        report_id, link_id, contrib_id = _next_id(Report), _next_id(ImplementationLink), _next_id(TargetContribution)
        reporters = ([(u, "cell", months) for u in units["cell"]] + [(u, "cell", months) for u in units["grassroots_cell"]]
                     + [(u, "grassroots", quarters) for u in units["grassroots"]]
                     + [(u, "district", months) for u in units["district"]])
        links: list[tuple] = []
        contributions: list[tuple] = []
        tz = timezone.get_current_timezone()

        def candidates(path: str) -> list[dict]:
            out = []
            for i in range(Organization.steplen, len(path) + 1, Organization.steplen):
                out.extend(by_scope.get(path[:i], ()))
            return out

        def report_rows():
            nonlocal report_id, link_id, contrib_id
            for (org_id, path), role, periods in reporters:
                pool = candidates(path)
                for period in periods:
                    skip = rng.random() < 0.05
                    status_roll = rng.random()
                    delay = rng.randint(-2, 12)
                    if skip:
                        continue
                    cited = []
                    if role == "cell":
                        cited.append(national_monthly[0] if national_monthly else None)
                        if len(national_monthly) > 1 and rng.random() < 0.5:
                            cited.append(national_monthly[1])
                    k = 3 - len([c for c in cited if c]) if role == "cell" else rng.randint(2, 4)
                    if pool:
                        cited.extend(rng.sample(pool, min(len(pool), max(1, k))))
                    cited = [c for c in cited if c]
                    if period.end.month == 12 and status_roll < 0.15:
                        status = "draft"
                    elif status_roll > 0.985:
                        status = "returned"
                    elif status_roll > 0.4 or period.end.month < 11:
                        status = "accepted"
                    else:
                        status = "submitted"
                    total = rng.randint(5, 40)
                    day = rng.randint(3, 25)
                    parts = [rng.choice(OPENINGS).format(m=period.end.month, y=self.year, d=day,
                                                         p=total - rng.randint(0, 3), t=total)]
                    for c in cited:
                        parts.append(rng.choice(CITING).format(cite=c["label"], topic=c["topic"], n=rng.randint(0, 9)))
                    parts.append(rng.choice(self.sentences))
                    body = "\n".join(parts)
                    label = period.label_vi
                    title = f"Báo cáo kết quả thực hiện nhiệm vụ {label}"
                    submitted = (dt.datetime.combine(period.end + dt.timedelta(days=delay), dt.time(9, rng.randint(0, 59)))
                                 .replace(tzinfo=tz))
                    created = submitted - dt.timedelta(days=1)
                    reviewed = submitted + dt.timedelta(days=2) if status in ("accepted", "returned") else None
                    rid = report_id
                    report_id += 1
                    yield (rid, org_id, "periodic", period.kind, period.start, period.end, title, body, status, 1,
                           created, reviewed or submitted, submitted if status != "draft" else None, reviewed,
                           "Đề nghị bổ sung số liệu." if status == "returned" else "", search_key(f"{title} {body}"))
                    for c in cited:
                        lid = link_id
                        link_id += 1
                        links.append((lid, rid, c["id"], rng.choice(ASSESSMENTS), ""))
                        if c.get("target_id") and rng.random() < 0.6:
                            contributions.append((contrib_id, lid, c["target_id"], Decimal(rng.randint(0, 12)), ""))
                            contrib_id += 1

        self.w.write(Report, ["id", "organization_id", "kind", "period_kind", "period_start", "period_end", "title",
                              "body", "status", "version", "created_at", "updated_at", "submitted_at", "reviewed_at",
                              "review_note", "search_text"], report_rows(), "reports")
        self.w.write(ImplementationLink, ["id", "report_id", "directive_id", "assessment", "note"], links, "links")
        self.w.write(TargetContribution, ["id", "link_id", "target_id", "value", "note"], contributions,
                     "target contributions")


class Command(BaseCommand):
    help = "Generate a synthetic dataset (small, province or national scale) for benchmarks and tests."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--year", type=int, default=2019)
        parser.add_argument("--quiet", action="store_true", help="Only print the final line.")

    @as_system
    def handle(self, *args, scale: str, seed: int, year: int, quiet: bool = False, **options) -> None:
        if Organization.objects.filter(code="G-TW").exists():
            raise CommandError("A generated dataset is already in this database (organisation G-TW). "
                               "Generate into an empty database (e.g. `manage.py flush`).")
        started = time.monotonic()
        out = self.stdout
        writer = Writer(out, quiet=quiet)
        if not quiet:
            out.write(f"Generating the {scale} dataset (seed {seed}, year {year}) on {connection.vendor}…")
        with transaction.atomic():
            gen = Generator(SCALES[scale], seed, year, writer, out if not quiet else _Null())
            units = gen.organisations()
            specs = gen.register(units)
            gen.reports(units, specs)
            _reset_sequences([Organization, Report, ImplementationLink, TargetContribution])
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Statistics for the planner and the visibility map for index-only scans (the
            # summaries read a period's reports from a covering index): a bulk load has neither
            # until autovacuum — which may be off — gets to it.
            started_vacuum = time.monotonic()
            with connection.cursor() as cur:
                for model in (Organization, Report, ImplementationLink, TargetContribution):
                    cur.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
            if not quiet:
                out.write(f"  vacuum and analyse {time.monotonic() - started_vacuum:6.1f}s")
        elif connection.vendor == "postgresql":
            with connection.cursor() as cur:
                for model in (Organization, Report, ImplementationLink, TargetContribution):
                    cur.execute(f"ANALYZE {model._meta.db_table}")
        from resolutions.selectors import forget_register_choices

        forget_register_choices()  # the register was bulk-written: no save signal told the dashboards
        counts = ", ".join(f"{n:,} {label}" for label, n in writer.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Generated {counts} in {time.monotonic() - started:.1f}s."))


class _Null:
    def write(self, *args, **kwargs) -> None:
        pass
