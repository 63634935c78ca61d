from django.contrib import admin
from django.urls import include, path

from proposals.views import HomeView

from .views import SitePageDetailView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", HomeView.as_view(), name="home"),
    path("pages/<slug:slug>/", SitePageDetailView.as_view(), name="site_page"),
    path("", include("trajectories.urls")),
    path("", include("proposals.urls")),
]
