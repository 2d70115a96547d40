"""Organisation pages, included under /to-chuc/."""
from django.urls import path

from . import views, views_io, views_people, views_reorganise, views_workspace

urlpatterns = [
    path("", views.organization_list, name="organization-list"),
    path("<int:pk>/", views.organization_detail, name="organization-detail"),
    # People, positions and terms (views_people).
    path("<int:pk>/can-bo/", views_people.organization_people, name="organization-people"),
    path("<int:pk>/can-bo/them/", views_people.organization_people_add, name="organization-people-add"),
    path("<int:pk>/nhiem-ky/", views_people.organization_terms, name="organization-terms"),
    path("can-bo/<int:pk>/", views_people.person_detail, name="person-detail"),
    path("chuc-vu/<int:pk>/sua/", views_people.position_edit, name="position-edit"),
    path("nhiem-ky/<int:pk>/sua/", views_people.term_edit, name="term-edit"),
    path("<int:pk>/sap-nhap/", views_reorganise.merge, name="organization-merge"),
    path("<int:pk>/chia-tach/", views_reorganise.split, name="organization-split"),
    path("nhap-xuat/", views_io.import_index, name="organization-io"),
    path("nhap-xuat/<int:pk>/", views_io.import_detail, name="organization-import"),
    path("nhap-xuat/<int:pk>/ap-dung/", views_io.import_apply, name="organization-import-apply"),
    path("nhap-xuat/xuat/<int:org_id>/<str:fmt>/", views_io.export_download, name="organization-export"),
    path("quan-ly/", views_workspace.workspace, name="organization-workspace"),
    path("quan-ly/<int:pk>/con/", views_workspace.workspace_children, name="organization-workspace-children"),
    path("quan-ly/<int:pk>/them/", views_workspace.workspace_create, name="organization-workspace-create"),
    path("quan-ly/<int:pk>/sua/", views_workspace.workspace_edit, name="organization-workspace-edit"),
    path("quan-ly/<int:pk>/chuyen/", views_workspace.workspace_move, name="organization-workspace-move"),
    path("quan-ly/<int:pk>/dong/", views_workspace.workspace_close, name="organization-workspace-close"),
]
