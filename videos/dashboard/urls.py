from django.urls import path

from videos.dashboard import template_views, views
from videos.editor import dashboard as editor
from videos.maker.dashboard import maker

urlpatterns = [
    path("media/", views.media, name="media"),
    path("media/<str:media_id>/delete", views.media_delete, name="media-delete"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", template_views.template_new, name="template-new"),
    path("templates/<str:template_id>/", template_views.template_edit, name="template-edit"),
    path("templates/<str:template_id>/delete", views.template_delete, name="template-delete"),
    path("templates/<str:template_id>/status", template_views.template_status, name="template-status"),
    path("templates/<str:template_id>/secret", template_views.template_secret, name="template-secret"),
    path("templates/<str:template_id>/render", template_views.template_render, name="template-render"),
    path("templates/<str:template_id>/editor/", editor.editor, name="template-editor"),
    path("templates/<str:template_id>/editor/check", editor.check, name="template-editor-check"),
    path("templates/<str:template_id>/editor/frame", editor.frame, name="template-editor-frame"),
    path("templates/<str:template_id>/editor/clip", editor.clip, name="template-editor-clip"),
    path("templates/<str:template_id>/editor/clip/<str:digest>.mp4", editor.clip_file, name="template-editor-clip-file"),
    path("templates/<str:template_id>/editor/save", editor.save, name="template-editor-save"),
    path("maker/", maker, name="maker"),
    path("videos/", views.videos, name="videos"),
    path("videos/status", views.video_status, name="video-status"),
    path("videos/<str:video_id>/", views.video, name="video"),
    path("videos/<str:video_id>/delete", views.video_delete, name="video-delete"),
]
