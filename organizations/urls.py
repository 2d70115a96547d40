"""Organisation pages, included under /to-chuc/."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.organization_list, name="organization-list"),
    path("<int:pk>/", views.organization_detail, name="organization-detail"),
]
