"""Root URL configuration.

The home page ("/") belongs to ``meetings``: it shows the user's organisation together with
its latest reports, and only ``meetings`` may know both (organizations ← resolutions ←
meetings). Organisation pages therefore live under ``to-chuc/``.

Error pages need no handler here: Django's default handlers render ``templates/400.html``,
``403.html``, ``404.html`` and ``500.html`` (the last without a request, on
``base_minimal.html``); a CSRF failure renders ``403_csrf.html`` through ``CSRF_FAILURE_VIEW``.
"""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts.views import PasswordChangeView
from config.views import healthz
from meetings.views import home
from search.views import legacy_search

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/doi-mat-khau/", PasswordChangeView.as_view(), name="password_change"),
    path("tai-khoan/doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("quan-tri/", admin.site.urls),
    path("", home, name="home"),
    path("to-chuc/", include("organizations.urls")),
    path("van-ban/", include("resolutions.urls")),
    path("bao-cao/", include("meetings.urls")),
    path("dashboard/", include("resolutions.urls_dashboard")),
    path("tong-hop/", include("meetings.urls_summaries")),
    path("tim-kiem/", include("search.urls")),
    path("tai-khoan/quan-ly/", include("accounts.urls")),
    path("search/", legacy_search, name="search-legacy"),
]
