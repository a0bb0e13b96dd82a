"""import-export resources of members/ (small admin exports; finance-size exports use members.exports)."""

from import_export import fields, resources

from .models import PointsEntry


class PointsEntryResource(resources.ModelResource):
    card_number = fields.Field(attribute="card__card_number", column_name="card_number")
    by = fields.Field(attribute="by__username", column_name="by")

    class Meta:
        model = PointsEntry
        fields = ["id", "at", "card_number", "wallet", "kind", "points", "amount", "balance_after", "reference", "by"]
        export_order = fields
        import_id_fields = ["id"]
