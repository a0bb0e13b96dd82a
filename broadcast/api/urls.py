from rest_framework.routers import DefaultRouter

app_name = "broadcast-api"

router = DefaultRouter()

urlpatterns = router.urls
