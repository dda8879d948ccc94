from django.urls import path

from videos.dashboard import views

urlpatterns = [
    path("media/", views.media, name="media"),
    path("templates/", views.templates, name="templates"),
    path("videos/", views.videos, name="videos"),
    path("videos/status", views.video_status, name="video-status"),
]
