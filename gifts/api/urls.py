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

urlpatterns = [
    path("gifts/birthday/", views.BirthdayGiftApi.as_view(), name="birthday"),
    # PDFs keep the contract's file names (no trailing slash)
    path("gifts/deliveries/<int:pk>/note.pdf", views.GiftDeliveryViewSet.as_view({"get": "note"}), name="delivery-note"),
    path("gifts/issues/<int:pk>/form.pdf", views.GiftIssueViewSet.as_view({"get": "form"}), name="issue-form"),
    path("gifts/campaigns/<str:code>/close-list.pdf", views.GiftCampaignViewSet.as_view({"get": "close_list"}),
         name="campaign-close-list"),
    *router.urls,
]
