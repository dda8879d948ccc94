from django.urls import path

from videos.player import views

public_urlpatterns = [
    path("p/<str:token>", views.page_view, name="player-page"),
    path("p/<str:token>/status", views.status_view, name="player-status"),
    path("p/<str:token>/files/<str:file_id>", views.file_view, name="player-file"),
    path("p/<str:token>/events", views.beacon_view, name="player-beacon"),
]
