"""Canonical symbols for every document kind the corpus cites, and directive identity."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from organizations.models import Organ, OrganKind, Term
from resolutions.models import Directive
from resolutions.symbols import SymbolFamily, canonical_symbol, normalize_issuer_code


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (dict(family="party", number="5", type_code="CT", issuer_code="TW"), "05-CT/TW"),
        (dict(family="party", number="21", type_code="KL", issuer_code="TW"), "21-KL/TW"),
        (dict(family="party", number="8", type_code="QĐi", issuer_code="TW"), "08-QĐi/TW"),
        (dict(family="party", number="156", type_code="KH", issuer_code="TU"), "156-KH/TU"),
        (dict(family="party", number="02", type_code="ĐA", issuer_code="TU"), "02-ĐA/TU"),
        (dict(family="party", number="08", type_code="NQ", issuer_code="TU"), "08-NQ/TU"),
        (dict(family="party", number="16", type_code="NQ", issuer_code="TW"), "16-NQ/TW"),
        (dict(family="party", number="1374", type_code="QĐ", issuer_code="TU"), "1374-QĐ/TU"),
        (dict(family="party", number="07", type_code="CTr", issuer_code="TU"), "07-CTr/TU"),
        (dict(family="party", number="05", type_code="CT", issuer_code="TƯ"), "05-CT/TW"),
        (dict(family="party", number="05", type_code="CT", issuer_code="T.Ư"), "05-CT/TW"),
        (dict(family="state_law", number="54", type_code="NQ", issuer_code="QH14", year=2017), "54/2017/QH14"),
        (dict(family="state_normative", number="30", type_code="NĐ", issuer_code="CP", year=2020), "30/2020/NĐ-CP"),
        (dict(family="state_admin", number="439", type_code="QĐ", issuer_code="TTg"), "439/QĐ-TTg"),
        # State numbers below 10 are zero-padded as well (Nghị định 30/2020/NĐ-CP, Phụ lục I).
        (dict(family="state_normative", number="1", type_code="TT", issuer_code="BNV", year=2021), "01/2021/TT-BNV"),
        (dict(family="state_admin", number="005", type_code="QĐ", issuer_code="UBND"), "05/QĐ-UBND"),
        (dict(family="state_law", number="7", type_code="", issuer_code="QH15", year=2022), "07/2022/QH15"),
        (dict(family="party", number="", type_code="NQ", issuer_code="TW"), ""),
    ],
)
def test_canonical_symbol(parts, expected):
    assert canonical_symbol(**parts) == expected


def test_issuer_code_misprints():
    assert normalize_issuer_code("TƯ") == "TW"
    assert normalize_issuer_code("T.Ư") == "TW"
    assert normalize_issuer_code("TU") == "TU"


@pytest.fixture
def tw(db):
    from tests.factories import make_org

    root = make_org(code="TW", kind="central", name="Trung ương")
    bct = Organ.objects.create(key="bct", name="Bộ Chính trị", kind=OrganKind.POLITBURO, organization=root, symbol_code="TW")
    xii = Term.objects.create(organization=root, ordinal=12, start_year=2016, end_year=2021)
    xiii = Term.objects.create(organization=root, ordinal=13, start_year=2021, end_year=2026)
    return dict(root=root, bct=bct, xii=xii, xiii=xiii)


def make(**kw) -> Directive:
    d = Directive(**kw)
    d.full_clean()
    d.save()
    return d


def test_same_symbol_in_two_terms_is_two_directives(tw):
    a = make(kind="KL", number="21", issuer=tw["bct"], term=tw["xii"], issue_date=dt.date(2017, 10, 24), title="KL 2017")
    b = make(kind="KL", number="21", issuer=tw["bct"], term=tw["xiii"], issue_date=dt.date(2021, 10, 25), title="KL 2021")
    assert a.symbol == b.symbol == "21-KL/TW"
    assert Directive.objects.filter(symbol="21-KL/TW").count() == 2


def test_identity_is_a_database_constraint(tw):
    make(kind="CT", number="05", issuer=tw["bct"], term=tw["xii"], issue_date=dt.date(2016, 5, 15), title="CT 05")
    dup = Directive(kind="CT", number="05", issuer=tw["bct"], term=tw["xii"], title="again")
    with pytest.raises(ValidationError):
        dup.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Directive.objects.create(kind="CT", number="05", issuer=tw["bct"], term=tw["xii"], title="again", symbol="05-CT/TW")


def test_unnumbered_congress_resolution_is_first_class(tw):
    congress = Organ.objects.create(key="dh", name="Đại hội", kind=OrganKind.CONGRESS, organization=tw["root"])
    d = make(kind="NQ", number="", issuer=congress, term=tw["xii"], title="Nghị quyết Đại hội XII")
    assert d.symbol == ""
    assert d.label == "Nghị quyết Đại hội XII"


def test_unnumbered_party_document_needs_term_or_date(tw):
    with pytest.raises(IntegrityError), transaction.atomic():
        Directive.objects.create(kind="NQ", number="", issuer=tw["bct"], title="no anchor")


def test_issue_date_outside_term_is_rejected(tw):
    with pytest.raises(ValidationError):
        make(kind="CT", number="35", issuer=tw["bct"], term=tw["xii"], issue_date=dt.date(2024, 6, 14), title="x")


def test_state_law_symbol(tw):
    qh = Organ.objects.create(key="qh", name="Quốc hội", kind=OrganKind.STATE, symbol_code="QH")
    d = make(kind="NQ", family=SymbolFamily.STATE_LAW, number="54", issuer=qh, issuer_code="QH14",
             issue_date=dt.date(2017, 11, 24), title="Thí điểm cơ chế đặc thù")
    assert d.symbol == "54/2017/QH14"
    assert d.year == 2017
