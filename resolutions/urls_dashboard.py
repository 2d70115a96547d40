"""Leaders' dashboards: include under ``dashboard/`` in config/urls.py."""
from django.urls import path

from . import views_dashboard as views
from .views_figures import figures_glossary

urlpatterns = [
    path("", views.dashboard_home, name="dashboard"),
    path("<int:org_id>/", views.dashboard_org, name="dashboard-org"),
    path("<int:org_id>/thuc-hien/<int:directive_id>/", views.dashboard_directive, name="dashboard-directive"),
    path("<int:org_id>/ma-tran/", views.dashboard_matrix, name="dashboard-matrix"),
    path("_plain/", views.plain_page, name="dashboard-plain"),
    path("cach-tinh/", figures_glossary, name="figures-glossary"),
]
