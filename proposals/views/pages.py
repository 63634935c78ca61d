"""The pages that show a consultation: home, trajectory, proposal, results, archive."""

from django.http import (
    Http404,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.generic import DetailView, TemplateView

from consultation.cache import cached, proposal_scope, shown_scope, trajectory_scope
from consultation.models import Region
from consultation.page_cache import (
    counts_shown,
    declare_canonical_query,
    depends_on,
    shuffle_bucket,
)
from consultation.shared_pages import share_page
from trajectories import selectors as trajectory_selectors
from trajectories.models import Trajectory
from trajectories.views import ConsultationMixin

from .. import permissions, regions, results, selectors, services
from ..exposures import exposures_record
from ..forms import (
    ArgumentForm,
    CoSignatureInviteForm,
    ProposalFilterForm,
    ProposalForm,
)
from ..fragments import FragmentStore, card_key, summary_key
from ..models import Workshop
from ..ranking import CONSENSUS_MIN_REGIONS, RANKING_MIN_VOTES

PROPOSALS_PER_PAGE = 20
# How long a search's page is kept for the readers who search the same words.
SEARCH_PAGE_SECONDS = 60


class HomeView(TemplateView):
    """The home of the current consultation (there may be none yet), or of the one
    that /consultations/<slug>/ names."""

    template_name = "proposals/home.html"

    def get_context_data(self, **kwargs):
        consultation = (
            trajectory_selectors.consultation_or_404(self.kwargs["slug"])
            if "slug" in self.kwargs
            else trajectory_selectors.consultation_current()
        )
        share_page(self.request, consultation=consultation)
        # It names no proposal: decisions move only its figures, which follow at its
        # next freshness, as votes do.
        depends_on(self.request)
        context = {
            "consultation": consultation,
            "canonical_path": consultation.get_absolute_url() if consultation else "/",
        }
        if consultation is not None:
            context["themes"] = trajectory_selectors.theme_list(
                consultation=consultation
            )
            context["figures"] = results.consultation_key_figures(consultation)
        return super().get_context_data(**context, **kwargs)


class TrajectoryDetailView(ConsultationMixin, DetailView):
    template_name = "proposals/trajectory_detail.html"
    context_object_name = "trajectory"

    def get(self, request, *args, **kwargs):
        try:
            response = super().get(request, *args, **kwargs)
        except Http404:
            if self.addressed_by_slug:
                raise
            return self._moved(kwargs["number"])
        if getattr(self, "canonical_address", None):
            return redirect(self.canonical_address)
        if getattr(self, "fragments", None) is not None:
            response.add_post_render_callback(self.fragments.save)
        return response

    def _moved(self, number):
        # /trajectoires/<n>/ means the current consultation's trajectory n; when it has
        # none, the address moves for good to the latest consultation that has one.
        trajectory = (
            Trajectory.objects.filter(
                consultation__in=trajectory_selectors.consultation_public_list(),
                number=number,
            )
            .select_related("consultation")
            .order_by("-consultation__opens_at")
            .first()
        )
        if trajectory is None:
            raise Http404
        return redirect(trajectory.get_absolute_url(), permanent=True)

    def get_queryset(self):
        return trajectory_selectors.trajectory_list(consultation=self.consultation)

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), number=self.kwargs["number"])

    def _moves_to_canonical(self, form):
        """
        Whether these filters have a canonical address other than the one asked (a
        filter form sends its empty fields too, in its own order): the page then
        answers there, where the page cache keeps it (`canonical_address`).
        """
        query = self.request.META.get("QUERY_STRING", "")
        requested = selectors.page_number(self.request.GET.get("page", "1"))
        if not query or requested is None:
            return False  # no filter, or a page number the list makes sense of itself
        canonical = form.canonical_query(requested)
        if canonical is None or canonical == query:
            return False
        self.canonical_address = self.request.path + (
            f"?{canonical}" if canonical else ""
        )
        return True

    def participation_context(self, proposal_form=None):
        """What the visitor may do here: propose (with which form), vote, or why not."""
        user = self.request.user
        submission_refusal = permissions.submission_refusal(user, self.consultation)
        if submission_refusal is None and proposal_form is None:
            proposal_form = ProposalForm(trajectory=self.object)
        vote_refusal = permissions.consultation_vote_refusal(user, self.consultation)
        return {
            "submission_refusal": submission_refusal,
            "proposal_form": proposal_form if submission_refusal is None else None,
            "vote_refusal": vote_refusal,
            "can_vote": vote_refusal is None,
        }

    def get_context_data(self, proposal_form=None, **kwargs):
        # Its page shows its own proposals: a decision elsewhere leaves it cached.
        depends_on(self.request, trajectory_scope(self.object.pk))
        if proposal_form is None:  # not the page of a proposal being written
            share_page(self.request, consultation=self.consultation)
        questions = list(self.object.questions.order_by("position", "pk"))
        form = ProposalFilterForm(
            self.request.GET or None,
            questions=questions,
            workshops=list(
                Workshop.objects.filter(proposals__question__trajectory=self.object)
                .select_related("region")
                .distinct()
            ),
        )
        if self.request.method == "GET" and self._moves_to_canonical(form):
            return {}  # get() redirects: nothing to compute
        filters = form.filters()
        proposals = selectors.proposal_trajectory_list(
            trajectory=self.object,
            # Only the random order is the reader's own: a list in another order is
            # kept once for every reader.
            seed=(
                shuffle_bucket(self.request)
                if filters["sort"] == selectors.Sort.RANDOM
                else 0
            ),
            **{
                name: value
                for name, value in filters.items()
                if name != "search_shortened"
            },
        )
        page = selectors.proposal_page(
            proposals,
            number=self.request.GET.get("page"),
            per_page=PROPOSALS_PER_PAGE,
            voter=self.request.user,
        )
        declare_canonical_query(
            self.request,
            form.canonical_query(page.number),
            # A search's page is kept a short time: searches are many and seldom
            # read again much later.
            seconds=SEARCH_PAGE_SECONDS if filters["search"] else None,
        )
        if filters["sort"] == selectors.Sort.RANDOM and not filters["search"]:
            # The fairness of the random order is measured by what it shows.
            exposures_record(self.request, [proposal.pk for proposal in page])
        # Votes move its cards' counts, written into its copy, and in the best
        # ranked and most debated orders its order too.
        counts_shown(
            self.request,
            selectors.counts_of(page.object_list),
            patchable=True,
            order_follows_votes=filters["sort"]
            not in (selectors.Sort.RANDOM, selectors.Sort.RECENT),
        )
        # The cards' fragments, in one round trip; the new ones stored after rendering.
        show_question = len(questions) > 1
        self.fragments = FragmentStore.prefetch(
            [card_key(proposal, show_question) for proposal in page.object_list]
            + [summary_key(proposal) for proposal in page.object_list]
        )
        return super().get_context_data(
            canonical_path=self.object.get_absolute_url(),
            form=form,
            filters=filters,
            active_filters=form.active_count(filters),
            questions=questions,
            show_question=show_question,
            fragments=self.fragments,
            page_obj=page,
            page_range=page.paginator.get_elided_page_range(page.number),
            can_follow=permissions.follow_refusal(self.request.user) is None,
            following=services.follows_trajectory(self.request.user, self.object),
            **self.participation_context(proposal_form),
            **kwargs,
        )


