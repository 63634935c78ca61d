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
]
