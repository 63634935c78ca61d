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
    # A region's synthesis, beside its page (/consultations/<slug>/regions/<code>/).
    path(
        "consultations/<slug:slug>/regions/<str:code>/synthese/",
        views.SynthesisView.as_view(),
        name="regional_synthesis",
    ),
    path(
        "consultations/<slug:slug>/regions/<str:code>/synthese.pdf",
        views.synthesis_pdf,
        name="regional_synthesis_pdf",
    ),
    path(
        "consultations/<slug:slug>/regions/<str:code>/synthese.xlsx",
        views.synthesis_xlsx,
        name="regional_synthesis_xlsx",
    ),
]
