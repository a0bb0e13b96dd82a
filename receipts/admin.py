from django.contrib import admin

from servicedesk.admin_tools import LargeTableAdminMixin

from .models import Receipt, ReceiptLine


class ReceiptLineInline(admin.TabularInline):
    model = ReceiptLine
    extra = 0
    can_delete = False
    fields = ["line_no", "sku", "description", "counter", "category", "list_price", "unit_price", "quantity",
              "bulk_discount", "fresh"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Receipt)
class ReceiptAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    """Receipts are till facts: readable here, never edited (they come from the feed or an import)."""

    list_display = ["number", "side", "rung_at", "card_number", "payment_method", "total", "source"]
    list_filter = ["side", "source", "payment_method", "business_date"]
    search_fields = ["number"]
    exact_search_fields = ("number", "card_number")
    inlines = [ReceiptLineInline]
    readonly_fields = ["side", "number", "rung_at", "business_date", "card_number", "payment_method", "total",
                       "source", "created_at"]
    exclude = ["body_hash"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
