"""
Data with every state a person can meet, for the browser, PDF, XLSX and mail tests.

`every_state()` builds, through the services wherever a service exists:
- a consultation open for contributions whose title, theme, trajectory, question and
  organisation names hold apostrophes, « quotes » and `&`, and a theme titled in
  capitals without accents, as a workshop document writes them;
- a proposal in every status (pending, published, rejected with its reason, withdrawn
  after votes, merged) and one answered in each answer state;
- a proposal with more than a thousand votes from every region, so that counts of
  1,000 and more are printed, and regions whose support differs;
- a verified organisation, cosigners (accepted and invited), arguments on both sides,
  a workshop, a very long word, an account that reads English;
- a consultation in preparation and a closed one.
"""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from consultation.models import Consultation, OrganisationType, Phase, Region, User
from proposals import services
from proposals.models import AnswerState, Choice, Proposal, Source, Status, Workshop
from tests.factories import (
    PASSWORD,
    ConsultationFactory,
    GuidingQuestionFactory,
    ProposalFactory,
    ThemeFactory,
    TrajectoryFactory,
    UserFactory,
    cast_votes,
    siren,
)

TITLE = "Trajectoires de l'ESS & des territoires « 2030 »"
CAPITALS_THEME = "UNE ECONOMIE INNOVANTE ET RESILIENTE"
THEME = "L'économie qui coopère & qui « relie »"
TRAJECTORY = "Dans 10 ans, l'ESS pourra s'appuyer sur un écosystème de développement"
QUESTION = "Comment renforcer l'accompagnement des « jeunes » structures & réseaux ?"
AUTHOR = "Coopérative L'Atelier & Fils"
COSIGNER = "Fondation « Demain » d'Anjou"
LONG_WORD = "anticonstitutionnellement" * 3
POPULAR_TEXT = (
    "Créer un fonds régional d'amorçage & de garantie pour les « jeunes » "
    "coopératives d'activité"
)
ANSWER_TEXTS = {
    AnswerState.ADOPTED: "Retenue : le fonds sera créé l'an prochain.",
    AnswerState.PARTLY: "Retenue en partie : l'amorçage, pas la garantie.",
    AnswerState.STUDYING: "À l'étude avec les régions & l'État.",
    AnswerState.NOT_ADOPTED: "Non retenue : un dispositif national existe déjà.",
}
# Approval per region of the popular proposal's voters, so that the regions differ.
VOTERS = 1_200


@dataclass
class EveryState:
    consultation: Consultation
    preparation: Consultation
    closed: Consultation
    author: User
    cosigner: User
    english: User
    moderator: User
    proposals: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.proposals[name]


def _voters(count, prefix):
    """`count` identified organisations spread over every region and type, made in
    one statement (their password is the tests' usual one)."""
    regions = list(Region.objects.order_by("code"))
    types = list(OrganisationType)  # the cross table's every column
    password = make_password(PASSWORD)
    now = timezone.now()
    start = 900_000 + hash(prefix) % 50_000 * 100
    users = []
    for n in range(count):
        identifier = siren(start + n)
        users.append(
            User(
                email=f"{prefix}{n}@exemple.fr",
                organisation=f"Association d'{prefix} n° {n}",
                organisation_type=types[n % len(types)],
                region=regions[n % len(regions)],
                legal_identifier=identifier,
                organisation_key=identifier,
                email_confirmed_at=now,
                password=password,
            )
        )
    return User.objects.bulk_create(users)


def _choice(voter_index, region_index):
    """Agree more in the first regions, less in the last: support differs."""
    cycle = voter_index // 18 % 10
    agree_below = 8 - region_index // 3  # 8 in 10 … 3 in 10
    if cycle < agree_below:
        return Choice.AGREE
    return Choice.MIXED if cycle % 2 else Choice.DISAGREE


