"""factory_boy factories for the domain models."""

from datetime import timedelta

import factory
from django.utils import timezone

from consultation.identifiers import luhn_valid
from consultation.models import Consultation, OrganisationType, Phase, Region, User
from proposals.models import NotificationPreferences, Proposal, Source, Status
from trajectories.models import GuidingQuestion, Theme, Trajectory

PASSWORD = "mot-de-passe-solide-42"


def siren(n):
    """A valid SIREN (Luhn) of its own for the n-th account."""
    base = f"{n + 10_000_000:08d}"
    for check in "0123456789":
        if luhn_valid(base + check):
            return base + check
    raise AssertionError(base)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"membre{n}@exemple.fr")
    organisation = factory.Sequence(lambda n: f"Coopérative n°{n}")
    organisation_type = OrganisationType.COOPERATIVE
    region = factory.LazyFunction(lambda: Region.objects.get(code="76"))
    email_confirmed_at = factory.LazyFunction(timezone.now)
    # Identified, so that it may vote: one organisation, one voice.
    legal_identifier = factory.Sequence(siren)
    organisation_key = factory.LazyAttribute(lambda user: user.legal_identifier)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def preferences(obj, create, extracted, **kwargs):
        """`UserFactory(preferences__mails_off=[...])`: its notification
        preferences, when the test sets any."""
        if create and kwargs:
            NotificationPreferences.objects.create(user=obj, **kwargs)


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    title = factory.Sequence(lambda n: f"Consultation {n}")
    slug = factory.Sequence(lambda n: f"consultation-{n}")
    phase = Phase.CONTRIBUTIONS
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    consultation = factory.SubFactory(ConsultationFactory)
    title = factory.Sequence(lambda n: f"UNE ÉCONOMIE N°{n}")
    position = factory.Sequence(lambda n: n)


class TrajectoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trajectory

    theme = factory.SubFactory(ThemeFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Dans 10 ans, l'ESS aura franchi l'étape {n}")


class GuidingQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidingQuestion

    trajectory = factory.SubFactory(TrajectoryFactory)
    text = factory.Sequence(lambda n: f"Comment y parvenir, question {n} ?")
    position = 1


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    question = factory.SubFactory(GuidingQuestionFactory)
    text = factory.Sequence(lambda n: f"Proposition numéro {n}")
    source = Source.ONLINE
    author = factory.SubFactory(UserFactory)
    region = factory.LazyAttribute(
        lambda proposal: proposal.author.region if proposal.author else None
    )
    organisation_type = factory.LazyAttribute(
        lambda proposal: proposal.author.organisation_type if proposal.author else ""
    )
    status = Status.PUBLISHED


def cast_votes(votes):
    """
    Create many votes at once, then recount the counters of the proposals concerned.
    `votes` holds (proposal, voter, choice) triples; tests that are not about voting use
    it to build large data quickly.
    """
    from proposals.models import Participation, Vote
    from proposals.services import vote_counters_repair

    votes = list(votes)
    Participation.objects.bulk_create(
        {
            (proposal.question.trajectory.consultation_id, voter.pk): Participation(
                consultation_id=proposal.question.trajectory.consultation_id,
                user=voter,
                region_id=voter.region_id,
                organisation_type=voter.organisation_type,
            )
            for proposal, voter, _ in votes
        }.values(),
        ignore_conflicts=True,
    )
    Vote.objects.bulk_create(
        Vote(
            proposal=proposal,
            voter=voter,
            choice=choice,
            region_id=voter.region_id,
            organisation_type=voter.organisation_type,
        )
        for proposal, voter, choice in votes
    )
    vote_counters_repair(proposals={proposal for proposal, _, _ in votes})
