from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from . import views
from .feeds import LatestProposalsFeed, TrajectoryProposalsFeed
from .sitemaps import SITEMAPS

# The pages of one consultation. Without a slug (the addresses published first) they
# mean the current consultation; under /consultations/<slug>/, that consultation.
consultation_patterns = [
    path(
        "trajectoires/<int:number>/",
        views.TrajectoryDetailView.as_view(),
        name="consultation_trajectory",
    ),
    path(
        "trajectoires/<int:number>/proposer/",
        views.ProposalCreateView.as_view(),
        name="consultation_proposal_create",
    ),
    path(
        "trajectoires/<int:number>/flux/",
        TrajectoryProposalsFeed(),
        name="trajectory_feed",
    ),
    path("resultats/", views.ResultsView.as_view(), name="consultation_results"),
    path("regions/<str:code>/", views.RegionView.as_view(), name="consultation_region"),
    path(
        "open-data/consultation.json",
        views.open_data_json,
        name="consultation_open_data_json",
    ),
    path(
        "open-data/proposals.csv",
        views.open_data_csv,
        name="consultation_open_data_csv",
    ),
    path(
        "open-data/proposals.xlsx",
        views.open_data_xlsx,
        name="consultation_open_data_xlsx",
    ),
    path(
        "open-data/arguments.json",
        views.open_data_arguments_json,
        name="consultation_open_data_arguments_json",
    ),
    path(
        "open-data/arguments.csv",
        views.open_data_arguments_csv,
        name="consultation_open_data_arguments_csv",
    ),
]

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("flux/propositions/", LatestProposalsFeed(), name="proposal_feed"),
    path(
        "consultations/", views.ConsultationListView.as_view(), name="consultation_list"
    ),
    path(
        "consultations/<slug:slug>/",
        views.HomeView.as_view(),
        name="consultation_home",
    ),
    path("consultations/<slug:slug>/", include(consultation_patterns)),
    path("", views.HomeView.as_view(), name="home"),
    path(
        "trajectoires/<int:number>/",
        views.TrajectoryDetailView.as_view(),
        name="trajectory_detail",
    ),
    path(
        "trajectoires/<int:number>/proposer/",
        views.ProposalCreateView.as_view(),
        name="proposal_create",
    ),
    path(
        "propositions/<int:pk>/",
        views.ProposalDetailView.as_view(),
        name="proposal_detail",
    ),
    path("propositions/<int:pk>/voter/", views.vote, name="vote"),
    path(
        "propositions/<int:pk>/arguments/",
        views.argument_create,
        name="argument_create",
    ),
    path("arguments/<int:pk>/retirer/", views.argument_delete, name="argument_delete"),
    path("arguments/<int:pk>/signaler/", views.argument_report, name="argument_report"),
    path(
        "propositions/<int:pk>/cosignataires/inviter/",
        views.cosignature_invite,
        name="cosignature_invite",
    ),
    path(
        "cosignatures/<int:pk>/retirer/",
        views.cosignature_withdraw,
        name="cosignature_withdraw",
    ),
    path(
        "cosignatures/<int:pk>/accepter/",
        views.cosignature_accept,
        name="cosignature_accept",
    ),
    path(
        "cosignatures/<int:pk>/decliner/",
        views.cosignature_decline,
        name="cosignature_decline",
    ),
    path(
        "cosignatures/<int:pk>/quitter/",
        views.cosignature_leave,
        name="cosignature_leave",
    ),
    path(
        "propositions/<int:pk>/suivre/", views.proposal_follow, name="proposal_follow"
    ),
    path(
        "suivis/trajectoires/<int:pk>/",
        views.trajectory_follow,
        name="trajectory_follow",
    ),
    path(
        "compte/desabonnement/<str:token>/",
        views.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
    path(
        "mon-espace/notifications/",
        views.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "propositions/<int:pk>/retirer/",
        views.proposal_withdraw,
        name="proposal_withdraw",
    ),
    path(
        "ateliers/<int:pk>/compte-rendu/",
        views.workshop_report,
        name="workshop_report",
    ),
    path("mon-espace/", views.MySpaceView.as_view(), name="my_space"),
    path("mon-espace/mes-donnees.json", views.my_data, name="my_data"),
    path(
        "mon-espace/supprimer-mon-compte/",
        views.AccountDeleteView.as_view(),
        name="account_delete",
    ),
    path("resultats/", views.ResultsView.as_view(), name="results"),
    path("open-data/consultation.json", views.open_data_json, name="open_data_json"),
    path("open-data/proposals.csv", views.open_data_csv, name="open_data_csv"),
    path("open-data/proposals.xlsx", views.open_data_xlsx, name="open_data_xlsx"),
    path(
        "open-data/arguments.json",
        views.open_data_arguments_json,
        name="open_data_arguments_json",
    ),
    path(
        "open-data/arguments.csv",
        views.open_data_arguments_csv,
        name="open_data_arguments_csv",
    ),
    path("open-data/", views.OpenDataView.as_view(), name="open_data"),
]
