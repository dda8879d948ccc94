from django.contrib import admin

from core.admin import ReadOnlyTenantAdmin, ReadOnlyTenantInline
from documents.models import DocumentAsset, DocumentRequest, DocumentTemplate, OnDemandLink


class DocumentAssetInline(ReadOnlyTenantInline):
    model = DocumentAsset
    fields = ("name", "content_type", "size", "created_at")
    readonly_fields = fields


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(ReadOnlyTenantAdmin):
    list_display = ("template_id", "name", "account", "page_size", "orientation", "updated_at")
    list_filter = ("page_size", "orientation")
    search_fields = ("=template_id", "name", "=account__public_id", "account__name")
    inlines = [DocumentAssetInline]


@admin.register(DocumentRequest)
class DocumentRequestAdmin(ReadOnlyTenantAdmin):
    list_display = ("request_id", "template_name", "account", "status", "created_at", "completed_at")
    list_filter = ("status",)
    search_fields = ("=request_id", "=template__template_id", "template_name", "=account__public_id", "account__name")
    date_hierarchy = "created_at"


@admin.register(OnDemandLink)
class OnDemandLinkAdmin(ReadOnlyTenantAdmin):
    list_display = ("id", "template", "account", "opens", "expires_at", "created_at")
    search_fields = ("=template__template_id", "=account__public_id", "account__name")
    exclude = ("token",)
