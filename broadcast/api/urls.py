from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "broadcast-api"

router = DefaultRouter()
router.register("broadcast/scripts", views.ScriptViewSet, basename="script")
router.register("broadcast/promotions", views.PromotionViewSet, basename="promotion")
router.register("broadcast/inserts", views.UrgentInsertViewSet, basename="urgentinsert")
router.register("broadcast/handovers", views.BoothHandoverViewSet, basename="boothhandover")
router.register("broadcast/maintenance", views.EquipmentMaintenanceViewSet, basename="equipmentmaintenance")
router.register("broadcast/plans", views.PlanVersionViewSet, basename="planversion")
router.register("broadcast/policies", views.BroadcastPolicyViewSet, basename="broadcastpolicy")
router.register("broadcast/insert-templates", views.InsertTemplateViewSet, basename="inserttemplate")

urlpatterns = [
    path("broadcast/days/<str:day>/", views.DayApi.as_view(), name="day"),
    path("broadcast/days/<str:day>/hours/", views.DayHoursApi.as_view(), name="day-hours"),
    path("broadcast/days/<str:day>/check/", views.DayCheckApi.as_view(), name="day-check"),
    path("broadcast/days/<str:day>/sheet.pdf", views.DaySheetPdfApi.as_view(), name="day-sheet"),
    path("broadcast/scripts/<int:pk>/script.pdf", views.ScriptPdfApi.as_view(), name="script-pdf"),
    path("broadcast/queue/", views.QueueApi.as_view(), name="queue"),
    path("broadcast/log/", views.AirLogApi.as_view(), name="log"),
    *router.urls,
]
