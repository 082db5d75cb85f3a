from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from reviews.teams import current_membership, user_memberships


def membership(request: HttpRequest) -> dict:
    """The user's current team membership and all their memberships, looked up only if a template uses them."""
    return {
        "current_membership": SimpleLazyObject(lambda: current_membership(request)),
        "memberships": SimpleLazyObject(lambda: user_memberships(request)),
    }
