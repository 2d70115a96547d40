"""Organisation pages, included under /to-chuc/."""
from django.urls import path

from . import views, views_people

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
]
