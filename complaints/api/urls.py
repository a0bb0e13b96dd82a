from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "complaints-api"

router = DefaultRouter()
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("complaints", views.ComplaintViewSet, basename="complaint")
router.register("complaint-phrases", views.ReplyPhraseViewSet, basename="replyphrase")

urlpatterns = [
    path("complaint-phrases/check/", views.DraftCheckApi.as_view(), name="complaint-draft-check"),
] + router.urls
