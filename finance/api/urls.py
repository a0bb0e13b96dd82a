from django.urls import path

from . import views

app_name = "finance-api"

urlpatterns = [
    path("finance/exports/<str:ledger>/", views.FinanceExportApi.as_view(), name="export"),
    path("finance/periods/<str:month>/", views.PeriodApi.as_view(), name="period"),
    path("finance/periods/<str:month>/close/", views.PeriodCloseApi.as_view(), name="period_close"),
    path("finance/periods/<str:month>/reopen/", views.PeriodReopenApi.as_view(), name="period_reopen"),
]
