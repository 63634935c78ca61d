from django.urls import path

from . import views

urlpatterns = [
    path("themes/<int:pk>/", views.ThemeDetailView.as_view(), name="theme_detail"),
    path(
        "consultations/<slug:slug>/themes/<int:pk>/",
        views.ThemeDetailView.as_view(),
        name="consultation_theme",
    ),
]
