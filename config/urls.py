from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

import accounts.api
import accounts.dashboard.urls
import campaigns.api
import campaigns.dashboard.urls
import documents.api
import documents.dashboard.urls
import documents.downloads
import personalization.api
import personalization.dashboard.urls
import videos.dashboard.urls
import videos.maker.api
import videos.player.api
import videos.player.urls
import webhooks.api
import webhooks.dashboard.urls
from campaigns.views import recipient_link_view
from core.rpc import rpc_view
from media_app.links import media_file_view
from media_app.views import upload_view
from templates_app.auth import template_authenticate
from videos.links import download_view
from videos.maker.public import public_video_view, style_preview_view

dashboard_urls = (
    accounts.dashboard.urls.urlpatterns
    + videos.dashboard.urls.urlpatterns
    + videos.player.urls.dashboard_urlpatterns
    + personalization.dashboard.urls.urlpatterns
    + webhooks.dashboard.urls.urlpatterns
    + documents.dashboard.urls.urlpatterns
    + campaigns.dashboard.urls.urlpatterns
)

rest_urls = (
    accounts.api.urlpatterns
    + webhooks.api.urlpatterns
    + documents.api.urlpatterns
    + videos.player.api.urlpatterns
    + campaigns.api.urlpatterns
)

urlpatterns = [
    path("api/upload", upload_view, {"authenticate_template": template_authenticate}, name="upload"),
    path("api", rpc_view, name="rpc"),
    path("files/<str:token>", download_view, name="video-file"),
    path("c/<str:token>", recipient_link_view, name="campaign-link"),
    path("media-files/<str:token>", media_file_view, name="media-file"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("v1/", include(rest_urls)),
    path("me/styles/<str:name>/preview.jpg", style_preview_view, name="maker-style-preview"),
    path("me/", include(videos.maker.api.urlpatterns)),
    path("v/<str:project_id>/<str:filename>", public_video_view, name="maker-public"),
    path("rest/", include(personalization.api.urlpatterns)),
    *documents.downloads.urlpatterns,
    *videos.player.urls.public_urlpatterns,
    path("admin/rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
    path("", include((dashboard_urls, "dashboard"))),
]

handler404 = "core.rest.not_found_page"
handler500 = "core.rest.server_error_page"
