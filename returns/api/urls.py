from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "returns-api"

router = DefaultRouter()
router.register("returns", views.ReturnRequestViewSet, basename="returnrequest")
router.register("return-policies", views.ReturnPolicyViewSet, basename="returnpolicy")

urlpatterns = [
    path("returns/<int:pk>/slip.pdf", views.ReturnSlipPdfApi.as_view(), name="returnrequest-slip"),
    *router.urls,
]