class ProposalDetailView(DetailView):
    """A proposal's page, whatever its consultation (ids are global): public once
    published, always to its author and moderators."""

    template_name = "proposals/proposal_detail.html"
    context_object_name = "proposal"

    def get(self, request, *args, **kwargs):
        depends_on(request, proposal_scope(kwargs["pk"]))
        self.object = self.get_object()
        if self.object.is_merged:
            # Its address leads to the proposal it was merged into, which says so.
            return redirect(
                reverse("proposal_detail", kwargs={"pk": self.object.merged_into_id})
                + "#fusions"
            )
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_queryset(self):
        return selectors.with_voter_choice(selectors.proposal_list(), self.request.user)

    def get_object(self, queryset=None):
        proposal = super().get_object(queryset)
        if proposal.is_merged:
            return proposal
        if not permissions.can_view_proposal(self.request.user, proposal):
            raise Http404
        return proposal

    def following_context(self):
        user, proposal = self.request.user, self.object
        if permissions.follow_refusal(user) is not None:
            return {"can_follow": False}
        return {
            "can_follow": True,
            "following": services.follows_proposal(user, proposal),
        }

    def cosigning_context(self):
        user, proposal = self.request.user, self.object
        cosigners = selectors.cosigner_list(proposal)
        can_invite = permissions.can_invite_cosigners(user, proposal)
        return {
            "cosigners": cosigners,
            "own_cosignature": next(
                (
                    c
                    for c in cosigners
                    if user.is_authenticated and c.cosigner_id == user.pk
                ),
                None,
            ),
            "can_invite": can_invite,
            # Each invitation, and whether the reader may withdraw it.
            "invitations": [
                (
                    invitation,
                    permissions.invitation_withdrawal_refusal(user, invitation) is None,
                )
                for invitation in (
                    selectors.invitation_list(proposal) if can_invite else []
                )
            ],
            "invite_form": CoSignatureInviteForm() if can_invite else None,
        }

    def get_context_data(self, **kwargs):
        user = self.request.user
        if self.object.is_published and "argument_form" not in kwargs:
            # Its author, cosigners and arguers see their own controls: not shared.
            share_page(
                self.request,
                consultation=self.object.question.trajectory.consultation,
                involved_in=[self.object.pk],
            )
        # Votes move its counts and what follows from them (its score, its tallies).
        counts_shown(self.request, selectors.counts_of([self.object]))
        vote_refusal = permissions.vote_refusal(user, self.object)
        argument_refusal = permissions.argument_refusal(user, self.object)
        return super().get_context_data(
            canonical_path=self.object.get_absolute_url(),
            arguments=selectors.argument_columns(self.object),
            own_argument=selectors.own_argument(self.object, user),
            argument_refusal=argument_refusal,
            argument_form=kwargs.pop("argument_form", None) or ArgumentForm(),
            **self.cosigning_context(),
            **self.following_context(),
            merged_proposals=selectors.merged_into(self.object),
            breakdowns=results.tally_breakdowns(self.object.tallies.all()),
            can_vote=vote_refusal is None,
            vote_refusal=vote_refusal,
            can_withdraw=permissions.can_withdraw_proposal(user, self.object),
            min_votes=RANKING_MIN_VOTES,
            consultation=self.object.question.trajectory.consultation,
            **kwargs,
        )


