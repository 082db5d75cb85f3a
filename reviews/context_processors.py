from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from reviews.teams import current_membership


def membership(request: HttpRequest) -> dict:
    """The signed-in user's current team membership, looked up only if a template uses it."""
    return {"current_membership": SimpleLazyObject(lambda: current_membership(request))}
