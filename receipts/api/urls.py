from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "receipts-api"

router = DefaultRouter()
router.register("receipts", views.ReceiptViewSet, basename="receipt")

urlpatterns = [
    path("receipts/<str:side>/<str:number>/", views.ReceiptViewSet.as_view({"get": "retrieve_by_number"}),
         name="receipt-by-number"),
    *router.urls,
]
