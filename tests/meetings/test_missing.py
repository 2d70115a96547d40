"""Missing reports: the list leaders read, and one digest e-mail per staff user."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache

from meetings.missing import missing_digest_send, missing_reports
from organizations.actors import system_actor
from organizations.models import RoleKind
from resolutions import periods as P
from tests.factories import UserFactory, grant

from .test_summaries import MARCH, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

APRIL_10 = dt.date(2019, 4, 10)


def keys(items):
    return sorted((i.unit.code, i.period.key, i.overdue) for i in items)


@pytest.mark.embedded
def test_missing_for_a_period(world):  # noqa: F811
    items = missing_reports(period=MARCH, as_of=APRIL_10)
    # A1b reported after the due date (5 April); A2 has only a draft; B1 nothing at all.
    assert keys(items) == [("A1b", "2019-03", False), ("A2", "2019-Q1", True), ("B1", "2019-Q1", True)]
    late = next(i for i in items if i.unit.code == "A1b")
    assert late.due == dt.date(2019, 4, 5) and late.submitted_late_at is not None
    assert keys(missing_reports(period=MARCH, as_of=APRIL_10, include_late=False)) == [
        ("A2", "2019-Q1", True), ("B1", "2019-Q1", True)]


def test_missing_is_scoped_to_the_subtree(world):  # noqa: F811
    t = world["tree"]
    assert [i.unit.code for i in missing_reports(organization=t["A"], period=MARCH, as_of=APRIL_10)] == ["A1b", "A2"]
    assert [i.unit.code for i in missing_reports(organization=t["B1"], period=MARCH, as_of=APRIL_10)] == ["B1"]
    # Before the due date nobody is missing yet.
    assert missing_reports(period=MARCH, as_of=dt.date(2019, 4, 5)) == []
    # February: only the monthly cells were expected; A1b never reported.
    assert keys(missing_reports(period=P.parse_period("2019-02"), as_of=APRIL_10)) == [("A1b", "2019-02", True)]


def test_one_digest_per_staff_user(world, settings):  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    t = world["tree"]
    both = UserFactory(username="staff_both", email="both@example.invalid")
    grant(both, t["A"], RoleKind.STAFF)
    grant(both, t["B"], RoleKind.STAFF)
    a2 = UserFactory(username="staff_a2", email="a2@example.invalid")
    grant(a2, t["A2"], RoleKind.STAFF)
    leader = UserFactory(username="leader_root", email="leader@example.invalid")
    grant(leader, t["ROOT"], RoleKind.LEADER)
    far = UserFactory(username="staff_root", email="root@example.invalid")
    grant(far, t["ROOT"], RoleKind.STAFF)

    assert missing_digest_send(actor=system_actor(), today=APRIL_10) == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"both@example.invalid", "a2@example.invalid"}
    body = by_to["both@example.invalid"].body
    assert "Đảng bộ cơ sở A2" in body and "Đảng bộ cơ sở B1" in body and "quý I/2019" in body
    assert "2 báo cáo" in by_to["both@example.invalid"].subject
    assert "Đảng bộ cơ sở A2" in by_to["a2@example.invalid"].body and "B1" not in by_to["a2@example.invalid"].body
    # A retried task the same day sends nothing more.
    assert missing_digest_send(actor=system_actor(), today=APRIL_10) == 0 and len(mail.outbox) == 2


def test_every_late_unit_reaches_someone_who_can_act_even_without_accounts_of_its_own(world):  # noqa: F811
    """Cells have no accounts: their office is a committee further up. And leaders hear of it."""
    from meetings.missing import digest_recipients

    t = world["tree"]
    office = UserFactory(username="office_a")
    grant(office, t["A"], RoleKind.STAFF)  # two levels above the cells, none at A1
    leader_a2 = UserFactory(username="leader_a2")
    grant(leader_a2, t["A2"], RoleKind.LEADER)
    items = [i for i in missing_reports(period=P.parse_period("2019-02"), as_of=APRIL_10)
             + missing_reports(period=MARCH, as_of=APRIL_10) if i.overdue]
    assert {i.unit.code for i in items} == {"A1b", "A2", "B1"}
    recipients = digest_recipients(items)
    reached = {i.unit.code for user_items in recipients.values() for i in user_items}
    assert {"A1b", "A2"} <= reached, "the cell's office two levels up follows it up"
    assert {i.unit.code for i in recipients[office.pk]} == {"A1b", "A2"}
    assert {i.unit.code for i in recipients[leader_a2.pk]} == {"A2"}, "a late unit's leader hears of it"


def test_on_the_demo_every_overdue_item_reaches_someone():
    """The 58-of-66 case: on 7 January 2020 most late cells of the demo reached nobody."""
    from meetings.missing import digest_recipients
    from tests.demo import load_demo

    load_demo()
    items = [i for i in missing_reports(as_of=dt.date(2020, 1, 7), lookback_days=31) if i.overdue]
    assert len(items) > 20
    recipients = digest_recipients(items)
    reached = {(i.unit.pk, i.directive.pk, i.period.key) for user_items in recipients.values() for i in user_items}
    nobody = [(i.unit.code, i.period.key) for i in items if (i.unit.pk, i.directive.pk, i.period.key) not in reached]
    assert nobody == []
