"""Data where two regions differ, for the regions' pages and syntheses."""

from proposals import services
from proposals.models import Workshop
from tests.factories import (
    GuidingQuestionFactory,
    ProposalFactory,
    UserFactory,
    cast_votes,
)


def two_regions(consultation, answerer):
    """Brittany (53) and Île-de-France (11) voting in mirror: each region's own
    proposal loved at home and refused by the other, one proposal both workshops
    brought, one little voted, one pending, one official answer."""
    first = GuidingQuestionFactory(trajectory__theme__consultation=consultation)
    second = GuidingQuestionFactory(trajectory__theme__consultation=consultation)
    workshops = {
        "53": Workshop.objects.create(
            consultation=consultation,
            region_id="53",
            date="2024-03-12",
            place="Rennes",
            organiser="CRESS Bretagne",
            participant_count=34,
        ),
        "11": Workshop.objects.create(
            consultation=consultation, region_id="11", date="2024-04-02", place="Paris"
        ),
    }
    voters = {
        "53": [
            UserFactory(region_id="53", organisation_type=kind)
            for kind in ["cooperative"] * 4 + ["association"] * 2
        ],
        "11": [
            UserFactory(region_id="11", organisation_type="association")
            for _ in range(6)
        ],
    }

    def proposal(text, region, question=first, **fields):
        author = UserFactory(region_id=region, organisation="L'Atelier & Cie")
        return ProposalFactory(
            question=question, author=author, region_id=region, text=text, **fields
        )

    made = {
        "bzh": proposal("L'économie d'abord & ensemble, en Bretagne.", "53"),
        "idf": proposal("Des tiers-lieux franciliens partout.", "11", second),
        "shared": proposal("Une proposition des deux ateliers.", "11"),
        "few": proposal("Une proposition bretonne peu votée.", "53", second),
        "pending": proposal(
            "Une proposition bretonne en attente.", "53", status="pending"
        ),
    }
    made["shared"].workshops.add(workshops["53"], workshops["11"])
    votes = []
    for voter in voters["53"]:
        votes += [(made["bzh"], voter, "agree"), (made["idf"], voter, "disagree")]
        votes.append((made["shared"], voter, "agree"))
    for voter in voters["11"]:
        votes += [(made["bzh"], voter, "disagree"), (made["idf"], voter, "agree")]
        votes.append((made["shared"], voter, "agree"))
    votes += [(made["few"], voter, "agree") for voter in voters["53"][:3]]
    cast_votes(votes)
    services.proposal_answer(
        proposal=made["bzh"],
        author=answerer,
        state="adopted",
        text="Retenue : elle entre au plan régional.",
    )
    return {"proposals": made, "consultation": consultation}
