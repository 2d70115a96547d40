"""Organisation pages, included under /to-chuc/."""
from django.urls import path

from . import views, views_io, views_reorganise

urlpatterns = [
    path("", views.organization_list, name="organization-list"),
    path("<int:pk>/", views.organization_detail, name="organization-detail"),
    path("<int:pk>/sap-nhap/", views_reorganise.merge, name="organization-merge"),
    path("<int:pk>/chia-tach/", views_reorganise.split, name="organization-split"),
    path("nhap-xuat/", views_io.import_index, name="organization-io"),
    path("nhap-xuat/<int:pk>/", views_io.import_detail, name="organization-import"),
    path("nhap-xuat/<int:pk>/ap-dung/", views_io.import_apply, name="organization-import-apply"),
    path("nhap-xuat/xuat/<int:org_id>/<str:fmt>/", views_io.export_download, name="organization-export"),
]
