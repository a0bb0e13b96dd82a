from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "desk-api"

router = DefaultRouter()
router.register("desk/enquiries", views.EnquiryViewSet, basename="enquiry")
router.register("desk/directory", views.DirectoryViewSet, basename="brand")
router.register("desk/umbrella-loans", views.UmbrellaLoanViewSet, basename="umbrellaloan")
router.register("desk/supplies", views.SupplyItemViewSet, basename="supplyitem")
router.register("desk/gift-wraps", views.GiftWrapViewSet, basename="giftwrap")
router.register("desk/deliveries", views.DeliveryViewSet, basename="deliveryrequest")
router.register("desk/lost-property", views.LostPropertyViewSet, basename="lostproperty")
router.register("desk/bags", views.BagViewSet, basename="bagstorage")

urlpatterns = [
    path("desk/umbrella-deposits/<str:date>/", views.DepositDayApi.as_view(), name="deposit-day"),
    path("desk/umbrella-deposits/<str:date>/count/", views.DepositCountApi.as_view(), name="deposit-count"),
    path("desk/supply-stocktakes/", views.StocktakeApi.as_view(), name="stocktake"),
    path("desk/reports/", views.PreparedReportApi.as_view(), name="reports"),
    path("desk/reports/weekly/", views.WeeklyReportApi.as_view(), name="report-weekly"),
    path("desk/reports/monthly/", views.MonthlyReportApi.as_view(), name="report-monthly"),
    re_path(r"^desk/reports/(?P<kind>weekly|monthly)/(?P<period>[0-9W-]{7,8})\.(?P<ext>pdf|xlsx)$",
            views.ReportFileApi.as_view(), name="report-file"),
] + router.urls
