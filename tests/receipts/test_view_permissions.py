"""The till feed's endpoints and the receipt import page against the role matrix."""

from tests.factories.receipts import ReceiptFactory
from tests.viewcases import ViewCase, view_case_test


def receipt_pk(user):
    return {"pk": ReceiptFactory().pk}


CASES = [
    ViewCase("admin:receipts_receipt_import", "receipts.import_receipts"),
    ViewCase("admin:receipts_receipt_process_import", "receipts.import_receipts", "post"),
    ViewCase("receipts-api:receipt-list", "receipts.view_receipt"),
    ViewCase("receipts-api:receipt-list", "receipts.add_receipt", "post", id="POST receipt-list"),
    ViewCase("receipts-api:receipt-detail", "receipts.view_receipt", args=receipt_pk),
]

test_view_permissions = view_case_test(CASES)
