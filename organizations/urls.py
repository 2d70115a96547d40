"""Organisation pages, included under /to-chuc/."""
from django.urls import path

from . import views, views_reorganise

urlpatterns = [
    path("", views.organization_list, name="organization-list"),
    path("<int:pk>/", views.organization_detail, name="organization-detail"),
    path("<int:pk>/sap-nhap/", views_reorganise.merge, name="organization-merge"),
    path("<int:pk>/chia-tach/", views_reorganise.split, name="organization-split"),
]
