from django.urls import path

from . import views

app_name = "metrics"

urlpatterns = [
    path("", views.index, name="index"),
    path("agency/<str:code>/", views.agency, name="agency"),
    path("dossiers/<str:component>/", views.dossiers, name="province_dossiers"),
    path("agency/<str:code>/dossiers/<str:component>/", views.dossiers, name="dossiers"),
    path("petitions/<str:component>/", views.petitions, name="province_petitions"),
    path("agency/<str:code>/petitions/<str:component>/", views.petitions, name="petitions"),
    path("export/<slug:table>.xlsx", views.export, name="export"),
]
