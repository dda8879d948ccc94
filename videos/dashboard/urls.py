from django.urls import path

from videos.dashboard import template_views, views
from videos.maker.dashboard import maker

urlpatterns = [
    path("media/", views.media, name="media"),
    path("media/<str:media_id>/delete", views.media_delete, name="media-delete"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", template_views.template_new, name="template-new"),
    path("templates/<str:template_id>/", template_views.template_edit, name="template-edit"),
    path("templates/<str:template_id>/status", template_views.template_status, name="template-status"),
    path("templates/<str:template_id>/secret", template_views.template_secret, name="template-secret"),
    path("templates/<str:template_id>/render", template_views.template_render, name="template-render"),
    path("maker/", maker, name="maker"),
    path("videos/", views.videos, name="videos"),
    path("videos/status", views.video_status, name="video-status"),
    path("videos/<str:video_id>/", views.video, name="video"),
]
