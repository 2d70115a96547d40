"""factory-boy factories for the domain. Trees are built through the tree API (add_root/add_child)."""
from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from meetings.models import ImplementationLink, Meeting, MeetingKind, PeriodKind, Report, ReportKind
from organizations.models import Organ, Organization, OrganKind, OrgKind, Role, RoleKind, Term
from resolutions.models import Assignment, Directive, Frequency, Target
from resolutions.symbols import DirectiveKind


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-Test-12345")


def make_org(parent: Organization | None = None, *, code: str, kind: str = OrgKind.CELL, name: str | None = None,
             **extra) -> Organization:
    """Create a node under ``parent`` (a root when None)."""
    org = Organization(code=code, name=name or f"Đơn vị {code}", kind=kind, **extra)
    org.clean()
    if parent is None:
        return Organization.objects.add_root(instance=org)
    return Organization.objects.add_child(Organization.objects.get(pk=parent.pk), instance=org)


def make_tree() -> dict[str, Organization]:
    """A three-level tree with two siblings at each level below the root.

    ROOT ─┬ A ─┬ A1 ─┬ A1a
          │    │     └ A1b
          │    └ A2
          └ B ── B1
    """
    t: dict[str, Organization] = {}
    t["ROOT"] = make_org(code="ROOT", kind=OrgKind.PROVINCE, name="Thành ủy Thử nghiệm")
    t["A"] = make_org(t["ROOT"], code="A", kind=OrgKind.BLOC, name="Đảng ủy Khối A")
    t["B"] = make_org(t["ROOT"], code="B", kind=OrgKind.DISTRICT, name="Quận ủy B")
    t["A1"] = make_org(t["A"], code="A1", kind=OrgKind.GRASSROOTS, name="Đảng bộ cơ sở A1")
    t["A2"] = make_org(t["A"], code="A2", kind=OrgKind.GRASSROOTS, name="Đảng bộ cơ sở A2")
    t["B1"] = make_org(t["B"], code="B1", kind=OrgKind.GRASSROOTS, name="Đảng bộ cơ sở B1")
    t["A1a"] = make_org(t["A1"], code="A1a", kind=OrgKind.CELL, name="Chi bộ A1a")
    t["A1b"] = make_org(t["A1"], code="A1b", kind=OrgKind.CELL, name="Chi bộ A1b")
    for org in t.values():
        org.refresh_from_db()
    return t


def grant(user, org: Organization, kind: str = RoleKind.STAFF) -> Role:
    role = Role.objects.create(user=user, organization=org, kind=kind)
    if hasattr(user, "_rt_roles"):
        del user._rt_roles
    return role


class OrganFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organ
        django_get_or_create = ("key",)

    key = "bct"
    name = "Bộ Chính trị"
    kind = OrganKind.POLITBURO
    symbol_code = "TW"
    organization = factory.LazyFunction(
        lambda: Organization.objects.filter(depth=1).first() or make_org(code="TW", kind=OrgKind.CENTRAL, name="Trung ương")
    )


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("organization", "ordinal")

    organization = factory.LazyFunction(lambda: OrganFactory().organization)
    ordinal = 12
    start_year = 2016
    end_year = 2021


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive

    kind = DirectiveKind.CHI_THI
    number = factory.Sequence(lambda n: f"{n + 1:02d}")
    issuer = factory.SubFactory(OrganFactory)
    term = factory.LazyAttribute(lambda o: TermFactory(organization=o.issuer.organization))
    issue_date = dt.date(2017, 5, 15)
    title = factory.Sequence(lambda n: f"Về nhiệm vụ thử nghiệm số {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj.full_clean()
        obj.save()
        return obj


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    directive = factory.SubFactory(DirectiveFactory)
    name = factory.Sequence(lambda n: f"Chỉ tiêu {n}")
    unit = "đảng viên"
    value = 100


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    directive = factory.SubFactory(DirectiveFactory)
    frequency = Frequency.MONTHLY
    start = dt.date(2019, 1, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = MeetingKind.CELL_REGULAR
    title = factory.Sequence(lambda n: f"Sinh hoạt chi bộ định kỳ {n}")
    date = dt.date(2019, 3, 10)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    kind = ReportKind.PERIODIC
    period_kind = PeriodKind.MONTH
    period_start = dt.date(2019, 3, 1)
    period_end = dt.date(2019, 3, 31)
    title = factory.Sequence(lambda n: f"Báo cáo kết quả công tác tháng 3/2019 số {n}")
    body = "Chi bộ tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị."


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImplementationLink

    report = factory.SubFactory(ReportFactory)
    directive = factory.SubFactory(DirectiveFactory)


def post_previewed(client, url: str, data: dict):
    """Apply a reorganisation as a user does: preview it, then apply the change previewed."""
    preview = client.post(url, {**data, "step": "preview"})
    digest = preview.context["plan_digest"] if preview.context else ""
    assert digest, "the preview shows a change to apply"
    return client.post(url, {**data, "step": "apply", "digest": digest})
