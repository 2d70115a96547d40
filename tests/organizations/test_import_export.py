"""Bulk import and export of the organisation tree (issue 15, part 3).

What an admin or operator would notice: a file creates, changes and moves exactly what its
dry run said, in one go or not at all; a file with problems changes nothing and lists every
problem by row and column; an export imports back as "nothing to do"; a file never carries a
formula; an admin's file cannot touch anything outside their subtree; the tree stays one
treebeard can work with (``find_problems``), with siblings where ``add_child`` puts them.
"""
from __future__ import annotations

import datetime as dt
import io
import random
import time

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from openpyxl import load_workbook

from organizations.actors import system_actor
from organizations.models import Organization, RoleKind
from organizations.services.tree_io import (
    ImportFileError,
    ImportRejected,
    PlanChanged,
    apply_import,
    export_organizations,
    plan_import,
)
from organizations.services.tree_io.cells import COLUMNS
from tests.factories import UserFactory, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return UserFactory(username="operator", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_a(tree, make_user):
    return make_user("admin_a", tree["A"], RoleKind.ADMIN)


def csv_file(rows: list[list], header=COLUMNS, sep=";") -> bytes:
    lines = [sep.join(header)] + [sep.join("" if v is None else str(v) for v in row) for row in rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def snapshot() -> tuple:
    units = sorted(Organization.objects.values_list("code", "path", "depth", "numchild", "name", "short_name",
                                                    "kind", "member_count", "valid_from", "valid_to", "search_text"))
    return units, LogEntry.objects.count()


def parent_code(org: Organization) -> str | None:
    parent = Organization.objects.get_parent(Organization.objects.get(pk=org.pk))
    return parent.code if parent else None


def assert_tree_sound(treebeard: bool = True) -> None:
    """treebeard's own check (a few queries a unit: small trees only), the same invariants
    counted in one read, and siblings in code order along their paths (node_order_by)."""
    if treebeard:
        assert Organization.objects.find_problems() == ([], [], [], [], [])
    units = list(Organization.objects.values_list("path", "depth", "numchild"))
    paths = {path for path, _depth, _numchild in units}
    children: dict[str, int] = {}
    for path, depth, _numchild in units:
        assert len(path) % 4 == 0 and depth == len(path) // 4
        assert depth == 1 or path[:-4] in paths, f"orphan {path}"
        children[path[:-4]] = children.get(path[:-4], 0) + 1
    assert all(numchild == children.get(path, 0) for path, _depth, numchild in units)
    by_parent: dict[str, list] = {}
    for code, path in Organization.objects.values_list("code", "path"):
        by_parent.setdefault(path[:-4], []).append((path, code))
    for siblings in by_parent.values():
        in_path_order = [code for _path, code in sorted(siblings)]
        assert in_path_order == sorted(in_path_order)


# --------------------------------------------------------------------------------------
# Speed: 5,000 units in bulk
# --------------------------------------------------------------------------------------
def test_five_thousand_rows_import_in_bulk_into_a_tree_with_siblings(tree, operator):
    """50 new districts under ROOT, sorting between and after A and B, 99 cells each; rows shuffled
    so that children come before their parents."""
    rows = []
    for d in range(50):
        code = f"A{d:02d}" if d % 2 else f"C{d:02d}"  # A00… sort between A and B, C… after B
        rows.append({"code": code, "name": f"Quận ủy {d}", "kind": "district", "parent_code": "ROOT",
                     "member_count": d, "valid_from": "2020-01-01"})
        for c in range(99):
            rows.append({"code": f"{code}-C{c:02d}", "name": f"Chi bộ {c} — {d}", "kind": "cell",
                         "parent_code": code, "short_name": f"Chi bộ {c}", "member_count": c})
    random.Random(5).shuffle(rows)
    started = time.perf_counter()
    plan = plan_import(operator, rows=rows)
    planned = time.perf_counter()
    assert plan.errors == [] and len(plan.created) == 5000
    result = apply_import(actor=operator, plan=plan)
    done = time.perf_counter()
    print(f"\n5,000 rows: plan {planned - started:.2f}s, apply {done - planned:.2f}s")
    assert (result.created, result.changed, result.moved) == (5000, 0, 0)
    assert Organization.objects.count() == 8 + 5000
    assert_tree_sound(treebeard=False)
    assert Organization.objects.find_problems(parent=Organization.objects.get(code="A01")) == ([], [], [], [], [])
    root = Organization.objects.get(code="ROOT")
    assert root.numchild == 52
    assert [o.code for o in Organization.objects.get_children(root)][:4] == ["A", "A01", "A03", "A05"]
    assert Organization.objects.get_parent(Organization.objects.get(code="A01-C05")).code == "A01"
    assert Organization.objects.get(code="A01-C05").search_text == "chi bo 5 - 1 chi bo 5 a01-c05"
    # The existing subtree that had to shift keeps its shape.
    assert [o.code for o in Organization.objects.get_children(Organization.objects.get(code="B"))] == ["B1"]
    entries = LogEntry.objects.filter(action=LogEntry.Action.CREATE, content_type__model="organization",
                                      actor=operator)
    assert entries.count() == 5000


@pytest.mark.embedded
def test_new_units_go_where_add_child_puts_them(tree, operator):
    """Same rows, once by the import and once by treebeard's add_child one at a time: same paths."""
    rows = [{"code": code, "name": code, "kind": "cell", "parent_code": parent}
            for code, parent in [("A0", "ROOT"), ("AA", "ROOT"), ("Z", "ROOT"), ("A1c", "A1"), ("A10", "A1")]]
    with transaction.atomic():
        apply_import(actor=operator, plan=plan_import(operator, rows=rows))
        imported = dict(Organization.objects.values_list("code", "path"))
        transaction.set_rollback(True)
    for row in rows:
        make_org(Organization.objects.get(code=row["parent_code"]), code=row["code"], name=row["name"])
    assert dict(Organization.objects.values_list("code", "path")) == imported
    assert_tree_sound()


# --------------------------------------------------------------------------------------
# A file with problems of every kind changes nothing
# --------------------------------------------------------------------------------------
@pytest.mark.embedded
def test_a_file_with_every_kind_of_problem_changes_nothing(tree, admin_a):
    rows = [
        ["N1", "Chi bộ mới 1", "", "cell", "A1", "12", "2020-01-01", ""],          # 2: fine
        ["N2", "Chi bộ mới 2", "", "cell", "KHONG-CO", "5", "", ""],               # 3: unknown parent
        ["N1", "Chi bộ trùng", "", "cell", "A1", "5", "", ""],                     # 4: duplicate code
        ["X", "Vòng X", "", "cell", "Y", "", "", ""],                              # 5: cycle
        ["Y", "Vòng Y", "", "cell", "X", "", "", ""],                              # 6: cycle
        ["N3", "Chi bộ 3", "", "hamlet", "A1", "", "", ""],                        # 7: bad kind
        ["N4", "Chi bộ 4", "", "cell", "A1", "", "31/02/2020", ""],                # 8: bad date
        ["N5", "Chi bộ 5", "", "cell", "A1", "mười", "", ""],                      # 9: bad number
        ["N6", "Chi bộ 6", "", "cell", "A1", "", "2021-01-01", "2020-12-31"],      # 10: ends before it starts
        ["N7", "", "", "", "A1", "", "", ""],                                      # 11: name and kind missing
        ["B1", "Đổi tên B1", "", "grassroots", "B", "0", "", ""],                 # 12: outside scope
        ["N8", "Chi bộ 8", "", "cell", "B", "", "", ""],                           # 13: parent outside scope
        ["N9", "Tỉnh ủy mới", "", "province", "", "", "", ""],                     # 14: a root, not an operator
        ["A", "Đảng ủy Khối A", "", "district", "ROOT", "0", "", ""],              # 15: own role re-kinded
        ["A2", "Đảng bộ cơ sở A2", "", "grassroots", "B", "0", "", ""],            # 16: moved outside scope
        ["N10", "Chi bộ 10", "", "cell", "A1", "-3", "", ""],                      # 17: negative number
    ]
    before = snapshot()
    plan = plan_import(admin_a, data=csv_file(rows), filename="don-vi.csv")
    found = [(e.row, e.column, e.code) for e in plan.errors]
    assert found == [
        (3, "parent_code", "unknown_parent"),
        (4, "code", "duplicate_code"),
        (5, "parent_code", "cycle"),
        (6, "parent_code", "cycle"),
        (7, "kind", "bad_kind"),
        (8, "valid_from", "bad_date"),
        (9, "member_count", "bad_number"),
        (10, "valid_to", "date_order"),
        (11, "name", "required"),
        (11, "kind", "required"),
        (12, "code", "outside_scope"),
        (13, "parent_code", "parent_outside_scope"),
        (14, "parent_code", "root_operators"),
        (15, "kind", "own_role"),
        (16, "parent_code", "parent_outside_scope"),
        (17, "member_count", "bad_number"),
    ]
    messages = {(e.row, e.column): e.message for e in plan.errors}
    assert messages[(3, "parent_code")] == "No unit has the code KHONG-CO, neither in the file nor in the tree."
    assert messages[(4, "code")] == "The code N1 is already on row 2 of the file."
    assert messages[(5, "parent_code")] == "The parents form a cycle: X → Y → X."
    assert "hamlet" in messages[(7, "kind")] and "grassroots_cell" in messages[(7, "kind")]
    assert plan.counts()["rejected"] == 15 and [c.code for c in plan.created] == ["N1"]
    with pytest.raises(ImportRejected) as refused:
        apply_import(actor=admin_a, plan=plan)
    assert len(refused.value.plan.errors) == len(plan.errors)
    assert snapshot() == before


def test_file_problems_are_named(tree, operator):
    def problem(data: bytes, name: str = "f.csv") -> str:
        with pytest.raises(ImportFileError) as caught:
            plan_import(operator, data=data, filename=name)
        return caught.value.code

    assert problem(b"x", "f.pdf") == "bad_type"
    assert problem("code;name\n".encode("utf-16")) == "not_utf8"
    assert problem("code;tên;kind;parent_code\nX;Y;cell;A\n".encode()) == "unknown_columns"
    assert problem(b"code;name;kind\nX;Y;cell\n") == "missing_columns"
    assert problem(b"code;name;kind;parent_code\n") == "no_rows"
    assert problem(b"PK\x03\x04 not really", "f.csv") == "csv_is_xlsx"
    assert problem(b"code;name", "f.xlsx") == "not_xlsx"
    assert problem(b"PK\x03\x04" + b"\0" * 100, "f.xlsx") == "bad_xlsx"
    assert problem(b"code;name;kind;parent_code\n" + b"X;Y;cell;A\n" * 20_001) == "too_many_rows"
    commas = plan_import(operator, data="code,name,kind,parent_code\r\nN1,\"Chi bộ 1, phố Huế\",cell,A1\r\n".encode(),
                         filename="f.csv")
    assert commas.errors == [] and commas.created[0].values["name"] == "Chi bộ 1, phố Huế"
    with pytest.raises(ImportFileError) as caught:
        plan_import(operator, data=b"x" * (5 * 1024 * 1024 + 1), filename="f.csv")
    assert caught.value.message == "The file is larger than 5 MB."


# --------------------------------------------------------------------------------------
# Round trip and formulas
# --------------------------------------------------------------------------------------
NASTY = ["=HYPERLINK(\"http://x\",\"y\")", "+84 28 3829", "-tên", "@SUM(A1)", "'=1+1", "'plain", "''=x", "-12"]


@pytest.mark.embedded
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_imports_back_unchanged(tree, operator, admin_a, fmt):
    a1a = Organization.objects.get(code="A1a")
    a1a.valid_from, a1a.valid_to, a1a.member_count = dt.date(2015, 3, 1), dt.date(2025, 6, 30), 17
    a1a.save()
    for i, name in enumerate(NASTY):
        make_org(tree["A2"], code=f"N{i}", name=name, short_name=name)
    for actor, root in ((operator, None), (admin_a, None), (admin_a, tree["A1"])):
        data = export_organizations(actor, root, fmt)
        plan = plan_import(actor, data=data, filename=f"t.{fmt}")
        assert plan.errors == []
        counts = plan.counts()
        assert (counts["created"], counts["changed"], counts["moved"]) == (0, 0, 0)
        expected = Organization.objects.filter(path__startswith=root.path).count() if root else (
            Organization.objects.count() if actor is operator else Organization.objects.filter(path__startswith=tree["A"].path).count())
        assert counts["unchanged"] == expected


def test_exports_never_carry_a_formula(tree, operator):
    make_org(tree["A2"], code="=CMD()", name="=HYPERLINK(\"http://x\")", short_name="@SUM(A1)")
    csv_text = export_organizations(operator, None, "csv").decode("utf-8-sig")
    assert csv_text.startswith("code;name;short_name;kind;parent_code;member_count;valid_from;valid_to\r\n")
    line = next(line for line in csv_text.splitlines() if "HYPERLINK" in line)
    assert all(not cell.startswith(("=", "+", "@")) for cell in line.replace('"', "").split(";"))
    assert "'=CMD()" in line and "'@SUM(A1)" in line
    sheet = load_workbook(io.BytesIO(export_organizations(operator, None, "xlsx"))).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert "=HYPERLINK(\"http://x\")" in [c.value for c in cells]


# --------------------------------------------------------------------------------------
# Changes and moves, audit trail
# --------------------------------------------------------------------------------------
@pytest.mark.embedded
def test_changes_and_moves_in_any_order_with_their_audit_entries(tree, operator):
    rows = [
        # A moves under A1b, which is under A1, which moves under B first: applied shallowest first.
        {"code": "A", "name": "Đảng ủy Khối A", "kind": "bloc", "parent_code": "A1b"},
        {"code": "A1", "name": "Đảng bộ cơ sở A1", "kind": "grassroots", "parent_code": "B"},
        {"code": "NEW", "name": "Chi bộ mới", "kind": "cell", "parent_code": "A2"},
        {"code": "B1", "name": "Đảng bộ B1 (đổi tên)", "kind": "grassroots", "parent_code": "NEW",
         "member_count": "40", "valid_to": "2030-12-31"},
    ]
    plan = plan_import(operator, rows=rows)
    assert plan.errors == []
    assert [(m.code, m.old_parent, m.new_parent) for m in plan.moved] == [("A", "ROOT", "A1b"), ("A1", "A", "B"),
                                                                         ("B1", "B", "NEW")]
    assert [(c.code, sorted(c.fields)) for c in plan.changed] == [("B1", ["member_count", "name", "valid_to"])]
    apply_import(actor=operator, plan=plan)
    assert parent_code(Organization.objects.get(code="A1")) == "B"
    assert parent_code(Organization.objects.get(code="A")) == "A1b"
    assert parent_code(Organization.objects.get(code="A2")) == "A"
    assert parent_code(Organization.objects.get(code="B1")) == "NEW"
    b1 = Organization.objects.get(code="B1")
    assert (b1.name, b1.member_count, b1.valid_to) == ("Đảng bộ B1 (đổi tên)", 40, dt.date(2030, 12, 31))
    assert b1.search_text.startswith("dang bo b1 (doi ten)")
    assert_tree_sound()
    log = LogEntry.objects.filter(content_type__model="organization", actor=operator)
    assert log.filter(action=LogEntry.Action.CREATE, object_pk=str(Organization.objects.get(code="NEW").pk)).exists()
    change = log.get(action=LogEntry.Action.UPDATE, object_pk=str(b1.pk), changes__has_key="name")
    assert change.changes["member_count"] == [0, 40] and change.changes["valid_to"] == [None, "2030-12-31"]
    assert log.filter(action=LogEntry.Action.UPDATE, changes__has_key="parent").count() == 3


def test_a_tree_changed_since_the_dry_run_is_not_applied(tree, operator):
    plan = plan_import(operator, rows=[{"code": "A2", "name": "Tên mới", "kind": "grassroots", "parent_code": "A"}])
    Organization.objects.filter(code="A2").update(name="Tên khác")
    before = snapshot()
    with pytest.raises(PlanChanged) as caught:
        apply_import(actor=operator, plan=plan)
    assert caught.value.plan.changed[0].fields["name"] == ("Tên khác", "Tên mới")
    assert snapshot() == before


# --------------------------------------------------------------------------------------
# Scope
# --------------------------------------------------------------------------------------
def test_an_admin_file_touching_another_subtree_is_refused_on_that_row(tree, admin_a):
    rows = [
        {"code": "A1c", "name": "Chi bộ A1c", "kind": "cell", "parent_code": "A1"},
        {"code": "B1", "name": "Đảng bộ cơ sở B1", "kind": "grassroots", "parent_code": "B"},
        {"code": "A1a", "name": "Chi bộ A1a", "kind": "cell", "parent_code": "B1"},
        {"code": "A", "name": "Đảng ủy Khối A", "kind": "bloc", "parent_code": "B"},
    ]
    before = snapshot()
    plan = plan_import(admin_a, rows=rows)
    assert [(e.row, e.column, e.code) for e in plan.errors] == [
        (3, "code", "outside_scope"), (4, "parent_code", "parent_outside_scope"), (5, "parent_code", "own_role")]
    assert plan.errors[0].message == "The unit B1 is outside your part of the tree."
    with pytest.raises(ImportRejected):
        apply_import(actor=admin_a, plan=plan)
    assert snapshot() == before
    staff = UserFactory(username="staff_a")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        apply_import(actor=staff, plan=plan_import(staff, rows=rows[:1]))
    with pytest.raises(PermissionDenied):
        export_organizations(admin_a, tree["B"], "csv")


def test_an_admin_imports_inside_their_subtree(tree, admin_a):
    rows = [{"code": "A3", "name": "Đảng bộ cơ sở A3", "kind": "grassroots", "parent_code": "A"},
            {"code": "A1b", "name": "Chi bộ A1b", "kind": "cell", "parent_code": "A3", "valid_to": "2026-01-01"}]
    plan = plan_import(admin_a, rows=rows)
    assert plan.errors == []
    apply_import(actor=admin_a, plan=plan)
    assert parent_code(Organization.objects.get(code="A1b")) == "A3"
    assert Organization.objects.get(code="A1b").valid_to == dt.date(2026, 1, 1)
    assert_tree_sound()
    assert LogEntry.objects.filter(actor=admin_a, content_type__model="organization").count() == 3


# --------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------
def test_commands_print_counts_and_fail_on_any_problem(tree, tmp_path):
    out = io.StringIO()
    exported = tmp_path / "cay.xlsx"
    call_command("export_organizations", str(exported), "--root", "A", stdout=out)
    assert "Exported 5 units" in out.getvalue()
    good = tmp_path / "moi.csv"
    good.write_bytes(csv_file([["A3", "Đảng bộ cơ sở A3", "", "grassroots", "A", "3", "", ""],
                               ["A2", "Đảng bộ cơ sở A2 mới", "", "grassroots", "A3", "0", "", ""],
                               ["B1", "Đảng bộ cơ sở B1", "", "grassroots", "B", "0", "", ""]]))
    out = io.StringIO()
    call_command("import_organizations", str(good), "--dry-run", stdout=out)
    assert "Dry run: nothing was changed." in out.getvalue()
    assert "created 1, changed 1, moved 1, unchanged 1, rejected 0" in out.getvalue()
    assert not Organization.objects.filter(code="A3").exists()
    out = io.StringIO()
    call_command("import_organizations", str(good), stdout=out)
    assert "created 1, changed 1, moved 1, unchanged 1, rejected 0" in out.getvalue()
    assert parent_code(Organization.objects.get(code="A2")) == "A3"
    assert LogEntry.objects.filter(actor=system_actor(), action=LogEntry.Action.CREATE).count() == 1
    bad = tmp_path / "loi.csv"
    bad.write_bytes(csv_file([["C1", "Chi bộ C1", "", "cell", "KHONG-CO", "", "", ""],
                              ["C2", "Chi bộ C2", "", "cell", "A1", "x", "", ""]]))
    before = snapshot()
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_organizations", str(bad), stdout=out)
    assert failed.value.returncode == 1
    assert "2 rows: created 0, changed 0, moved 0, unchanged 0, rejected 2" in out.getvalue()
    assert "row 2, parent_code: No unit has the code KHONG-CO" in out.getvalue()
    assert "row 3, member_count: “x” is not a whole number" in out.getvalue()
    assert snapshot() == before
    with pytest.raises(CommandError):
        call_command("import_organizations", str(tmp_path / "khong-co.csv"), stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("export_organizations", str(exported), "--root", "KHONG-CO", stdout=io.StringIO())


# --------------------------------------------------------------------------------------
# Browser pages (through Django's test client; tests/browser/ drives a real browser)
# --------------------------------------------------------------------------------------
def _upload(client, data: bytes, name: str = "don-vi.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/to-chuc/nhap-xuat/", {"file": SimpleUploadedFile(name, data)})


@pytest.mark.embedded
def test_pages_upload_dry_run_apply_as_a_job_and_export(tree, admin_a, client, django_capture_on_commit_callbacks):
    from config.celery import app
    from organizations.models import ImportStatus, OrganizationImport

    client.force_login(admin_a)
    assert client.get("/to-chuc/nhap-xuat/").status_code == 200
    bad = _upload(client, csv_file([["N1", "Chi bộ N1", "", "cell", "A1", "3", "", ""],
                                    ["B1", "Đổi tên", "", "grassroots", "B", "", "", ""]]))
    job = OrganizationImport.objects.get()
    assert bad.status_code == 302 and bad.url == f"/to-chuc/nhap-xuat/{job.pk}/"
    page = client.get(bad.url).content.decode()
    assert job.status == ImportStatus.INVALID and "nothing will be changed" in page
    assert "The unit B1 is outside your part of the tree." in page and "Apply these changes" not in page
    assert client.post(f"/to-chuc/nhap-xuat/{job.pk}/ap-dung/").status_code == 302
    assert not Organization.objects.filter(code="N1").exists()

    good = _upload(client, csv_file([["N1", "Chi bộ N1", "", "cell", "A1", "3", "", ""],
                                     ["A2", "Đảng bộ A2 (tên mới)", "", "grassroots", "A1", "0", "", ""]]))
    job2 = OrganizationImport.objects.latest("pk")
    job.refresh_from_db()
    assert job.status == ImportStatus.EXPIRED and job.content == b""  # one kept file an admin
    page = client.get(good.url + "?show=moved").content.decode()
    assert "Apply these changes" in page and "Đảng bộ cơ sở A2" not in page  # the moved table: codes
    assert "data-testid=\"import-moved\"" in page
    changed = client.get(good.url + "?show=changed").content.decode()
    assert "Đảng bộ cơ sở A2 → Đảng bộ A2 (tên mới)" in changed
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            applied = client.post(f"/to-chuc/nhap-xuat/{job2.pk}/ap-dung/")
    finally:
        app.conf.task_always_eager = eager
    assert applied.status_code == 302
    job2.refresh_from_db()
    assert job2.status == ImportStatus.DONE and job2.content == b""
    assert parent_code(Organization.objects.get(code="A2")) == "A1"
    assert Organization.objects.get(code="N1").member_count == 3
    status = client.get(f"/to-chuc/nhap-xuat/{job2.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in status and "Applied: 1 units created, 1 changed, 1 moved." in status
    assert LogEntry.objects.filter(actor=admin_a, action=LogEntry.Action.CREATE).count() == 1
    # Applied once only: a second request is refused with a message, nothing runs again.
    again = client.post(f"/to-chuc/nhap-xuat/{job2.pk}/ap-dung/", follow=True)
    assert "This file is already being applied or has been applied." in again.content.decode()

    download = client.get(f"/to-chuc/nhap-xuat/xuat/{tree['A'].pk}/xlsx/")
    assert download.status_code == 200 and download["Content-Disposition"] == 'attachment; filename="don-vi-a.xlsx"'
    assert client.get(f"/to-chuc/nhap-xuat/xuat/{tree['B'].pk}/csv/").status_code == 404
    assert client.get(f"/to-chuc/nhap-xuat/xuat/{tree['A'].pk}/pdf/").status_code == 404


def test_pages_refuse_files_with_a_reason_and_strangers_with_a_404(tree, admin_a, make_user, client):
    from organizations.models import OrganizationImport

    client.force_login(admin_a)
    for data, name, message in [
        (b"%PDF-1.4", "bao-cao.pdf", "is neither a CSV nor an XLSX file"),
        ("code;name\n".encode("utf-16"), "don-vi.csv", "The file is not UTF-8 text."),
        (b"ma;ten\nX;Y\n", "don-vi.csv", "Unknown columns: ma, ten."),
        (b"x" * (5 * 1024 * 1024 + 1), "don-vi.csv", "The file is larger than 5 MB."),
        (b"x" * (11 * 1024 * 1024), "don-vi.csv", "The file is larger than 5 MB."),  # not even kept
        (b"", "don-vi.csv", "The file is empty."),
    ]:
        response = _upload(client, data, name)
        assert response.status_code == 200 and message in response.content.decode()
    assert not OrganizationImport.objects.exists()
    _upload(client, csv_file([["N1", "Chi bộ N1", "", "cell", "A1", "", "", ""]]))
    job = OrganizationImport.objects.get()
    admin_b = make_user("admin_b", tree["B"], RoleKind.ADMIN)
    leader_a = make_user("leader_a", tree["A"], RoleKind.LEADER)
    for stranger in (admin_b, leader_a):
        client.force_login(stranger)
        assert client.get(f"/to-chuc/nhap-xuat/{job.pk}/").status_code == 404
        assert client.post(f"/to-chuc/nhap-xuat/{job.pk}/ap-dung/").status_code == 404
    assert client.get("/to-chuc/nhap-xuat/").status_code == 404  # a leader administers nothing
    job.refresh_from_db()
    assert job.status == "planned"


@pytest.mark.vietnamese
def test_pages_speak_vietnamese_by_default(tree, admin_a, client):
    client.force_login(admin_a)
    page = client.get("/to-chuc/nhap-xuat/").content.decode()
    assert "Nhập, xuất đơn vị" in page and "Tải lên và kiểm tra" in page
    plan = plan_import(admin_a, rows=[{"code": "B1", "name": "B1", "kind": "grassroots", "parent_code": "B"}])
    from django.utils import translation

    with translation.override("vi"):
        assert plan.errors[0].message == "Đơn vị B1 nằm ngoài phạm vi quản trị của bạn."
