from django.urls import path

from personalization.dashboard import views

urlpatterns = [
    path("data/", views.record_list, name="personalization"),
    path("data/<str:object_name>/", views.record_list, name="personalization-list"),
    path("data/<str:object_name>/new", views.record_create, name="personalization-create"),
    path("data/<str:object_name>/<int:record_id>/", views.record_edit, name="personalization-edit"),
    path("data/<str:object_name>/<int:record_id>/delete", views.record_delete, name="personalization-delete"),
]
