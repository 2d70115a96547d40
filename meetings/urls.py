"""Report and meeting pages, included under /bao-cao/ (the home page is routed in config.urls)."""
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("<int:pk>/", views.report_detail, name="report-detail"),
    path("hoi-nghi/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    # Entry (create, edit, link, review) lives in its own module.
    path("", include("meetings.urls_entry")),
]
