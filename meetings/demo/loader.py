"""Build the demo: the corpus register and reports, then a generated subtree with a year of reports.

Idempotent by construction: every row is looked up by a stable natural key before it is
created, so a second run finds everything and writes nothing. Generated data come from a
seeded ``random.Random``: the same seed always gives the same demo.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from meetings.models import (
    Assessment,
    CitedSpan,
    ImplementationLink,
    Meeting,
    MeetingParticipant,
    Report,
    ReportStatus,
    TargetContribution,
)
from organizations.models import Organ, Organization, Person, Position, Role, Term
from organizations.text import search_key
from resolutions.models import Assignment, Directive, DirectiveAlias, Target

from . import register as R

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
DEMO_YEAR = 2019
DEMO_PASSWORD = "Demo@2019"  # printed by load_demo; demo data refuses production unless forced

# username, role kind, organisation code, display name, is_staff (admin site), is_superuser
DEMO_USERS = [
    ("vanhanh", None, None, "Quản trị vận hành", True, True),
    ("quantri.hcm", "admin", "HCM", "Quản trị Thành ủy TP. Hồ Chí Minh", True, False),
    ("lanhdao.hcm", "leader", "HCM", "Lãnh đạo Thành ủy TP. Hồ Chí Minh", False, False),
    ("lanhdao.khoi", "leader", "HCM-KDCD", "Lãnh đạo Đảng ủy Khối Dân - Chính - Đảng", False, False),
    ("canbo.khoi", "staff", "HCM-KDCD", "Cán bộ Văn phòng Đảng ủy Khối Dân - Chính - Đảng", False, False),
    ("canbo.sotnmt", "staff", "HCM-KDCD-STNMT", "Cán bộ Đảng ủy Sở Tài nguyên và Môi trường", False, False),
    ("lanhdao.hn", "leader", "HN-KCQ", "Lãnh đạo Đảng ủy Khối các cơ quan TP Hà Nội", False, False),
    ("canbo.hn", "staff", "HN-KCQ", "Cán bộ Văn phòng Đảng ủy Khối các cơ quan TP Hà Nội", False, False),
]

# Generated grassroots units: parent code → [(code suffix, name, kind)]
GRASSROOTS = {
    "HCM-KDCD": [
        ("STP", "Đảng bộ Sở Tư pháp", "grassroots"), ("SNV", "Đảng bộ Sở Nội vụ", "grassroots"),
        ("SVHTT", "Đảng bộ Sở Văn hóa và Thể thao", "grassroots"), ("STTTT", "Đảng bộ Sở Thông tin và Truyền thông", "grassroots"),
        ("HND", "Chi bộ cơ sở Hội Nông dân thành phố", "grassroots_cell"), ("BDV", "Chi bộ cơ sở Cơ quan Ban Dân vận Thành ủy", "grassroots_cell"),
    ],
    "HCM-Q1": [
        ("PBN", "Đảng bộ Phường Bến Nghé", "grassroots"), ("PBT", "Đảng bộ Phường Bến Thành", "grassroots"),
        ("PDK", "Đảng bộ Phường Đa Kao", "grassroots"),
    ],
    "HN-KCQ": [
        ("SKHDT", "Đảng bộ Sở Kế hoạch và Đầu tư Hà Nội", "grassroots"), ("STC", "Đảng bộ Sở Tài chính Hà Nội", "grassroots"),
        ("SGDDT", "Đảng bộ Sở Giáo dục và Đào tạo Hà Nội", "grassroots"), ("SYT", "Đảng bộ Sở Y tế Hà Nội", "grassroots"),
        ("SXD", "Đảng bộ Sở Xây dựng Hà Nội", "grassroots"), ("VPTU", "Chi bộ cơ sở Văn phòng Hội Cựu chiến binh thành phố", "grassroots_cell"),
    ],
}
AGENCY_CELLS = ["Chi bộ Văn phòng", "Chi bộ Phòng Tổ chức cán bộ", "Chi bộ Thanh tra", "Chi bộ Phòng Kế hoạch - Tài chính",
                "Chi bộ Phòng Pháp chế"]
WARD_CELLS = ["Chi bộ Khu phố 1", "Chi bộ Khu phố 2", "Chi bộ Khu phố 3", "Chi bộ Khu phố 4"]

# Sentences of cell reports, modelled on the corpus; {cite} is replaced by a citation surface.
OPENINGS = [
    "Chi bộ tổ chức sinh hoạt định kỳ tháng {m}/{y} với sự tham dự của {present}/{total} đảng viên.",
    "Ngày {d}/{m}/{y}, chi bộ tổ chức sinh hoạt định kỳ, có {present}/{total} đảng viên tham dự.",
]
CITING = {
    "CT05": ["Chi bộ tiếp tục thực hiện {cite} về “Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh”; {n} đảng viên đăng ký nội dung làm theo trong tháng.",
             "Đảng viên trong chi bộ tiếp tục đăng ký và cam kết thực hiện {cite}, gắn với nhiệm vụ chuyên môn; {n} đảng viên đăng ký mới."],
    "TW4_XII": ["Chi bộ đưa nội dung {cite} vào sinh hoạt chuyên đề, nhận diện những biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống.",
                "Chi bộ tiếp tục thực hiện nghiêm túc {cite}, từng đảng viên cam kết không vi phạm 27 biểu hiện suy thoái."],
    "NQ54QH": ["Đảng bộ tập trung lãnh đạo thực hiện {cite}, đẩy mạnh cải cách hành chính tại đơn vị."],
    "NQ08TU": ["Chi bộ quán triệt và triển khai {cite} về lãnh đạo, chỉ đạo thực hiện cơ chế, chính sách đặc thù của thành phố."],
    "HN_CTR07": ["Công tác kiểm tra, giám sát theo {cite} được duy trì thường xuyên."],
    "KDCD_HCM_DH2": ["Chi bộ thực hiện chỉ tiêu phát triển đảng viên theo {cite}; trong kỳ kết nạp {n} đảng viên mới."],
    "KCQ_HN_DH12": ["Chi bộ bám sát {cite}, hoàn thành các nhiệm vụ trọng tâm được giao."],
}
SURFACES = {
    "CT05": ["Chỉ thị số 05-CT/TW của Bộ Chính trị", "Chỉ thị 05-CT/TW", "Chỉ thị 05 của Bộ Chính trị"],
    "TW4_XII": ["Nghị quyết Trung ương 4 (khóa XII)", "Nghị quyết Trung ương 4 khóa XII"],
    "NQ54QH": ["Nghị quyết số 54/2017/QH14 của Quốc hội", "Nghị quyết 54 của Quốc hội"],
    "NQ08TU": ["Nghị quyết số 08-NQ/TU của Thành ủy"],
    "HN_CTR07": ["Chương trình 07 của Thành ủy"],
    "KDCD_HCM_DH2": ["Nghị quyết Đại hội Đảng bộ Khối lần thứ II"],
    "KCQ_HN_DH12": ["Nghị quyết Đại hội lần thứ XII Đảng bộ Khối"],
}
CLOSINGS = [
    "Chi bộ đề ra nhiệm vụ tháng tới: tiếp tục nâng cao chất lượng sinh hoạt chi bộ, làm tốt công tác phát triển đảng viên.",
    "Hội nghị thống nhất các nhiệm vụ trọng tâm tháng tới và phân công rõ người, rõ việc, rõ trách nhiệm.",
]


@dataclass
class DemoResult:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int = 1) -> None:
        if n:
            self.created[name] = self.created.get(name, 0) + n

    @property
    def total(self) -> int:
        return sum(self.created.values())


def _as_in_demo_year(org: Organization) -> Organization:
    """The unit a code named in the demo year: after the 2025 reorganisation the plain code
    belongs to the unit's new version, and its 2019 self is the predecessor it continues."""
    start = dt.date(DEMO_YEAR, 1, 1)
    while org.valid_from is not None and org.valid_from > start:
        before = Organization.objects.filter(successors=org).order_by("-valid_to").first()
        if before is None:
            break
        org = before
    return org


