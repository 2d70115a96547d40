"""Accounts from a spreadsheet: a dry run listing every error by row and column, then all the
accounts created at once — or none."""
from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts import services
from accounts.models import Account
from accounts.spreadsheet import ImportRow, read_upload
from organizations.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def xlsx(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("tai-khoan.xlsx", out.getvalue())


def csv_file(text: str, name: str = "tai-khoan.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\ufeff" + text).encode("utf-8"))


HEADER = ["username", "full_name", "email", "unit_code", "role"]
GOOD = [["an.nv", "Nguyễn Văn An", "an.nv@example.vn", "HCM-Q1", "staff"],
        ["binh.tt", "Trần Thị Bình", "", "HCM-Q1-CB", "Lãnh đạo"]]


def usernames() -> set[str]:
    return set(get_user_model().objects.values_list("username", flat=True))


def test_a_file_with_errors_lists_each_by_row_and_column_and_creates_nothing(client, country):
    before = usernames()
    client.force_login(country.admin)
    upload = xlsx([HEADER, GOOD[0],
                   ["canbo.q1", "", "not-an-email", "HN-BD", "boss"],   # row 3: five problems
                   ["an.nv", "Trùng Tên", "", "TW", "admin"],          # row 4: duplicate, root of the country
                   ["bad name!", "Ai Đó", "", "KHONG-CO", "staff"]])    # row 5: bad user name, unknown code
    response = client.post(reverse("account-import"), {"file": upload})
    assert response.status_code == 200
    errors = {(e.row, e.column) for e in response.context["errors"]}
    assert errors == {(3, "username"), (3, "full_name"), (3, "email"), (3, "unit_code"), (3, "role"),
                      (4, "username"), (4, "unit_code"), (5, "username"), (5, "unit_code")}
    page = response.content.decode()
    assert "no account was created" in page and "Same user name as row 2" in page
    assert page.count("No unit with this code in your part of the tree") == 3, \
        "a code of another province, the root and an unknown code read the same"
    assert "payload" not in page, "no confirmation is offered"
    assert usernames() == before


def test_a_clean_file_is_checked_first_then_created_all_at_once(client, country):
    client.force_login(country.admin)
    response = client.post(reverse("account-import"), {"file": xlsx([HEADER, *GOOD])})
    assert response.context["errors"] == []
    page = response.content.decode()
    assert "2 accounts are ready to be created" in page and "Nothing has been created yet" in page
    assert "an.nv" not in usernames()
    response = client.post(reverse("account-import"), {"payload": response.context["payload"]})
    assert response.status_code == 200
    created = response.context["created"]
    assert [u.username for u, _ in created] == ["an.nv", "binh.tt"]
    assert set(Role.objects.filter(user__username__in=["an.nv", "binh.tt"])
               .values_list("user__username", "organization__code", "kind")) == {
        ("an.nv", "HCM-Q1", "staff"), ("binh.tt", "HCM-Q1-CB", "leader")}
    for user, password in created:
        assert password in response.content.decode()
        user.refresh_from_db()
        assert user.check_password(password) and user.get_full_name() in ("Nguyễn Văn An", "Trần Thị Bình")
        assert Account.objects.get(user=user).must_change_password


def test_a_user_name_taken_between_the_check_and_the_confirmation_creates_nothing(client, country):
    client.force_login(country.admin)
    response = client.post(reverse("account-import"), {"file": xlsx([HEADER, *GOOD])})
    payload = response.context["payload"]
    get_user_model().objects.create_user("BINH.TT")  # someone else took it meanwhile (case aside)
    response = client.post(reverse("account-import"), {"payload": payload})
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "username")]
    assert "an.nv" not in usernames(), "the good row was not created either"


def test_the_service_rolls_back_every_row_when_one_fails_late(country, monkeypatch):
    rows = [ImportRow(2, "an.nv", "Nguyễn Văn An", "", "HCM-Q1", "staff"),
            ImportRow(3, "binh.tt", "Trần Thị Bình", "", "HCM-Q1", "staff")]
    real = services.account_create

    def failing(**kwargs):
        if kwargs["username"] == "binh.tt":
            from django.core.exceptions import ValidationError
            raise ValidationError({"username": "taken meanwhile"})
        return real(**kwargs)

    monkeypatch.setattr(services, "account_create", failing)
    with pytest.raises(services.ImportRejected) as caught:
        services.account_import(actor=country.admin, rows=rows)
    assert [(e.row, e.message) for e in caught.value.row_errors] == [(3, "taken meanwhile")]
    assert "an.nv" not in usernames()


def test_a_tampered_confirmation_is_refused(client, country):
    client.force_login(country.admin)
    response = client.post(reverse("account-import"), {"payload": "eyJ0YW1wZXJlZCI6dHJ1ZX0:bad:sig"}, follow=True)
    assert "has expired: upload it again" in response.content.decode()


def test_a_csv_with_semicolons_and_vietnamese_headers_is_read(client, country):
    client.force_login(country.admin)
    text = "Tên đăng nhập;Họ và tên;Email;Mã đơn vị;Vai trò\r\nan.nv;Nguyễn Văn An;;HCM-Q1;cán bộ\r\n"
    response = client.post(reverse("account-import"), {"file": csv_file(text)})
    assert response.context["errors"] == []
    assert [r.username for r, _unit, _kind in response.context["preview"]] == ["an.nv"]


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("a.csv", b"username,full_name\r\nx,y\r\n"), "missing: unit_code, role"),
    (SimpleUploadedFile("a.csv", b"username,full_name,unit_code,role\n"), "no account"),
    (SimpleUploadedFile("a.xlsx", b"PK\x03\x04 not really a zip"), "not an Excel workbook"),
    (SimpleUploadedFile("a.csv", "tên,họ\n".encode("utf-16")), "not in UTF-8"),
    (SimpleUploadedFile("a.pdf", b"%PDF-1.4"), "Choose an Excel workbook"),
    (SimpleUploadedFile("a.csv", b"x" * (1024 * 1024 + 1)), "the most accepted is 1024 KB"),
])
def test_unreadable_files_get_a_clear_message(client, country, upload, message):
    client.force_login(country.admin)
    response = client.post(reverse("account-import"), {"file": upload})
    assert response.status_code == 200 and message in response.content.decode()


def test_too_many_rows_are_refused(client, country):
    client.force_login(country.admin)
    text = "username,full_name,unit_code,role\n" + "".join(f"u{i},Người {i},HCM-Q1,staff\n" for i in range(501))
    response = client.post(reverse("account-import"), {"file": csv_file(text)})
    assert "more than 500 accounts" in response.content.decode()


def test_the_template_is_a_workbook_with_the_columns(client, country):
    client.force_login(country.admin)
    response = client.get(reverse("account-import-template"))
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADER
    rows = read_upload(SimpleUploadedFile("mau.xlsx", response.content))
    assert [(r.row, r.username, r.unit_code, r.role) for r in rows] == [(2, "nguyenvanan", "HCM-Q1", "staff")], \
        "the template reads back as a file to fill in"
