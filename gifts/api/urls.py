from rest_framework.routers import DefaultRouter

app_name = "gifts-api"

router = DefaultRouter()

urlpatterns = router.urls
