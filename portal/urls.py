from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import health, views
from portal.forms import LoginForm

admin.site.site_header = "Quản trị Cổng đánh giá"
admin.site.site_title = "Quản trị Cổng đánh giá"
admin.site.index_title = "Dữ liệu hệ thống"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("thong-bao/", views.notifications, name="notifications"),
    path("thong-bao/da-doc/", views.mark_notifications_read, name="notifications_read"),
    path("quan-tri-he-thong/", admin.site.urls),
    path("ket-qua/", include("assessments.public_urls")),
    path("", include("assessments.urls")),
]
