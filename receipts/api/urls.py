from rest_framework.routers import DefaultRouter

from . import views

app_name = "receipts-api"

router = DefaultRouter()
router.register("receipts", views.ReceiptViewSet, basename="receipt")

urlpatterns = router.urls
