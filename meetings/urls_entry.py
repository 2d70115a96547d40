"""URLs of report and meeting entry (included under /bao-cao/)."""
from django.urls import path

from . import views_entry as v
from . import views_registration

urlpatterns = [
    path("hoi-nghi/moi/", v.meeting_create, name="meeting-create"),
    path("moi/", v.report_create, name="report-create"),
    path("<int:pk>/sua/", v.report_edit, name="report-edit"),
    path("<int:pk>/lien-ket/", v.report_links, name="report-links"),
    path("<int:pk>/nop/", v.report_submit, name="report-submit"),
    path("<int:pk>/chap-nhan/", v.report_accept, name="report-accept"),
    path("<int:pk>/tra-lai/", v.report_return, name="report-return"),
    path("tep/<int:pk>/", v.attachment_download, name="attachment-download"),
    path("<int:pk>/de-nghi-dang-ky/", views_registration.report_registration_request,
         name="report-registration-request"),
    path("tim-van-ban/", v.directive_search, name="directive-search"),
]