def _org(code: str) -> Organization:
    return _as_in_demo_year(Organization.objects.get(code=code))


def _ensure_org(code: str, parent: Organization | None, kind: str, name: str, short: str, members: int,
                result: DemoResult) -> Organization:
    existing = Organization.objects.filter(code=code).first()
    if existing:
        return _as_in_demo_year(existing)
    org = Organization(code=code, name=name, short_name=short, kind=kind, member_count=members)
    org.full_clean(exclude=["path", "depth", "numchild"])
    result.add("organisations")
    if parent is None:
        return Organization.objects.add_root(instance=org)
    return Organization.objects.add_child(Organization.objects.get(pk=parent.pk), instance=org)


def load_register(result: DemoResult) -> dict[str, Directive]:
    """Organisations, organs, terms, people, directives, aliases, targets and assignments."""
    for code, parent, kind, name, short, members in R.ORGANIZATIONS:
        _ensure_org(code, _org(parent) if parent else None, kind, name, short, members, result)
    organs: dict[str, Organ] = {}
    for key, name, short, kind, org_code, symbol_code, aliases in R.ORGANS:
        organ, created = Organ.objects.get_or_create(
            key=key, defaults=dict(name=name, short_name=short, kind=kind, symbol_code=symbol_code,
                                   organization=_org(org_code) if org_code else None, aliases="\n".join(aliases)))
        result.add("organs", created)
        organs[key] = organ
    terms: dict[str, Term] = {}
    for key, body, ordinal, start, end, name in R.TERMS:
        if body.startswith("organ:"):
            lookup = dict(organ=organs[body.split(":", 1)[1]], organization=None)
        else:
            lookup = dict(organization=_org(body), organ=None)
        term = Term.objects.filter(ordinal=ordinal, **lookup).first()
        if term is None:
            term = Term(ordinal=ordinal, start_year=start, end_year=end, name=name, **lookup)
            term.full_clean()
            term.save()
            result.add("terms")
        terms[key] = term
    directives: dict[str, Directive] = {}
    for spec in R.DIRECTIVES:
        spec = dict(spec)
        key = spec.pop("key")
        aliases = spec.pop("aliases", [])
        spec.pop("implements", None)
        issuer = organs[spec.pop("issuer")]
        term = terms.get(spec.pop("term", None) or "")
        lookup = dict(issuer=issuer, kind=spec["kind"], number=spec.get("number", ""), term=term)
        if not lookup["number"]:
            lookup["title"] = spec["title"]
        directive = Directive.objects.filter(**lookup).first()
        if directive is None:
            directive = Directive(issuer=issuer, term=term, **spec)
            directive.note = (directive.note + f"\nDemo key: {key}").strip()
            directive.full_clean()
            directive.save()
            result.add("directives")
        directives[key] = directive
        for text in aliases:
            alias = DirectiveAlias(directive=directive, text=text)
            alias.clean()
            _, created = DirectiveAlias.objects.get_or_create(directive=directive, key=alias.key, defaults={"text": text})
            result.add("aliases", created)
    for spec in R.DIRECTIVES:
        for other in spec.get("implements", []):
            directive = directives[spec["key"]]
            if not directive.implements.filter(pk=directives[other].pk).exists():
                directive.implements.add(directives[other])
                result.add("implements links")
    start = dt.date(DEMO_YEAR, 1, 1)
    for key, org_code, frequency, reporter_kind in R.ASSIGNMENTS:
        _, created = Assignment.objects.get_or_create(
            directive=directives[key], organization=_org(org_code), reporter_kind=reporter_kind, start=start,
            defaults=dict(frequency=frequency, end=dt.date(DEMO_YEAR + 1, 12, 31)))
        result.add("assignments", created)
    for key, org_code, name, unit, value, deadline, aggregation in R.TARGETS:
        _, created = Target.objects.get_or_create(
            directive=directives[key], organization=_org(org_code) if org_code else None, name=name,
            defaults=dict(unit=unit, value=Decimal(value), deadline=deadline, aggregation=aggregation))
        result.add("targets", created)
    return directives


