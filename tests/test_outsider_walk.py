"""An outsider gets 404 for every URL that names one of this team's objects, and changes nothing.

The walk goes through `reviews.urls.urlpatterns` itself, so a URL added later with an id in it is
either mapped to an object below or makes `test_every_url_with_an_id_is_in_the_walk` fail.
"""

import pytest
from django.urls import URLPattern, URLResolver

from reviews import services
from reviews import urls as review_urls
from reviews.models import (
    Article,
    Assignment,
    AuditEvent,
    Category,
    Claim,
    Comment,
    Evidence,
    Membership,
    Rating,
    Review,
    Suggestion,
)
from tests.conftest import HTMX, client_for, row_counts

# Which kind of object each URL's id names.
KIND_OF_URL = {
    "article-detail": "article",
    "claim-create": "article",
    "article-assign": "article",
    "article-stats": "article",
    "article-history": "article",
    "claim-history": "claim",
    "review-history": "review",
    "claim-detail": "claim",
    "claim-delete": "claim",
    "review-save": "claim",
    "evidence-add": "claim",
    "claim-resolve": "claim",
    "comment-add": "claim",
    "evidence-delete": "evidence",
    "review-decide": "review",
    "assignment-delete": "assignment",
    "team-member-role": "membership",
    "team-member-remove": "membership",
    "team-category-save": "category",
    "team-category-delete": "category",
    "team-rating-save": "rating",
    "team-rating-delete": "rating",
    "article-suggest": "article",
    "article-sources": "article",
    "suggestion-accept": "suggestion",
    "suggestion-dismiss": "suggestion",
    "claim-unlink": "claim",
    "claim-adopt": "claim",
}
MISSING_PK = 2_000_000_000  # an id no row has


def patterns_with_ids(patterns=None, prefix: str = "") -> list[tuple[str, str, dict]]:
    """(URL name, route, converters) of every pattern that takes an argument, nested includes too."""
    found = []
    for pattern in review_urls.urlpatterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            found += patterns_with_ids(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and getattr(pattern.pattern, "converters", None):
            found.append((pattern.name, prefix + str(pattern.pattern), dict(pattern.pattern.converters)))
    return found


def url_for(route: str, pk: int) -> str:
    return "/" + route.replace("<int:pk>", str(pk))


def everything() -> dict:
    """Every row a request could change, in comparable form."""
    models = (Article, Claim, Review, Evidence, Assignment, Comment, Membership, Category, Rating, Suggestion)
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    state["counts"] = row_counts()
    state["events"] = AuditEvent.objects.count()
    return state


@pytest.fixture
def objects(
    team, owner, moderator, reviewer, reviewer2, article, claim, review, evidence, rating_mixed, category
) -> dict:
    """One object of each kind in `team`, each in a state where a member's post would change something."""
    remys = services.save_review(user=reviewer2, claim=claim, rating=rating_mixed, rationale="remy's", confidence=1)
    remys = services.submit_review(user=reviewer2, review=remys)  # a decision on it would go through
    assignment = services.assign(user=moderator, article=article, assignee=reviewer)
    unused_category = Category.objects.filter(team=team).exclude(pk=category.pk).first()
    unused_rating = Rating.objects.get(team=team, slug="unverifiable")
    return {
        "article": article,
        "claim": claim,
        "review": remys,
        "evidence": evidence,
        "assignment": assignment,
        "membership": Membership.objects.get(team=team, user=reviewer2),
        "category": unused_category,
        "rating": unused_rating,
        "suggestion": article.suggestions.pending().first(),
    }


def test_every_url_with_an_id_is_in_the_walk():
    found = patterns_with_ids()
    unknown = [(name, route) for name, route, _ in found if name not in KIND_OF_URL]
    assert unknown == [], f"map these URLs to an object of the team in KIND_OF_URL: {unknown}"
    other_arguments = [(name, route, list(conv)) for name, route, conv in found if list(conv) != ["pk"]]
    assert other_arguments == [], "the walk knows only <int:pk>; teach it the new argument"


def test_the_walk_knows_no_url_that_is_gone():
    assert set(KIND_OF_URL) <= {name for name, _, _ in patterns_with_ids()}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_outsider_gets_404_for_every_url_naming_this_teams_objects(
    method, headers, objects, outsider, team, rating_mixed, category
):
    otto = client_for(outsider)
    data = {
        "action": "approve",
        "reason": "Outsider's reason.",
        "version": "",
        "rating": rating_mixed.pk,
        "rationale": "outsider",
        "confidence": 2,
        "body": "Outsider's comment.",
        "assignee": outsider.pk,
        "claim": objects["claim"].pk,
        "url": "https://example.org/outsider",
        "stance": "context",
        "start": 0,
        "end": 5,
        "category": category.pk,
        "role": "owner",
        "expected_role": "reviewer",
        "name": "Renamed by otto",
        "label": "Renamed by otto",
        "value": 1,
        "is_scored": "on",
        "colour": "#000000",
        "source": objects["claim"].pk,
        "description": "",
        "position": 0,
    }
    before = everything()
    walked = 0

    for name, route, _ in patterns_with_ids():
        target = objects[KIND_OF_URL[name]]
        assert target.pk, name
        real, missing = url_for(route, target.pk), url_for(route, MISSING_PK)
        send = otto.post if method == "post" else otto.get
        response = send(real, data, **headers) if method == "post" else send(real, **headers)
        baseline = send(missing, data, **headers) if method == "post" else send(missing, **headers)

        # Exactly what an id that does not exist gets: 404, or 405 where the view never takes this method.
        assert response.status_code == baseline.status_code, f"{method.upper()} {real}"
        if response.status_code == 405:
            assert method.upper() not in response["Allow"], f"{method.upper()} {real}"
        else:
            assert response.status_code == 404, f"{method.upper()} {real} answered {response.status_code}"
        assert "HX-Trigger" not in response, real
        assert everything() == before, f"{method.upper()} {real} changed something"
        walked += 1

    assert walked == len(KIND_OF_URL)


def test_each_url_answers_404_to_the_outsider_for_the_method_it_takes(objects, outsider, rating_mixed):
    """No URL with an id answers 405 to both GET and POST: each is reached with the method it takes."""
    otto = client_for(outsider)
    for name, route, _ in patterns_with_ids():
        url = url_for(route, objects[KIND_OF_URL[name]].pk)
        statuses = {otto.get(url).status_code, otto.post(url, {"rating": rating_mixed.pk}).status_code}
        assert 404 in statuses, f"{name}: {statuses}"


REMOVING = ("evidence-delete", "team-member-remove", "team-category-delete", "team-rating-delete", "claim-delete")


def test_a_member_of_the_team_reaches_the_same_urls(objects, owner, reviewer):
    """The walk is not vacuous: for members of the team the same URLs and ids are found (not 404)."""
    olga, rita = client_for(owner), client_for(reviewer)
    # Removals last, so that every other URL still finds its object; evidence is only ever its author's.
    walk = sorted(patterns_with_ids(), key=lambda found: REMOVING.index(found[0]) if found[0] in REMOVING else -1)
    for name, route, _ in walk:
        url = url_for(route, objects[KIND_OF_URL[name]].pk)
        member = rita if name == "evidence-delete" else olga
        get, post = member.get(url).status_code, member.post(url, {}).status_code
        assert 404 not in (get, post), f"{name}: {url} answered GET {get}, POST {post}"
