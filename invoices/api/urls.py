from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "invoices-api"

router = DefaultRouter()
router.register("invoices/books", views.InvoiceBookViewSet, basename="invoicebook")
router.register("invoices/losses", views.InvoiceLossViewSet, basename="invoiceloss")
router.register("invoices", views.InvoiceViewSet, basename="invoice")

urlpatterns = [
    re_path(r"^invoices/reports/(?P<month>[^/.]+)\.pdf$", views.InvoiceReportPdfApi.as_view(), name="invoice-report-pdf"),
    re_path(r"^invoices/reports/(?P<month>[^/.]+)\.xlsx$", views.InvoiceReportXlsxApi.as_view(),
            name="invoice-report-xlsx"),
    re_path(r"^invoices/reports/(?P<month>[^/.]+)/$", views.InvoiceReportApi.as_view(), name="invoice-report"),
    path("invoices/register/", views.InvoiceRegisterApi.as_view(), name="invoice-register"),
    *router.urls,
]
