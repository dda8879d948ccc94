"""The admin base for tenant-owned models: the admin sees every account's rows,
through the visible ``unscoped()`` escape."""

from __future__ import annotations

from django.contrib import admin

from core.tenancy import TenantModel


class TenantAdmin(admin.ModelAdmin):
    list_select_related = ("account",)

    def get_queryset(self, request):
        queryset = self.model.objects.unscoped()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if issubclass(related, TenantModel):
            kwargs.setdefault("queryset", related.objects.unscoped())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnly:
    """Rows whose invariants live in services (storage totals, credits, job leases, frozen
    webhook bodies): operators look and search, and change them only through the product."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyTenantAdmin(ReadOnly, TenantAdmin):
    pass


class ReadOnlyTenantInline(ReadOnly, admin.TabularInline):
    """Rows of a tenant-owned model shown under their parent, read-only."""

    extra = 0

    def get_queryset(self, request):
        return self.model.objects.unscoped()
