from .models import Choice


def vote_choices(request):
    """The vote choices in their order, for every template that shows vote buttons."""
    return {"vote_choices": Choice.choices}
