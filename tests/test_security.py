"""Accounts and the site's defences, as a user meets them: login throttling, password change and
reset, idle sessions, security headers and private caching, error pages, the secret key."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import timezone

from organizations.models import RoleKind

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "pw-Test-12345"  # tests.factories.UserFactory's


# A URLconf for the error pages: the site's own URLs plus views that fail on purpose.
def _boom(request):
    raise RuntimeError("a bug in a view")


def _forbidden(request):
    raise PermissionDenied("Chỉ lãnh đạo mới được xem trang này.")


def _suspicious(request):
    raise SuspiciousOperation("tampered input")


urlpatterns = [
    path("_test/loi/", _boom),
    path("_test/cam/", _forbidden),
    path("_test/sai/", _suspicious),
    path("", include("config.urls")),
]


def _login(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def axes_on(settings):
    """django-axes as in production (the test settings turn it off for ``client.login``)."""
    settings.AXES_ENABLED = True


@pytest.fixture
def clerk(tree, make_user):
    return make_user("canbo.a", tree["A"], RoleKind.STAFF)


@pytest.fixture
def clock(monkeypatch):
    """Move Django's clock (sessions' expiry and the idle middleware read ``timezone.now``)."""
    real_now = timezone.now
    state = {"offset": dt.timedelta()}
    monkeypatch.setattr(timezone, "now", lambda: real_now() + state["offset"])

    def advance(**delta) -> None:
        state["offset"] += dt.timedelta(**delta)

    return advance


# --------------------------------------------------------------------------------------
# Login throttling
# --------------------------------------------------------------------------------------
@pytest.mark.embedded
@pytest.mark.django_db
@pytest.mark.vietnamese
def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(client, clerk, axes_on):
    for _ in range(30):
        response = _login(client, "canbo.a", "doan-mo-mat-khau")
        assert not _signed_in(client)
    response = _login(client, "canbo.a", PASSWORD)
    assert not _signed_in(client)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Tạm khóa đăng nhập" in page and "Vui lòng thử lại sau 15 phút" in page
    assert "“canbo.a”" in page
    assert 'class="navbar-brand' in page, "the lock-out page is in the site's layout"
    assert "Account locked" not in page, "not django-axes' own English text"
    assert client.get(reverse("home")).status_code == 302, "still not signed in"


@pytest.mark.django_db
def test_the_lock_out_starts_at_the_fifth_failure(client, clerk, axes_on):
    for _ in range(4):
        assert _login(client, "canbo.a", "sai").status_code == 200  # the login form again, with its error
    assert _login(client, "canbo.a", "sai").status_code == 429


@pytest.mark.django_db
def test_a_few_typos_then_the_right_password_log_in_and_clear_the_count(client, clerk, axes_on):
    for _ in range(4):
        _login(client, "canbo.a", "sai")
    response = _login(client, "canbo.a", PASSWORD)
    assert response.status_code == 302 and _signed_in(client)
    client.logout()
    for _ in range(4):
        _login(client, "canbo.a", "sai")
    assert _login(client, "canbo.a", PASSWORD).status_code == 302, "the success cleared the earlier failures"


@pytest.mark.django_db
def test_a_lock_out_holds_one_user_name_from_one_address(client, tree, make_user, clerk, axes_on):
    colleague = make_user("canbo.b", tree["A"], RoleKind.STAFF)
    for _ in range(6):
        _login(client, "canbo.a", "sai", address="10.0.0.1")
    assert _login(client, "canbo.a", PASSWORD, address="10.0.0.1").status_code == 429
    other = Client()
    assert _login(other, colleague.username, PASSWORD, address="10.0.0.1").status_code == 302, \
        "a colleague behind the same office address still logs in"
    elsewhere = Client()
    assert _login(elsewhere, "canbo.a", PASSWORD, address="10.9.9.9").status_code == 302


@pytest.mark.django_db
def test_behind_a_proxy_the_lock_out_counts_the_address_the_proxy_saw(client, clerk, axes_on, settings):
    settings.PROXY_COUNT = 1
    for n in range(6):  # the client rewrites the header each time; the proxy appends the real address
        client.post(reverse("login"), {"username": "canbo.a", "password": "sai"}, REMOTE_ADDR="172.16.0.2",
                    HTTP_X_FORWARDED_FOR=f"10.1.1.{n}, 203.0.113.7")
    locked = client.post(reverse("login"), {"username": "canbo.a", "password": PASSWORD}, REMOTE_ADDR="172.16.0.2",
                         HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
    assert locked.status_code == 429
    other = Client().post(reverse("login"), {"username": "canbo.a", "password": PASSWORD}, REMOTE_ADDR="172.16.0.2",
                          HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert other.status_code == 302, "the same user from another client address, through the same proxy"


@pytest.mark.django_db
def test_the_lock_out_ends_after_the_cool_off(client, clerk, axes_on, settings):
    from axes.models import AccessAttempt

    for _ in range(5):
        _login(client, "canbo.a", "sai")
    assert _login(client, "canbo.a", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))
    assert _login(client, "canbo.a", PASSWORD).status_code == 302 and _signed_in(client)


@pytest.mark.django_db
def test_the_test_clients_login_keeps_working(client, clerk):
    """Test settings switch django-axes off, so ``client.login`` (which passes no request) works."""
    assert client.login(username="canbo.a", password=PASSWORD)
    assert client.get(reverse("home")).status_code == 200


# --------------------------------------------------------------------------------------
# Passwords
# --------------------------------------------------------------------------------------
@pytest.mark.embedded
@pytest.mark.django_db
@pytest.mark.vietnamese
def test_a_signed_in_user_changes_their_own_password(client, clerk):
    client.force_login(clerk)
    url = reverse("password_change")
    assert url == "/tai-khoan/doi-mat-khau/"
    home = client.get(reverse("home")).content.decode()
    assert f'href="{url}"' in home and "Đổi mật khẩu" in home, "the header's user menu links to it"

    page = client.get(url).content.decode()
    assert "<h1" in page and "Đổi mật khẩu" in page and 'autocomplete="new-password"' in page

    wrong_old = client.post(url, {"old_password": "khong-dung", "new_password1": "Xa-Lo-Ha-Noi-2019",
                                  "new_password2": "Xa-Lo-Ha-Noi-2019"})
    assert wrong_old.status_code == 200
    assert "Mật khẩu cũ không chính xác" in wrong_old.content.decode()

    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    text = weak.content.decode()
    assert weak.status_code == 200
    assert "Mật khẩu này quá phổ biến" in text and "Mật khẩu này hoàn toàn là số" in text
    assert 'aria-invalid="true"' in text

    done = client.post(url, {"old_password": PASSWORD, "new_password1": "Xa-Lo-Ha-Noi-2019",
                             "new_password2": "Xa-Lo-Ha-Noi-2019"}, follow=True)
    assert "Mật khẩu của bạn đã được thay đổi" in done.content.decode()
    assert client.get(reverse("home")).status_code == 200, "still signed in after the change"

    client.logout()
    assert _login(client, "canbo.a", PASSWORD).status_code == 200, "the old password no longer works"
    assert _login(client, "canbo.a", "Xa-Lo-Ha-Noi-2019").status_code == 302


@pytest.mark.django_db
def test_an_operator_resets_a_password_in_the_admin(client, clerk):
    operator = get_user_model().objects.create_superuser("vanhanh.test", "op@example.vn", "Op-Pass-2019!")
    client.force_login(operator)
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"password1": "Mat-Khau-Moi-2026", "password2": "Mat-Khau-Moi-2026",
                                 "usable_password": "true"})
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Mat-Khau-Moi-2026")
    client.logout()
    assert _login(client, "canbo.a", "Mat-Khau-Moi-2026").status_code == 302


@pytest.mark.django_db
def test_the_admins_own_password_change_uses_the_same_page(client):
    """Django's admin renders the same ``registration/`` templates: they post back to the admin."""
    operator = get_user_model().objects.create_superuser("vanhanh.test", "op@example.vn", "Op-Pass-2019!")
    client.force_login(operator)
    url = reverse("admin:password_change")
    assert 'action=""' in client.get(url).content.decode()
    done = client.post(url, {"old_password": "Op-Pass-2019!", "new_password1": "Op-Pass-2026!?",
                             "new_password2": "Op-Pass-2026!?"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("admin:password_change_done")
    assert "Your password has been changed" in done.content.decode()
    operator.refresh_from_db()
    assert operator.check_password("Op-Pass-2026!?")


# --------------------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------------------
@pytest.mark.embedded
@pytest.mark.django_db
def test_a_session_idle_past_the_limit_is_sent_to_the_login_page(client, clerk, clock, settings):
    client.force_login(clerk)
    assert client.get(reverse("home")).status_code == 200
    clock(minutes=settings.SESSION_IDLE_MINUTES + 1)
    response = client.get(reverse("report-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert not _signed_in(client)


@pytest.mark.django_db
def test_an_active_session_outlives_the_idle_limit(client, clerk, clock, settings):
    client.force_login(clerk)
    for _ in range(3 * settings.SESSION_IDLE_MINUTES // 10):  # three idle limits, a page every 10 minutes
        assert client.get(reverse("home")).status_code == 200
        clock(minutes=10)
    assert _signed_in(client)


@pytest.mark.embedded
@pytest.mark.django_db
def test_pages_do_not_write_the_session_each_time(client, clerk, clock, settings):
    client.force_login(clerk)
    client.get(reverse("home"))

    def session_writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        return sum(1 for q in queries.captured_queries
                   if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")))

    clock(seconds=settings.SESSION_IDLE_REFRESH // 2)
    assert session_writes() == 0
    clock(seconds=settings.SESSION_IDLE_REFRESH)
    assert session_writes() == 1, "the expiry moves forward once the last move is old enough"
    assert session_writes() == 0


@pytest.mark.django_db
def test_a_session_ends_after_its_maximum_age_however_active(client, clerk, clock, settings):
    client.force_login(clerk)
    steps = 0  # a page every 29 minutes: never idle, and no step lands on the limit itself
    while client.get(reverse("home")).status_code == 200:
        clock(minutes=29)
        steps += 1
        assert steps <= 100
    assert steps == settings.SESSION_MAX_HOURS * 60 // 29 + 1
    page = client.get(reverse("login")).content.decode()
    assert "Your session ended after 10 hours" in page


# --------------------------------------------------------------------------------------
# Headers and caching
# --------------------------------------------------------------------------------------
@pytest.mark.embedded
@pytest.mark.django_db
def test_pages_carry_the_security_headers(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert {"camera=()", "microphone=()", "geolocation=()"} <= set(response["Permissions-Policy"].split(", "))
    assert response["Cache-Control"] == "private, no-store"
    assert "style=" not in response.content.decode()


@pytest.mark.django_db
def test_the_login_page_carries_the_policy_too(client):
    response = client.get(reverse("login"))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_downloads_are_never_stored(client, tree, make_user, clerk, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings.models import Report

    settings.MEDIA_ROOT = tmp_path
    client.force_login(clerk)
    data = {"organization": tree["A1"].pk, "kind": "periodic", "period_kind": "month", "period_start": "01/03/2019",
            "period_end": "31/03/2019", "title": "Báo cáo tháng 3/2019", "body": "",
            "upload": SimpleUploadedFile("bao-cao.txt", "Chi bộ thực hiện Chỉ thị 05-CT/TW.".encode())}
    assert client.post(reverse("report-create"), data).status_code == 302
    attachment = Report.objects.get().attachments.get()
    download = client.get(reverse("attachment-download", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert download["Cache-Control"] == "private, no-store"

    leader = make_user("lanhdao.root", tree["ROOT"], RoleKind.LEADER)
    client.force_login(leader)
    for fmt in ("xlsx", "csv"):
        export = client.get(reverse("dashboard-org", args=[tree["ROOT"].pk]), {"export": fmt, "table": "directives"})
        assert export.status_code == 200 and "attachment" in export["Content-Disposition"], fmt
        assert export["Cache-Control"] == "private, no-store", fmt


@pytest.mark.django_db
def test_static_files_keep_their_long_cache(clerk, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ as in production from STATIC_ROOT
    settings.WHITENOISE_MAX_AGE = 31536000
    client = Client()
    client.force_login(clerk)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"] and "private" not in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]
    assert b"w-pct-100" in b"".join(response.streaming_content)


# --------------------------------------------------------------------------------------
# Error pages (DEBUG is off in the test settings, as in production)
# --------------------------------------------------------------------------------------
@pytest.mark.embedded
@pytest.mark.django_db
@pytest.mark.vietnamese
def test_an_unknown_address_shows_the_sites_404_page_in_vietnamese(client, clerk, settings):
    assert settings.DEBUG is False
    for signed_in in (False, True):
        if signed_in:
            client.force_login(clerk)
        response = client.get("/khong-co-trang-nay/")
        page = response.content.decode()
        assert response.status_code == 404
        assert '<html lang="vi">' in page and "Theo dõi thực hiện Nghị quyết" in page
        assert "Không tìm thấy trang" in page and "Về trang chủ" in page
        assert "Page not found" not in page and "URLconf" not in page
    assert "Đổi mật khẩu" in page, "a signed-in user keeps the site's navigation"


@pytest.mark.embedded
@pytest.mark.django_db
@pytest.mark.vietnamese
def test_a_failing_view_shows_the_500_page(client, clerk, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    client.force_login(clerk)
    response = client.get("/_test/loi/")
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="vi">' in page and "Theo dõi thực hiện Nghị quyết" in page
    assert "Máy chủ gặp sự cố" in page and "Traceback" not in page and "a bug in a view" not in page
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_500_page_needs_no_request_and_no_database():
    """Django renders 500.html without a request; here no database is even allowed."""
    page = render_to_string("500.html")
    assert "Something went wrong on the server" in page and 'class="navbar-brand' in page


@pytest.mark.django_db
@pytest.mark.vietnamese
def test_refusals_show_the_sites_pages(client, clerk, settings):
    settings.ROOT_URLCONF = __name__
    client.force_login(clerk)
    forbidden = client.get("/_test/cam/")
    assert forbidden.status_code == 403
    assert "Không có quyền truy cập" in forbidden.content.decode()
    assert "Chỉ lãnh đạo mới được xem trang này." in forbidden.content.decode()
    bad = client.get("/_test/sai/")
    assert bad.status_code == 400 and "Yêu cầu không hợp lệ" in bad.content.decode()


@pytest.mark.django_db
@pytest.mark.vietnamese
def test_a_form_sent_without_its_csrf_token_explains_what_to_do(clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    response = client.post(reverse("password_change"), {"old_password": "x"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hiệu lực" in page and 'class="navbar-brand' in page
    assert "CSRF verification failed" not in page


# --------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------
def _manage_check(tmp_path, **env_vars) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DEBUG")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", VAR_DIR=str(tmp_path), **env_vars)
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_embedded_settings_refuse_debug_off_without_a_secret_key(tmp_path):
    proc = _manage_check(tmp_path, DEBUG="false")
    assert proc.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in proc.stderr
    assert "set SECRET_KEY to a long random string" in proc.stderr


def test_embedded_settings_run_with_debug_on_or_a_secret_key(tmp_path):
    assert _manage_check(tmp_path).returncode == 0, "make run: embedded, DEBUG on by default"
    proc = _manage_check(tmp_path, DEBUG="false", SECRET_KEY="embedded-" + "q7Zr" * 12)
    assert proc.returncode == 0, proc.stderr
