"""Dated reorganisations: transfer, merger, split, dissolution — with reports on both sides.

The tree (tests.factories.make_tree) and a directive every cell reports on monthly:

    ROOT ─┬ A ─┬ A1 ─┬ A1a        October 2019: A1a reports (on time)
          │    │     └ A1b        November 2019: A1a and A1b report
          │    └ A2
          └ B ── B1

Every change takes effect on 1 November 2019, so October is summarised as the tree was and
November as it is after.
"""
from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from meetings import summaries as S
from meetings.models import Report, ReportStatus
from organizations.models import Organization, OrgKind, Reorganisation, RoleKind
from organizations.selectors import can_access
from organizations.services import (
    NewUnit,
    SplitPart,
    plan_dissolve,
    plan_merge,
    plan_move,
    plan_split,
    reorganise,
)
from resolutions import periods as P
from resolutions.dashboards import figures_for
from resolutions.models import Assignment
from tests.factories import (
    AssignmentFactory,
    DirectiveFactory,
    LinkFactory,
    ReportFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db

OCT, NOV = P.parse_period("2019-10"), P.parse_period("2019-11")
EFFECTIVE = dt.date(2019, 11, 1)
NOW = timezone.make_aware(dt.datetime(2019, 12, 20, 12, 0))


def at(y, m, d):
    return timezone.make_aware(dt.datetime(y, m, d, 9, 0))


@pytest.fixture
def world(tree, make_user):
    d = DirectiveFactory()
    AssignmentFactory(directive=d, organization=tree["ROOT"], reporter_kind=OrgKind.CELL, frequency="month",
                      start=dt.date(2019, 1, 1), due_days=5)

    def report(org, period, day):
        r = ReportFactory(organization=org, period_kind=period.kind, period_start=period.start,
                          period_end=period.end, status=ReportStatus.ACCEPTED, submitted_at=day)
        LinkFactory(report=r, directive=d)
        return r

    reports = {
        "oct": report(tree["A1a"], OCT, at(2019, 11, 2)),
        "nov_a": report(tree["A1a"], NOV, at(2019, 12, 2)),
        "nov_b": report(tree["A1b"], NOV, at(2019, 12, 3)),
    }
    operator = UserFactory(username="operator", is_superuser=True, is_staff=True)
    return {"t": tree, "d": d, "reports": reports, "op": operator,
            "admin_root": make_user("admin_root", tree["ROOT"], RoleKind.ADMIN),
            "admin_a": make_user("admin_a", tree["A"], RoleKind.ADMIN),
            "staff_a1a": make_user("staff_a1a", tree["A1a"], RoleKind.STAFF)}


def figures(org_code, period):
    org = Organization.objects.get(code=org_code)
    S.compute_period(period, now=NOW)
    rows = figures_for(org, period)
    return (rows[0].expected_units, rows[0].reports) if rows else (0, 0)


def test_transfer_keeps_the_past_under_the_old_parent_and_the_future_under_the_new(world):
    t, admin = world["t"], world["admin_root"]
    plan = plan_move(actor=admin, unit=t["A1"], new_parent=t["B"], effective=EFFECTIVE, reason="QĐ 12-QĐ/TU")
    text = " ".join(plan.effects)
    assert "2 units below it go along" in text and "1 report stays with the units as they were" in text
    # What the preview says is what happens below: October's report stays, November's two go on.
    assert "2 reports for periods from 01/11/2019 on go to the units that carry the work on" in text
    assert Organization.objects.get(pk=t["A1"].pk).valid_to is None  # a preview changes nothing

    event = reorganise(actor=admin, plan=plan)

    old, new = Organization.objects.get(pk=t["A1"].pk), Organization.objects.get(code="A1")
    assert old.code == "A1@2019-10-31" and old.valid_to == dt.date(2019, 10, 31)
    assert new.valid_from == EFFECTIVE and Organization.objects.get_parent(new).code == "B"
    assert list(old.successors.all()) == [new]
    assert sorted(Organization.objects.get_descendants(Organization.objects.get(pk=t["B"].pk)).values_list("code", flat=True)) == [
        "A1", "A1a", "A1b", "B1"]
    # The October report stays with the cell as it was; November's go to the new versions.
    assert Report.objects.get(pk=world["reports"]["oct"].pk).organization_id == t["A1a"].pk
    assert Report.objects.get(pk=world["reports"]["nov_a"].pk).organization.code == "A1a"
    assert Report.objects.get(pk=world["reports"]["nov_a"].pk).organization_id != t["A1a"].pk
    # Summaries: October as the tree was (A has the cells), November as it is (B has them).
    assert figures("A", OCT) == (2, 1) and figures("B", OCT) == (0, 0)
    assert figures("B", NOV) == (2, 2) and figures("A", NOV) == (0, 0)
    assert figures("ROOT", OCT) == (2, 1) and figures("ROOT", NOV) == (2, 2)
    assert event.kind == "move" and list(event.targets.all()) == [new]
    assert LogEntry.objects.get_for_object(event).exists()


def test_a_transferred_units_staff_keep_their_role_and_its_history(world):
    t, admin, staff = world["t"], world["admin_root"], world["staff_a1a"]
    reorganise(actor=admin, plan=plan_move(actor=admin, unit=t["A1"], new_parent=t["B"], effective=EFFECTIVE,
                                           reason="Điều chuyển"))
    staff = type(staff).objects.get(pk=staff.pk)
    new_cell = Organization.objects.get(code="A1a")
    assert [r.organization_id for r in staff.roles.all()] == [new_cell.pk]
    # The old version (with its October report) is still theirs to read and to file for.
    assert can_access(staff, Organization.objects.get(pk=t["A1a"].pk))
    assert not can_access(staff, t["A2"])


def test_an_ended_unit_files_for_the_time_it_existed_and_not_after(world):
    t, admin = world["t"], world["admin_root"]
    reorganise(actor=admin, plan=plan_dissolve(actor=admin, unit=t["A2"], effective=EFFECTIVE, reason="Giải thể"))
    ended = Organization.objects.get(pk=t["A2"].pk)
    ReportFactory.build(organization=ended, period_kind="month", period_start=OCT.start, period_end=OCT.end).full_clean(
        exclude=["author", "meeting"])
    late = ReportFactory.build(organization=ended, period_kind="month", period_start=NOV.start, period_end=NOV.end)
    with pytest.raises(ValidationError) as err:
        late.full_clean(exclude=["author", "meeting"])
    assert "ended on" in str(err.value.message_dict["organization"])


def test_merger_into_a_new_unit_moves_children_and_work_from_the_date(world):
    t, admin = world["t"], world["admin_root"]
    plan = plan_merge(actor=admin, sources=[t["A1"], t["A2"]], effective=EFFECTIVE, reason="NQ sáp nhập",
                      new_unit=NewUnit(code="A3", name="Đảng bộ cơ sở A3", kind=OrgKind.GRASSROOTS),
                      new_parent=t["A"])
    text = " ".join(plan.effects)
    assert "merged into “Đảng bộ cơ sở A3”" in text and "2 units below them go to" in text
    reorganise(actor=admin, plan=plan)

    a1, a2 = Organization.objects.get(pk=t["A1"].pk), Organization.objects.get(pk=t["A2"].pk)
    a3 = Organization.objects.get(code="A3")
    assert a1.valid_to == a2.valid_to == dt.date(2019, 10, 31)
    assert list(a1.successors.all()) == [a3] == list(a2.successors.all())
    # The merged units keep their codes (they ended, nothing else took their place).
    assert a1.code == "A1" and a2.code == "A2"
    assert sorted(Organization.objects.get_children(a3).values_list("code", flat=True)) == ["A1a", "A1b"]
    assert figures("A1", OCT) == (2, 1) and figures("A3", OCT) == (0, 0)
    assert figures("A3", NOV) == (2, 2) and figures("A1", NOV) == (0, 0)
    assert figures("A", OCT) == (2, 1) and figures("A", NOV) == (2, 2)


def test_a_new_successor_sorted_before_the_merged_units_still_receives_their_children(world):
    """New units are inserted among their siblings by code, which renumbers the paths after them."""
    t, admin = world["t"], world["admin_root"]
    reorganise(actor=admin, plan=plan_merge(actor=admin, sources=[t["A"], t["B"]], effective=EFFECTIVE, reason="Sáp nhập",
                                            new_unit=NewUnit(code="0-NEW", name="Đảng ủy mới", kind=OrgKind.BLOC),
                                            new_parent=t["ROOT"]))
    new = Organization.objects.get(code="0-NEW")
    assert sorted(Organization.objects.get_children(new).values_list("code", flat=True)) == ["A1", "A2", "B1"]
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert figures("0-NEW", NOV) == (2, 2)


def test_split_gives_each_part_the_children_chosen_for_it(world):
    t, admin = world["t"], world["admin_root"]
    parts = [SplitPart(children=[t["A1a"]], new=NewUnit(code="A1-X", name="Đảng bộ X", kind=OrgKind.GRASSROOTS)),
             SplitPart(children=[t["A1b"]], target=t["A2"])]
    plan = plan_split(actor=admin, unit=t["A1"], parts=parts, effective=EFFECTIVE, reason="Chia tách")
    assert "split into “Đảng bộ X”, “Đảng bộ cơ sở A2”" in " ".join(plan.effects)
    reorganise(actor=admin, plan=plan)
    x = Organization.objects.get(code="A1-X")
    assert [c.code for c in Organization.objects.get_children(x)] == ["A1a"]
    assert [c.code for c in Organization.objects.get_children(Organization.objects.get(pk=t["A2"].pk))] == ["A1b"]
    assert set(Organization.objects.get(pk=t["A1"].pk).successors.values_list("code", flat=True)) == {"A1-X", "A2"}
    assert figures("A1", OCT) == (2, 1)
    assert figures("A1-X", NOV) == (1, 1) and figures("A2", NOV) == (1, 1)


def test_split_must_place_every_child(world):
    t, admin = world["t"], world["admin_root"]
    parts = [SplitPart(children=[t["A1a"]], target=t["A2"]),
             SplitPart(children=[], new=NewUnit(code="A1-Y", name="Y", kind=OrgKind.GRASSROOTS))]
    with pytest.raises(ValidationError) as err:
        plan_split(actor=admin, unit=t["A1"], parts=parts, effective=EFFECTIVE, reason="Chia tách")
    assert "Chi bộ A1b" in str(err.value)


def test_dissolution_without_successor_ends_the_subtree_and_its_expectations(world):
    t, admin = world["t"], world["admin_root"]
    plan = plan_dissolve(actor=admin, unit=t["A1"], effective=EFFECTIVE, reason="Giải thể theo QĐ 5")
    assert "2 units below it end too" in " ".join(plan.effects)
    reorganise(actor=admin, plan=plan)
    assert set(Organization.objects.filter(code__in=["A1", "A1a", "A1b"]).values_list("valid_to", flat=True)) == {
        dt.date(2019, 10, 31)}
    assert figures("ROOT", OCT)[0] == 2
    assert figures("ROOT", NOV) == (0, 2)  # nobody is expected any more; the reports filed stay counted


def test_assignments_at_a_transferred_unit_continue_in_its_new_place(world):
    t, admin = world["t"], world["admin_root"]
    a = AssignmentFactory(directive=world["d"], organization=t["A1"], reporter_kind="", frequency="quarter",
                          start=dt.date(2019, 1, 1))
    reorganise(actor=admin, plan=plan_move(actor=admin, unit=t["A1"], new_parent=t["B"], effective=EFFECTIVE,
                                           reason="Điều chuyển"))
    a.refresh_from_db()
    assert a.end == dt.date(2019, 10, 31)
    follow = Assignment.objects.get(organization__code="A1", start=EFFECTIVE)
    assert follow.frequency == "quarter" and follow.end is None


@pytest.mark.parametrize("who", ["admin_a", "staff_a1a"])
def test_nobody_reorganises_outside_their_admin_subtree(world, who):
    t = world["t"]
    with pytest.raises(PermissionDenied):
        plan_move(actor=world[who], unit=t["A1"], new_parent=t["B"], effective=EFFECTIVE, reason="x")


def test_an_admin_cannot_end_the_unit_their_own_role_sits_on(world):
    t = world["t"]
    with pytest.raises(PermissionDenied):
        plan_dissolve(actor=world["admin_a"], unit=t["A"], effective=EFFECTIVE, reason="x")
    # …but reorganises freely below it.
    plan = plan_merge(actor=world["admin_a"], sources=[t["A2"]], into=t["A1"], effective=EFFECTIVE, reason="Sáp nhập")
    reorganise(actor=world["admin_a"], plan=plan)
    assert Organization.objects.get(pk=t["A2"].pk).valid_to == dt.date(2019, 10, 31)


def test_bad_plans_say_why_and_change_nothing(world):
    t, admin = world["t"], world["admin_root"]
    with pytest.raises(ValidationError) as err:
        plan_move(actor=admin, unit=t["A1"], new_parent=t["B"], effective=EFFECTIVE, reason="   ")
    assert "reason" in err.value.message_dict
    with pytest.raises(ValidationError):
        plan_move(actor=admin, unit=t["A"], new_parent=t["A1"], effective=EFFECTIVE, reason="vòng lặp")
    with pytest.raises(ValidationError):
        plan_merge(actor=admin, sources=[t["A1"], t["A1a"]], into=t["B1"], effective=EFFECTIVE, reason="lồng nhau")
    # A move dated before the unit existed (it would keep no history of a place it never had).
    Organization.objects.filter(pk=t["A1b"].pk).update(valid_from=dt.date(2019, 6, 1))
    with pytest.raises(ValidationError) as err:
        plan_move(actor=admin, unit=t["A1b"], new_parent=t["A2"], effective=dt.date(2019, 5, 1), reason="trước khi có")
    assert "only starts on 01/06/2019" in str(err.value)
    assert not Reorganisation.objects.exists()
    assert Organization.objects.filter(valid_to__isnull=False).count() == 0


def test_staff_of_a_merged_unit_lose_their_role_and_the_successor_sees_the_history(world, make_user):
    t, admin = world["t"], world["admin_root"]
    b1_leader = make_user("leader_b1", t["B1"], RoleKind.LEADER)
    grant(make_user("staff_a2", t["A2"], RoleKind.STAFF), t["A2"], RoleKind.LEADER)
    reorganise(actor=admin, plan=plan_merge(actor=admin, sources=[t["A2"]], into=t["B1"], effective=EFFECTIVE,
                                            reason="Sáp nhập"))
    assert not Organization.objects.get(pk=t["A2"].pk).roles.exists()
    b1_leader = type(b1_leader).objects.get(pk=b1_leader.pk)
    assert can_access(b1_leader, Organization.objects.get(pk=t["A2"].pk))
    assert not can_access(b1_leader, t["A1"])


def test_periods_from_the_date_are_summarised_again_once_the_change_is_committed(
        world, monkeypatch, django_capture_on_commit_callbacks):
    from config.celery import app

    t, admin = world["t"], world["admin_root"]
    S.compute_period(NOV, now=NOW)
    assert figures_for(Organization.objects.get(code="A"), NOV)[0].expected_units == 2
    monkeypatch.setattr("meetings.succession.timezone.localdate", lambda: dt.date(2019, 11, 30))
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the task runs here, in the test's transaction
    try:
        with django_capture_on_commit_callbacks(execute=True):
            reorganise(actor=admin, plan=plan_move(actor=admin, unit=t["A1"], new_parent=t["B"], effective=EFFECTIVE,
                                                   reason="Điều chuyển"))
    finally:
        app.conf.task_always_eager = eager
    # No summary was computed by hand: the committed change brought November up to date.
    b_rows = figures_for(Organization.objects.get(code="B"), NOV)
    assert b_rows and b_rows[0].expected_units == 2
    assert not figures_for(Organization.objects.get(code="A"), NOV) or \
        figures_for(Organization.objects.get(code="A"), NOV)[0].expected_units == 0
