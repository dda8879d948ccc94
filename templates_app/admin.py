from django.contrib import admin

from core.admin import ReadOnlyTenantAdmin
from templates_app.models import VideoTemplate


@admin.register(VideoTemplate)
class VideoTemplateAdmin(ReadOnlyTenantAdmin):
    list_display = ("public_id", "name", "account", "status", "created_at", "updated_at")
    list_filter = ("status",)
    search_fields = ("=public_id", "name", "=account__public_id", "account__name")
    exclude = ("secret_hash",)
