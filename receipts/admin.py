from django.contrib import admin
from import_export.admin import ImportMixin

from servicedesk.admin_tools import LargeTableAdminMixin
from servicedesk.extensions import inlines_for

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
class ReceiptAdmin(ImportMixin, LargeTableAdminMixin, admin.ModelAdmin):
    """Receipts are till facts: readable here, never edited (they come from the feed or the import of a
    day's till export, with its dry-run preview). Other apps add their panels (points, gifts, invoices)
    through servicedesk.extensions.admin_inlines."""

    list_display = ["number", "side", "rung_at", "card_number", "payment_method", "total", "source"]
    list_filter = ["side", "source", "payment_method", "business_date"]
    search_fields = ["number"]
    exact_search_fields = ("number", "card_number")
    inlines = [ReceiptLineInline]
    readonly_fields = ["side", "number", "rung_at", "business_date", "card_number", "payment_method", "total",
                       "source", "created_at"]
    exclude = ["body_hash"]

    def get_inlines(self, request, obj):
        return [*self.inlines, *inlines_for("receipts.receipt")]

    def get_resource_classes(self, request=None):
        from .resources import TillExportResource

        return [TillExportResource]

    def has_import_permission(self, request):
        return request.user.has_perm("receipts.import_receipts")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
