from rest_framework.routers import DefaultRouter

app_name = "returns-api"

router = DefaultRouter()

urlpatterns = router.urls