def load_people(result: DemoResult) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for key, name, positions in R.PEOPLE:
        person = Person.objects.filter(full_name=name).first()
        if person is None:
            person = Person(full_name=name, note=f"demo:{key}")
            person.full_clean()
            person.save()
            result.add("people")
        people[key] = person
        for org_code, title, label in positions:
            _, created = Position.objects.get_or_create(person=person, organization=_org(org_code), title=title,
                                                        defaults={"label": label})
            result.add("positions", created)
    return people


def _link(report: Report, directive: Directive, spans: list[tuple[int, int]], result: DemoResult,
          assessment: str = Assessment.IN_PROGRESS) -> ImplementationLink:
    link, created = ImplementationLink.objects.get_or_create(report=report, directive=directive,
                                                             defaults={"assessment": assessment})
    result.add("links", created)
    for start, end in spans:
        _, created = CitedSpan.objects.get_or_create(link=link, start=start,
                                                     defaults={"end": end, "text": report.body[start:end]})
        result.add("cited spans", created)
    return link


def load_corpus_reports(directives: dict[str, Directive], people: dict[str, Person], author, result: DemoResult) -> None:
    """The three corpus articles as reports, linked to every directive the ground truth cites."""
    truth = json.loads((CORPUS_DIR / "citations.json").read_text(encoding="utf-8"))
    for spec in R.CORPUS_REPORTS:
        org = _org(spec["org"])
        body = (CORPUS_DIR / spec["file"]).read_text(encoding="utf-8")
        meeting = None
        if spec["meeting"]:
            m = spec["meeting"]
            term = Term.objects.get(organization=org, ordinal=dict((k, o) for k, _b, o, *_ in R.TERMS)[m["term"]])
            meeting = Meeting.objects.filter(organization=org, term=term, kind=m["kind"], sequence=m["sequence"]).first()
            if meeting is None:
                meeting = Meeting(organization=org, term=term, kind=m["kind"], sequence=m["sequence"], date=m["date"],
                                  date_year_inferred=m["year_inferred"], title=m["title"], created_by=author)
                meeting.full_clean()
                meeting.save()
                result.add("meetings")
            for person_key, role in m["participants"]:
                person = people[person_key]
                position = person.positions.order_by("id").first()
                labels = ", ".join(p.display_title for p in person.positions.order_by("id"))
                _, created = MeetingParticipant.objects.get_or_create(
                    meeting=meeting, person=person, role=role, defaults={"position": position, "position_label": labels})
                result.add("participants", created)
        report = Report.objects.filter(organization=org, title=spec["title"]).first()
        if report is None:
            start, end = spec["period"]
            report = Report(organization=org, meeting=meeting, kind=spec["kind"], period_kind=spec["period_kind"],
                            period_start=start, period_end=end, title=spec["title"], body=body, author=author,
                            status=ReportStatus.ACCEPTED, submitted_at=timezone.now(), reviewed_at=timezone.now(),
                            search_text=search_key(f"{spec['title']} {body}"))
            report.full_clean()
            report.save()
            result.add("reports")
        spans_by_doc: dict[str, list[tuple[int, int]]] = {}
        for entry in truth["files"][spec["file"]]:
            if entry["generic"] or not entry["document"]:
                continue
            spans_by_doc.setdefault(entry["document"], []).append((entry["start"], entry["end"]))
        for doc, spans in spans_by_doc.items():
            for key in R.DOCUMENT_SETS.get(doc, [doc]):
                _link(report, directives[key], spans, result)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def generate_subtree(directives: dict[str, Directive], author, result: DemoResult, seed: int = 2019) -> None:
    """Grassroots organisations and cells under the blocs and the district, with a year of monthly reports."""
    rng = random.Random(seed)
    reporters: list[tuple[Organization, list[str]]] = []
    for parent_code, units in GRASSROOTS.items():
        parent = _org(parent_code)
        city = "HN" if parent_code.startswith("HN") else "HCM"
        for suffix, name, kind in units:
            code = f"{parent_code}-{suffix}"
            unit = _ensure_org(code, parent, kind, name, name.replace("Đảng bộ", "Đảng ủy"), rng.randint(25, 160), result)
            cell_names = WARD_CELLS if parent_code == "HCM-Q1" else AGENCY_CELLS
            if kind == "grassroots_cell":
                reporters.append((unit, _directive_keys(city, parent_code, rng)))
                continue
            for i, cell_name in enumerate(cell_names[: rng.randint(2, 4)], start=1):
                cell = _ensure_org(f"{code}-CB{i:02d}", unit, "cell", f"{cell_name} — {name}", cell_name,
                                   rng.randint(6, 30), result)
                reporters.append((cell, _directive_keys(city, parent_code, rng)))
    # STNMT (a real unit of the corpus) gets generated cells too.
    stnmt = _org("HCM-KDCD-STNMT")
    for i, cell_name in enumerate(AGENCY_CELLS[:3], start=1):
        cell = _ensure_org(f"HCM-KDCD-STNMT-CB{i:02d}", stnmt, "cell", f"{cell_name} — Đảng bộ Sở Tài nguyên và Môi trường",
                           cell_name, rng.randint(8, 25), result)
        reporters.append((cell, _directive_keys("HCM", "HCM-KDCD", rng)))
    _fill_member_counts(result)
    targets = {t.directive_id: t for t in Target.objects.filter(directive__in=list(directives.values()))}
    for org, keys in reporters:
        _generate_reports(org, keys, directives, targets, author, rng, result)


