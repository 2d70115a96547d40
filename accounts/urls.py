"""Account pages for committee admins, included under /tai-khoan/quan-ly/."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.account_list, name="account-list"),
    path("tao-moi/", views.account_create, name="account-create"),
    path("nhap-tu-bang-tinh/", views.account_import, name="account-import"),
    path("nhap-tu-bang-tinh/mau.xlsx", views.account_import_template, name="account-import-template"),
    path("<int:pk>/", views.account_detail, name="account-detail"),
    path("<int:pk>/sua/", views.account_edit, name="account-edit"),
    path("<int:pk>/cap-vai-tro/", views.account_role_grant, name="account-role-grant"),
    path("<int:pk>/vai-tro/<int:role_pk>/thu-hoi/", views.account_role_revoke, name="account-role-revoke"),
    path("<int:pk>/cap-lai-mat-khau/", views.account_password_reset, name="account-password-reset"),
    path("<int:pk>/khoa/", views.account_deactivate, name="account-deactivate"),
    path("<int:pk>/mo-khoa/", views.account_reactivate, name="account-reactivate"),
]
