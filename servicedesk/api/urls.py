from rest_framework.routers import DefaultRouter

from . import views

app_name = "servicedesk-api"

router = DefaultRouter()
router.register("handover/entries", views.HandoverEntryViewSet, basename="handoverentry")
router.register("handover/items", views.HandoverItemViewSet, basename="handoveritem")
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = router.urls
