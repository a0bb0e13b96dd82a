from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "members-api"

router = DefaultRouter()
router.register("members", views.MemberViewSet, basename="member")

urlpatterns = [
    path("pricing/quote/", views.PricingQuoteApi.as_view(), name="pricing_quote"),
    path("card-stock/", views.CardStockApi.as_view(), name="card_stock"),
] + router.urls
