from django.contrib import admin

from core.admin import ReadOnlyTenantAdmin, ReadOnlyTenantInline
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyTenantAdmin):
    list_display = ("public_id", "url", "account", "template_id", "active", "failing_since", "created_at")
    list_filter = ("active",)
    search_fields = ("=public_id", "=template_id", "url", "=account__public_id", "account__name")
    exclude = ("secret", "previous_secret")


class WebhookAttemptInline(ReadOnlyTenantInline):
    model = WebhookAttempt
    fields = ("number", "created_at", "response_status", "duration_ms", "error")
    readonly_fields = fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyTenantAdmin):
    list_display = ("msg_id", "event", "account", "webhook", "status", "attempt_count", "last_status", "created_at")
    list_filter = ("status", "event")
    search_fields = ("=msg_id", "=webhook__public_id", "=account__public_id", "account__name")
    list_select_related = ("account", "webhook")
    date_hierarchy = "created_at"
    inlines = [WebhookAttemptInline]
