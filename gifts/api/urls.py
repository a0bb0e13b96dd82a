from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "gifts-api"

router = DefaultRouter()
router.register("gifts/items", views.GiftItemViewSet, basename="giftitem")
router.register("gifts/campaigns", views.GiftCampaignViewSet, basename="giftcampaign")
router.register("gifts/vouchers", views.GiftVoucherViewSet, basename="giftvoucher")
router.register("gifts/deliveries", views.GiftDeliveryViewSet, basename="giftdelivery")
router.register("gifts/issues", views.GiftIssueViewSet, basename="giftissue")
router.register("gifts/stocktakes", views.StocktakeViewSet, basename="stocktake")

urlpatterns = [path("gifts/birthday/", views.BirthdayGiftApi.as_view(), name="birthday")] + router.urls
