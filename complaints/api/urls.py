from rest_framework.routers import DefaultRouter

app_name = "complaints-api"

router = DefaultRouter()

urlpatterns = router.urls
