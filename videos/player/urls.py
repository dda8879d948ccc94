from django.urls import path

from videos.player import dashboard, views

public_urlpatterns = [
    path("p/<str:token>", views.page_view, name="player-page"),
    path("p/<str:token>/status", views.status_view, name="player-status"),
    path("p/<str:token>/files/<str:file_id>", views.file_view, name="player-file"),
    path("p/<str:token>/captions.vtt", views.captions_view, name="player-captions"),
    path("p/<str:token>/events", views.beacon_view, name="player-beacon"),
]

dashboard_urlpatterns = [
    path("videos/<str:video_id>/player/", dashboard.video_player, name="video-player"),
    path("videos/<str:video_id>/player/stats.csv", dashboard.video_player_csv, name="video-player-csv"),
    path("templates/<str:template_id>/player/", dashboard.template_player, name="template-player"),
    path("templates/<str:template_id>/player/stats.csv", dashboard.template_player_csv, name="template-player-csv"),
]
