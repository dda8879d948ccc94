from django.contrib import admin

from core.admin import ReadOnlyTenantAdmin
from videos.models import PageBranding, Project, Video


@admin.register(Video)
class VideoAdmin(ReadOnlyTenantAdmin):
    list_display = ("public_id", "name", "account", "template_public_id", "status", "status_code", "created_at")
    list_filter = ("status",)
    search_fields = ("=public_id", "=template_public_id", "name", "=account__public_id", "account__name")
    date_hierarchy = "created_at"


@admin.register(Project)
class ProjectAdmin(ReadOnlyTenantAdmin):
    list_display = ("public_id", "name", "account", "style", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("=public_id", "name", "=account__public_id", "account__name")


@admin.register(PageBranding)
class PageBrandingAdmin(ReadOnlyTenantAdmin):
    list_display = ("template", "account", "title", "background_color", "text_color", "accent_color")
    search_fields = ("=template__public_id", "title", "=account__public_id", "account__name")
