from rest_framework.routers import DefaultRouter

app_name = "members-api"

router = DefaultRouter()

urlpatterns = router.urls
