"""import-export resource of the brand directory: the season's floor plan is imported with a preview
(django-import-export's confirm step) and each row goes through the same initials as desk.services."""

from import_export import resources

from . import rules
from .models import Brand


class BrandResource(resources.ModelResource):
    class Meta:
        model = Brand
        fields = ["brand", "floor", "counter", "category", "phone", "active"]
        export_order = fields
        import_id_fields = ["brand"]
        skip_unchanged = True
        report_skipped = True

    def before_save_instance(self, instance, row, **kwargs):
        instance.brand = (instance.brand or "").strip()
        instance.initials = rules.brand_initials(instance.brand)