def _fill_member_counts(result: DemoResult) -> None:
    """Committees without a count get the sum of the units below them (deepest first, so it adds up)."""
    for org in Organization.objects.filter(member_count=0).order_by("-depth"):
        below = Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1)
        total = sum(below.values_list("member_count", flat=True))
        if total:
            Organization.objects.filter(pk=org.pk).update(member_count=total)
            result.add("member counts")


def _directive_keys(city: str, parent_code: str, rng: random.Random) -> list[str]:
    keys = ["CT05", "TW4_XII"]
    if city == "HCM":
        keys += rng.sample(["NQ54QH", "NQ08TU"], k=1)
        if parent_code == "HCM-KDCD":
            keys.append("KDCD_HCM_DH2")
    else:
        keys += ["HN_CTR07", "KCQ_HN_DH12"]
    return keys


def _generate_reports(org: Organization, keys: list[str], directives: dict[str, Directive],
                      targets: dict[int, Target], author, rng: random.Random, result: DemoResult) -> None:
    existing = set(Report.objects.filter(organization=org).values_list("title", flat=True))
    for month in range(1, 13):
        # Draw every random number even for skipped or existing months, so reruns stay aligned.
        skip = rng.random() < 0.07 and month > 2
        status_roll = rng.random()
        day = rng.randint(3, 25)
        total = max(org.member_count, 3)
        present = total - rng.randint(0, min(3, total - 1))
        cited = [k for k in keys if k == "CT05" or rng.random() < 0.55]
        choices = {k: (rng.choice(SURFACES[k]), rng.choice(CITING[k]), rng.randint(0, 4)) for k in cited}
        opening = rng.choice(OPENINGS)
        closing = rng.choice(CLOSINGS)
        assessment_roll = rng.random()
        delay_days = rng.randint(1, 12)  # most units report within the 5-day window, some late
        title = f"Báo cáo sinh hoạt chi bộ định kỳ tháng {month:02d}/{DEMO_YEAR} — {org.short_name or org.name}"
        if skip or title in existing:
            continue
        if month == 12:
            status = ReportStatus.DRAFT if status_roll < 0.4 else ReportStatus.SUBMITTED
        elif month == 11 and status_roll < 0.3:
            status = ReportStatus.SUBMITTED
        else:
            status = ReportStatus.ACCEPTED
        parts = [opening.format(m=month, y=DEMO_YEAR, d=day, present=present, total=total)]
        spans: dict[str, tuple[int, int]] = {}
        offset = len(parts[0]) + 1
        for key, (surface, sentence, n) in choices.items():
            before, after = sentence.split("{cite}")
            text = before + surface + after.format(n=n)
            spans[key] = (offset + len(before), offset + len(before) + len(surface))
            parts.append(text)
            offset += len(text) + 1
        parts.append(closing)
        body = "\n".join(parts)
        meeting = Meeting(organization=org, kind="cell_regular", date=dt.date(DEMO_YEAR, month, day),
                          title=f"Sinh hoạt chi bộ định kỳ tháng {month:02d}/{DEMO_YEAR}", attendance=present,
                          expected_attendance=total, created_by=author)
        meeting.full_clean()
        meeting.save()
        period_end = _month_end(DEMO_YEAR, month)
        submitted = timezone.make_aware(dt.datetime.combine(period_end + dt.timedelta(days=delay_days), dt.time(9, 30)))
        report = Report(organization=org, meeting=meeting, kind="periodic", period_kind="month",
                        period_start=dt.date(DEMO_YEAR, month, 1), period_end=period_end,
                        title=title, body=body, author=author, status=status,
                        submitted_at=submitted if status != ReportStatus.DRAFT else None,
                        reviewed_at=submitted + dt.timedelta(days=2) if status == ReportStatus.ACCEPTED else None,
                        search_text=search_key(f"{title} {body}"))
        report.full_clean()
        report.save()
        result.add("meetings")
        result.add("reports")
        for key, (_surface, _sentence, n) in choices.items():
            assessment = Assessment.DONE if assessment_roll > 0.85 else (
                Assessment.BEHIND if assessment_roll < 0.1 else Assessment.IN_PROGRESS)
            link = _link(report, directives[key], [spans[key]], result, assessment)
            target = targets.get(directives[key].pk)
            if target is not None and n:
                TargetContribution.objects.create(link=link, target=target, value=Decimal(n))
                result.add("target contributions")


