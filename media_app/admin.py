from django.contrib import admin

from core.admin import ReadOnlyTenantAdmin
from media_app.models import MediaFile


@admin.register(MediaFile)
class MediaFileAdmin(ReadOnlyTenantAdmin):
    list_display = ("public_id", "filename", "account", "kind", "mime", "size", "per_video", "created_at")
    list_filter = ("kind", "per_video")
    search_fields = ("=public_id", "filename", "=account__public_id", "account__name")