def every_state():
    consultation = ConsultationFactory(
        title=TITLE,
        slug="trajectoires-2030",
        introduction="Une consultation d'acteurs & de territoires.",
        phase=Phase.CONTRIBUTIONS,
    )
    capitals = ThemeFactory(consultation=consultation, title=CAPITALS_THEME, position=1)
    theme = ThemeFactory(consultation=consultation, title=THEME, position=2)
    trajectory = TrajectoryFactory(theme=capitals, number=4, title=TRAJECTORY)
    other_trajectory = TrajectoryFactory(
        theme=theme, number=5, title=f"Dans 10 ans, l'ESS sera {LONG_WORD}"
    )
    question = GuidingQuestionFactory(trajectory=trajectory, text=QUESTION)
    other_question = GuidingQuestionFactory(
        trajectory=other_trajectory, text="Qu'attendre des « territoires » ?"
    )

    author = UserFactory(
        organisation=AUTHOR,
        email="atelier@exemple.fr",
        organisation_verified=True,
        region=Region.objects.get(code="53"),
    )
    cosigner = UserFactory(organisation=COSIGNER, email="demain@exemple.fr")
    english = UserFactory(
        organisation="Mutuelle d'Anjou & Maine",
        email="anjou@exemple.fr",
        organisation_type=OrganisationType.MUTUAL,
        language="en",
    )
    moderator = UserFactory(
        organisation="", email="moderation@exemple.fr", is_staff=True
    )
    moderator.groups.add(Group.objects.get(name="Modérateurs"))
    moderator.user_permissions.add(
        *Permission.objects.filter(codename__in=["answer_proposal"])
    )
    moderator = User.objects.get(pk=moderator.pk)

    world = EveryState(
        consultation=consultation,
        preparation=ConsultationFactory(
            title="Consultation « en préparation »", phase=Phase.PREPARATION
        ),
        closed=_closed_consultation(),
        author=author,
        cosigner=cosigner,
        english=english,
        moderator=moderator,
    )
    proposals = world.proposals

    workshop = Workshop.objects.create(
        consultation=consultation,
        region=Region.objects.get(code="53"),
        date="2024-03-12",
        place="Rennes & Saint-Brieuc",
        organiser="CRESS de Bretagne",
        participant_count=1_234,
    )
    popular = ProposalFactory(
        question=question, author=author, text=POPULAR_TEXT, source=Source.WORKSHOP
    )
    popular.workshops.add(workshop)
    proposals["popular"] = popular

    voters = _voters(VOTERS, "votant")
    regions = sorted({voter.region_id for voter in voters})
    cast_votes(
        (popular, voter, _choice(n, regions.index(voter.region_id)))
        for n, voter in enumerate(voters)
    )

    for state in AnswerState.values:
        proposal = ProposalFactory(
            question=question,
            author=english if state == AnswerState.STUDYING else UserFactory(),
            text=f"Proposition « {AnswerState(state).label} » d'un réseau & de ses membres",
        )
        cast_votes(
            (proposal, voter, (Choice.AGREE, Choice.MIXED, Choice.DISAGREE)[n % 3])
            for n, voter in enumerate(voters[: 30 + 10 * len(proposals)])
        )
        proposals[f"answered_{state}"] = proposal
    services.proposal_answer(
        proposal=popular,
        author=moderator,
        state=AnswerState.ADOPTED,
        text=ANSWER_TEXTS[AnswerState.ADOPTED],
    )
    for state in AnswerState.values:
        services.proposal_answer(
            proposal=proposals[f"answered_{state}"],
            author=moderator,
            state=state,
            text=ANSWER_TEXTS[state],
        )

    proposals["published"] = ProposalFactory(
        question=other_question,
        author=cosigner,
        text=f"Une proposition sans vote, avec un mot très long : {LONG_WORD}.",
    )
    # Ranked in the second trajectory, so that the results fold two trajectories.
    proposals["elsewhere"] = ProposalFactory(
        question=other_question,
        text="Ouvrir les marchés publics des « territoires » aux coopératives",
    )
    cast_votes(
        (proposals["elsewhere"], voter, (Choice.AGREE, Choice.MIXED)[n % 2])
        for n, voter in enumerate(voters[:40])
    )
    proposals["pending"] = ProposalFactory(
        question=question,
        author=author,
        status=Status.PENDING,
        text="Une proposition « en attente » de l'Atelier & Fils",
    )
    rejected = ProposalFactory(
        question=question, status=Status.PENDING, text="Une proposition hors sujet"
    )
    services.proposal_reject(
        proposal=rejected,
        moderator=moderator,
        reason="Elle ne répond pas à la question d'accompagnement.",
    )
    proposals["rejected"] = rejected

    withdrawn = ProposalFactory(
        question=question, author=author, text="Une proposition retirée après 3 votes"
    )
    cast_votes((withdrawn, voter, Choice.AGREE) for voter in voters[:3])
    services.proposal_withdraw(proposal=withdrawn, author=author, confirmed=True)
    proposals["withdrawn"] = withdrawn

    merged = ProposalFactory(
        question=question,
        text="Créer un fonds régional d'amorçage pour les jeunes coopératives",
    )
    cast_votes((merged, voter, Choice.AGREE) for voter in voters[-5:])
    services.proposal_merge(proposal=merged, into=popular, moderator=moderator)
    proposals["merged"] = merged

    services.cosignature_accept(
        cosignature=services.cosignature_invite(
            proposal=popular, author=author, email=cosigner.email
        ),
        user=cosigner,
    )
    services.cosignature_invite(
        proposal=popular, author=author, email="invitee@exemple.fr"
    )
    # The author is invited, in turn, to cosign a proposal still in moderation.
    invited_to = ProposalFactory(
        question=question,
        author=english,
        status=Status.PENDING,
        text="Une proposition en attente, à cosigner",
    )
    services.cosignature_invite(proposal=invited_to, author=english, email=author.email)
    proposals["invited_to"] = invited_to

    for side, text, writer in (
        ("for", "Elle relie les acteurs & les financeurs d'un même territoire.", english),
        ("for", "Les coopératives d'activité en ont besoin dès la première année.",
         voters[0]),
        ("against", "Elle duplique l'existant : « France Active » le fait déjà.",
         voters[1]),
    ):  # fmt: skip
        services.argument_add(proposal=popular, author=writer, side=side, text=text)

    for name in proposals:
        proposals[name] = Proposal.objects.get(pk=proposals[name].pk)
    world.author = User.objects.get(pk=author.pk)
    return world


def _closed_consultation():
    closed = ConsultationFactory(
        title="Consultation « close » de l'an passé",
        phase=Phase.CLOSED,
        opens_at=timezone.now() - timezone.timedelta(days=400),
    )
    question = GuidingQuestionFactory(
        trajectory=TrajectoryFactory(theme=ThemeFactory(consultation=closed), number=1)
    )
    ProposalFactory(question=question, text="Une proposition d'une consultation close")
    return closed
