from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("login/otp/", views.otp, name="otp"),
    path("logout/", views.StaffLogoutView.as_view(), name="logout"),
    path("staff/", views.staff_home, name="staff"),
]
