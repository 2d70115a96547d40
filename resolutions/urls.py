"""The directive register, included under /van-ban/."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.directive_list, name="directive-list"),
    path("<int:pk>/", views.directive_detail, name="directive-detail"),
]
