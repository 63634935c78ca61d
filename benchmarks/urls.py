from django.urls import path

from . import views

urlpatterns = [path("ceiling/", views.ceiling, name="bench_ceiling")]
