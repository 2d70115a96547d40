"""The links step shows what the citation finder found but the register lacks — state
documents included — with the parts it read, in words (never a kind code); a registered state
document is offered as a link like any other directive."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from meetings import services
from organizations.models import Organ, OrganKind, RoleKind
from tests.factories import DirectiveFactory

pytestmark = pytest.mark.django_db

BODY = ("Chi bộ quán triệt Nghị định số 30/2020/NĐ-CP của Chính phủ, Thông tư 02/2019/TT-BNV "
        "và Luật Quy hoạch 2017; liên hệ 0912-345-678 trước ngày 25/10/2021.")


@pytest.fixture
def page(client, tree, make_user):
    def render() -> str:
        government = Organ.objects.create(key="cp", name="Chính phủ", kind=OrganKind.STATE, symbol_code="CP")
        decree = DirectiveFactory(kind="NĐ", family="state_normative", number="30", issuer=government, issuer_code="CP",
                                  term=None, issue_date=dt.date(2020, 3, 5), title="Về công tác văn thư")
        staff = make_user("staff_a", tree["A"], RoleKind.STAFF)
        report = services.report_create(actor=staff, organization=tree["A1a"], kind="periodic", period_kind="month",
                                        period_start=dt.date(2021, 3, 1), period_end=dt.date(2021, 3, 31),
                                        title="Báo cáo tháng 3/2021", body=BODY)
        client.force_login(staff)
        response = client.get(reverse("report-links", args=[report.pk]))
        assert response.status_code == 200
        return response.content.decode(), decree
    return render


def unresolved_items(page_html: str) -> list[str]:
    section = re.search(r'<section[^>]*aria-labelledby="unresolved-title".*?</section>', page_html, re.S)
    assert section, "no section for the citations that need a decision"
    items = re.findall(r"<li>(.*?)</li>", section.group(0), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_unregistered_state_documents_are_listed_with_their_parts_in_words(page):
    html, decree = page()
    items = unresolved_items(html)
    assert len(items) == 2, items  # the phone number and the date are no citations
    circular, law = items
    assert "Thông tư 02/2019/TT-BNV" in circular
    assert "kind: Thông tư" in circular and "symbol: 02/2019/TT-BNV" in circular and "year: 2019" in circular
    assert "Luật Quy hoạch 2017" in law and "kind: Luật" in law and "name: Luật Quy hoạch" in law
    assert "TTư" not in html
    # The registered decree is offered as a link, ticked, and highlighted in the text.
    assert re.search(rf'<input type="checkbox" name="link-{decree.pk}-keep"[^>]*checked', html)
    assert f'data-directive="{decree.pk}">Nghị định số 30/2020/NĐ-CP của Chính phủ</mark>' in html


@pytest.mark.vietnamese
def test_the_parts_are_labelled_in_vietnamese(page):
    html, _decree = page()
    circular = unresolved_items(html)[0]
    assert "loại: Thông tư" in circular and "năm: 2019" in circular and "số, ký hiệu: 02/2019/TT-BNV" in circular
