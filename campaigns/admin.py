from django.contrib import admin

from campaigns.models import Campaign, Recipient
from core.admin import ReadOnlyTenantAdmin


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyTenantAdmin):
    list_display = ("public_id", "name", "account", "kind", "mode", "status", "total", "created_at")
    list_filter = ("status", "kind", "mode")
    search_fields = ("=public_id", "=template_public_id", "name", "=account__public_id", "account__name")
    exclude = ("rows_key",)


@admin.register(Recipient)
class RecipientAdmin(ReadOnlyTenantAdmin):
    list_display = ("id", "campaign", "key", "account", "status", "error_code", "updated_at")
    list_filter = ("status",)
    search_fields = ("=campaign__public_id", "=key", "email", "=account__public_id", "account__name")
    list_select_related = ("account", "campaign")
    raw_id_fields = ("video", "document_request", "document_link")
