"""Summary pages (leaders): include under ``tong-hop/`` in config/urls.py."""
from django.urls import path

from . import views_summaries as views

urlpatterns = [
    path("to-chuc/<int:org_id>/", views.summary_overview, name="summary-overview"),
    path("to-chuc/<int:org_id>/chua-bao-cao/", views.missing_list, name="summary-missing"),
    path("to-chuc/<int:org_id>/tai-lieu/", views.document_request, name="summary-document-request"),
    path("tai-lieu/<int:pk>/", views.document_detail, name="summary-document"),
    path("tai-lieu/<int:pk>/<str:fmt>/", views.document_download, name="summary-document-download"),
]