def load_users(result: DemoResult) -> list[tuple[str, str, str]]:
    """One demo user per role; returns (username, role, organisation) rows to print."""
    User = get_user_model()
    rows = []
    for username, kind, org_code, full_name, is_staff, is_superuser in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            first, _, last = full_name.partition(" ")
            user = User(username=username, first_name=full_name, is_staff=is_staff, is_superuser=is_superuser,
                        email=f"{username}@example.invalid")
            user.set_password(DEMO_PASSWORD)
            user.save()
            result.add("users")
        if kind:
            org = _org(org_code)
            _, created = Role.objects.get_or_create(user=user, organization=org, kind=kind)
            result.add("roles", created)
            rows.append((username, kind, str(org)))
        else:
            rows.append((username, "superuser", "—"))
    return rows


@transaction.atomic
def load_demo(seed: int = 2019) -> tuple[DemoResult, list[tuple[str, str, str]]]:
    """Load everything; returns what was created (empty on a second run) and the demo logins."""
    result = DemoResult()
    directives = load_register(result)
    people = load_people(result)
    users = load_users(result)
    from django.contrib.auth import get_user_model

    author = get_user_model().objects.get(username="canbo.khoi")
    load_corpus_reports(directives, people, author, result)
    generate_subtree(directives, author, result, seed=seed)
    from .reform2025 import load_reform_2025

    load_reform_2025(directives, author, get_user_model().objects.get(username="quantri.hcm"), result, _link)
    return result, users
