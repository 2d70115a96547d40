"""The directive register, included under /van-ban/ (admins' register pages: views_register)."""
from django.urls import path

from . import views, views_register

urlpatterns = [
    path("", views.directive_list, name="directive-list"),
    path("<int:pk>/", views.directive_detail, name="directive-detail"),
    path("dang-ky/", views_register.register_home, name="register-home"),
    path("dang-ky/moi/", views_register.directive_create, name="directive-register"),
    path("<int:pk>/sua/", views_register.directive_edit, name="directive-edit"),
    path("<int:pk>/giao/", views_register.assignment_create, name="assignment-create"),
    path("giao/<int:pk>/ket-thuc/", views_register.assignment_end, name="assignment-end"),
    path("<int:pk>/chi-tieu/moi/", views_register.target_create, name="target-create"),
    path("chi-tieu/<int:pk>/sua/", views_register.target_edit, name="target-edit"),
    path("de-nghi/", views_register.request_list, name="registration-requests"),
    path("de-nghi/<int:pk>/", views_register.request_detail, name="registration-request"),
]