class ResultsView(ConsultationMixin, TemplateView):
    """The results. Anonymous readers get the whole page from the page cache; for the
    others, its body (the same for everyone) is rendered once per refresh and kept
    (`consultation.cache.cached`), from `results.consultation_results`."""

    template_name = "proposals/results.html"

    def get_context_data(self, **kwargs):
        consultation = self.consultation
        # « Voir tout »: every trajectory's ranking unfolded at once (printing unfolds
        # them too, by its style sheet).
        unfolded = "tout" in self.request.GET
        share_page(self.request, consultation=consultation)
        # Stale at once with a decision on a proposal it shows, not with the others.
        depends_on(self.request, shown_scope("results", consultation.pk))
        scopes = results.results_scopes(consultation)

        def body():
            return render_to_string(
                "proposals/includes/results_body.html",
                {
                    "consultation": consultation,
                    "unfolded": unfolded,
                    "list_length": results.RESULTS_LIST_LENGTH,
                    "min_votes": RANKING_MIN_VOTES,
                    "min_regions": CONSENSUS_MIN_REGIONS,
                    "results": results.consultation_results(
                        consultation=consultation, limit=results.RESULTS_LIST_LENGTH
                    ),
                },
            )

        return super().get_context_data(
            canonical_path=reverse(
                "consultation_results", kwargs={"slug": consultation.slug}
            ),
            results_body=cached(
                "results-body-unfolded" if unfolded else "results-body",
                consultation.pk,
                body,
                scopes=scopes,
            ),
            **kwargs,
        )


class RegionView(ConsultationMixin, TemplateView):
    """A region's part of the consultation (`proposals.regions`). Like the results,
    anonymous readers get it from the page cache; its body, the same for everyone,
    is rendered once per refresh for the others."""

    template_name = "proposals/region_detail.html"

    def get_context_data(self, **kwargs):
        consultation = self.consultation
        region = get_object_or_404(Region, code=self.kwargs["code"])
        share_page(self.request, consultation=consultation)

        def body():
            return render_to_string(
                "proposals/includes/region_body.html",
                {
                    "consultation": consultation,
                    "region": region,
                    "min_votes": RANKING_MIN_VOTES,
                    "overview": regions.region_overview(consultation, region),
                },
            )

        return super().get_context_data(
            region=region,
            canonical_path=reverse(
                "consultation_region",
                kwargs={"slug": consultation.slug, "code": region.code},
            ),
            region_body=cached(f"region-body-{region.code}", consultation.pk, body),
            **kwargs,
        )


class ConsultationListView(TemplateView):
    """Every public consultation: the current one first, then the archive."""

    template_name = "proposals/consultation_list.html"

    def get_context_data(self, **kwargs):
        share_page(self.request)
        return super().get_context_data(
            canonical_path=reverse("consultation_list"),
            consultations=selectors.consultation_archive_list(),
            **kwargs,
        )
