from rest_framework.routers import DefaultRouter

app_name = "receipts-api"

router = DefaultRouter()

urlpatterns = router.urls
