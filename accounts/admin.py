from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Account, ApiKey, Notification, Plan, User
from core.admin import TenantAdmin


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "max_templates",
        "max_objects_per_template",
        "max_media_bytes",
        "max_video_bytes",
        "rate_limit_per_minute",
    )
    search_fields = ("code", "name")


class UserInline(admin.TabularInline):
    model = User
    fields = ("email", "role", "is_active", "last_login")
    readonly_fields = ("last_login",)
    extra = 0
    show_change_link = True


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "public_id",
        "plan",
        "is_active",
        "credits",
        "stored_media_bytes",
        "stored_video_bytes",
        "created_at",
    )
    list_filter = ("plan", "is_active")
    search_fields = ("name", "public_id", "users__email")
    readonly_fields = ("public_id", "created_at", "stored_media_bytes", "stored_video_bytes")
    inlines = [UserInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "account", "role", "is_staff", "is_active", "last_login")
    list_filter = ("role", "is_staff", "is_active")
    search_fields = ("email", "account__name", "account__public_id")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Account", {"fields": ("account", "role")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "account", "role", "password1", "password2")}),)


@admin.register(ApiKey)
class ApiKeyAdmin(TenantAdmin):
    list_display = ("name", "account", "key_id", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "key_id", "account__name", "account__public_id")
    readonly_fields = ("key_id", "secret_hash", "created_at", "last_used_at")


@admin.register(Notification)
class NotificationAdmin(TenantAdmin):
    list_display = ("title", "account", "kind", "created_at", "read_at")
    list_filter = ("kind", "read_at")
    search_fields = ("title", "message", "account__name", "account__public_id")
