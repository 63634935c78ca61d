from django.urls import path

from . import views

urlpatterns = [
    path(
        "consultations/<slug:slug>/synthese/",
        views.SynthesisView.as_view(),
        name="synthesis",
    ),
    path(
        "consultations/<slug:slug>/synthese.pdf",
        views.synthesis_pdf,
        name="synthesis_pdf",
    ),
    path(
        "consultations/<slug:slug>/synthese.xlsx",
        views.synthesis_xlsx,
        name="synthesis_xlsx",
    ),
]
