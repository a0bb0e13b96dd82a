from rest_framework.routers import DefaultRouter

app_name = "invoices-api"

router = DefaultRouter()

urlpatterns = router.urls
