from django.urls import path

from . import views

urlpatterns = [
    path("ceiling/", views.ceiling, name="bench_ceiling"),
    path("ceiling/connecte/", views.logged_in_ceiling, name="bench_logged_in_ceiling"),
]
