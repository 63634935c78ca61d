"""The proposals' pages and actions: `pages` shows, `participation` acts, `opendata`
downloads."""

from .arguments import argument_create, argument_delete, argument_report
from .cosignatures import (
    cosignature_accept,
    cosignature_decline,
    cosignature_invite,
    cosignature_leave,
    cosignature_withdraw,
)
from .follows import (
    UnsubscribeView,
    notification_preferences,
    proposal_follow,
    trajectory_follow,
)
from .opendata import (
    OpenDataView,
    open_data_arguments_csv,
    open_data_arguments_json,
    open_data_csv,
    open_data_json,
    open_data_xlsx,
    workshop_report,
)
from .pages import (
    ConsultationListView,
    HomeView,
    ProposalDetailView,
    RegionView,
    ResultsView,
    TrajectoryDetailView,
)
from .participation import (
    AccountDeleteView,
    MySpaceView,
    ProposalCreateView,
    my_data,
    proposal_withdraw,
    vote,
)

__all__ = [
    "UnsubscribeView",
    "cosignature_accept",
    "cosignature_decline",
    "cosignature_invite",
    "cosignature_leave",
    "cosignature_withdraw",
    "open_data_arguments_csv",
    "open_data_arguments_json",
    "argument_create",
    "argument_delete",
    "argument_report",
    "AccountDeleteView",
    "ConsultationListView",
    "HomeView",
    "MySpaceView",
    "ProposalCreateView",
    "ProposalDetailView",
    "RegionView",
    "ResultsView",
    "TrajectoryDetailView",
    "my_data",
    "notification_preferences",
    "proposal_follow",
    "trajectory_follow",
    "OpenDataView",
    "open_data_csv",
    "open_data_xlsx",
    "open_data_json",
    "proposal_withdraw",
    "vote",
    "workshop_report",
]
