from django.contrib import admin

from core.admin import TenantAdmin
from personalization.models import Placeholder, Product, VisitorUser


@admin.register(Placeholder)
class PlaceholderAdmin(TenantAdmin):
    list_display = ("id", "account", "name", "html_id", "active")
    search_fields = ("name", "html_id")
    raw_id_fields = ("account",)


@admin.register(Product)
class ProductAdmin(TenantAdmin):
    list_display = ("id", "account", "internal_id", "name", "price", "currency", "in_stock")
    search_fields = ("=internal_id", "name")
    raw_id_fields = ("account",)


@admin.register(VisitorUser)
class VisitorUserAdmin(TenantAdmin):
    list_display = ("id", "account", "email", "first_name", "last_name", "country", "last_seen")
    # Exact email only: a LIKE over millions of rows would scan them all.
    search_fields = ("=email",)
    raw_id_fields = ("account",)
    show_full_result_count = False
