from django.urls import path

from . import views

app_name = "proposals"
urlpatterns = [
    path(
        "trajectoires/<int:number>/",
        views.TrajectoryDetailView.as_view(),
        name="trajectory_detail",
    ),
    path(
        "propositions/<int:pk>/",
        views.ProposalDetailView.as_view(),
        name="proposal_detail",
    ),
    path("resultats/", views.ResultsView.as_view(), name="results"),
    path("open-data/consultation.json", views.open_data_json, name="open_data_json"),
    path("open-data/proposals.csv", views.open_data_csv, name="open_data_csv"),
]
