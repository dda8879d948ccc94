from django.urls import path

from documents.dashboard import views

urlpatterns = [
    path("documents/", views.index, name="documents"),
    path("documents/templates/new", views.template_new, name="document-template-new"),
    path("documents/templates/<uuid:template_id>/", views.template_edit, name="document-template"),
    path("documents/templates/<uuid:template_id>/delete", views.template_delete, name="document-template-delete"),
    path("documents/templates/<uuid:template_id>/assets", views.asset_upload, name="document-asset-upload"),
    path(
        "documents/templates/<uuid:template_id>/assets/<str:name>/delete",
        views.asset_remove,
        name="document-asset-delete",
    ),
    path("documents/preview", views.preview, name="document-preview"),
    path("documents/templates/<uuid:template_id>/generate", views.generate, name="document-generate"),
    path("documents/requests/", views.request_rows, name="document-request-rows"),
    path("documents/requests/<uuid:request_id>/", views.request_detail, name="document-request"),
    path("documents/requests/<uuid:request_id>/status", views.request_status, name="document-request-status"),
]
