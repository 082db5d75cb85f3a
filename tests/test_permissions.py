"""Who may change what: own reviews and evidence only, nothing of another team, imports by owners."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews import services
from reviews.audit import system_actor
from reviews.models import Article, AuditEvent, Claim, Evidence, Rating, Review
from tests.conftest import EVIDENCE_URL, HTMX, RATIONALE, SENTENCE, client_for, span_of

# --- local fixtures and helpers -----------------------------------------------------------------


def state() -> dict:
    """Everything a request could change, in comparable form."""
    return {
        "articles": list(Article.objects.values_list("pk", "title", "body").order_by("pk")),
        "claims": list(Claim.objects.values_list("pk", "start", "end", "category_id", "note").order_by("pk")),
        "reviews": list(
            Review.objects.values_list("pk", "reviewer_id", "rating_id", "rationale", "confidence").order_by("pk")
        ),
        "evidence": list(Evidence.objects.values_list("pk", "url", "document_ref", "stance").order_by("pk")),
        "events": AuditEvent.objects.count(),
    }


@pytest.fixture
def review2(claim, reviewer2, rating_mixed) -> Review:
    return services.save_review(user=reviewer2, claim=claim, rating=rating_mixed, rationale="remy's", confidence=1)


@pytest.fixture
def evidence2(review2, reviewer2) -> Evidence:
    return services.add_evidence(user=reviewer2, review=review2, url="https://example.org/remy", stance="supports")


# --- own reviews and evidence only --------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_returns_404_for_another_reviewers_evidence_and_deletes_nothing(reviewer, evidence, evidence2, headers):
    before = state()
    response = client_for(reviewer).post(f"/evidence/{evidence2.pk}/delete/", **headers)

    assert response.status_code == 404
    assert Evidence.objects.filter(pk=evidence2.pk).exists()
    assert state() == before


def test_a_moderator_cannot_delete_a_reviewers_evidence_either(moderator, evidence):
    before = state()
    response = client_for(moderator).post(f"/evidence/{evidence.pk}/delete/", **HTMX)
    assert response.status_code == 404
    assert state() == before


def test_saving_a_verdict_changes_only_the_users_own_review(reviewer, claim, review, review2, team):
    true = Rating.objects.get(team=team, slug="true")
    response = client_for(reviewer).post(
        f"/claims/{claim.pk}/review/", {"rating": true.pk, "rationale": "changed", "confidence": 3}, **HTMX
    )

    assert response.status_code == 200
    review.refresh_from_db()
    review2.refresh_from_db()
    assert (review.rating, review.rationale) == (true, "changed")
    assert (review2.rating.slug, review2.rationale, review2.confidence) == ("mixed", "remy's", 1)


def test_adding_evidence_attaches_it_to_the_users_own_review(reviewer2, claim, review, review2):
    response = client_for(reviewer2).post(
        f"/claims/{claim.pk}/evidence/", {"url": "https://example.org/new", "stance": "context"}, **HTMX
    )
    assert response.status_code == 200
    assert review2.evidence.get().url == "https://example.org/new"
    assert not review.evidence.exists()


def test_the_panel_does_not_show_another_reviewers_verdict_or_evidence(reviewer2, claim, evidence):
    html = client_for(reviewer2).get(f"/claims/{claim.pk}/", **HTMX).content.decode()
    assert RATIONALE not in html
    assert EVIDENCE_URL not in html
    assert "1 other reviewer reviewed this claim" in html


# --- removing claims ----------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_reviewer_cannot_remove_a_claim_someone_else_reviewed(reviewer, claim, review, evidence2, headers):
    client = client_for(reviewer)
    before = state()
    response = client.post(f"/claims/{claim.pk}/delete/", **headers)

    message = "Others have reviewed this claim; ask a moderator to remove it."
    if headers:
        assert response.status_code == 200
        assert "HX-Trigger" not in response
        assert message in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"] == f"/articles/{claim.article_id}/?claim={claim.pk}#claim-panel"
        assert message in client.get(response["Location"]).content.decode()
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert Evidence.objects.filter(pk=evidence2.pk).exists()
    assert state() == before


def test_a_reviewer_cannot_remove_a_claim_someone_else_marked(reviewer2, claim):
    before = state()
    response = client_for(reviewer2).post(f"/claims/{claim.pk}/delete/", **HTMX)

    assert response.status_code == 200
    assert "Only the person who marked this claim, or a moderator, may remove it." in response.content.decode()
    assert state() == before


def test_the_panel_offers_removal_only_to_those_who_may_remove_the_claim(reviewer, reviewer2, claim):
    creator = client_for(reviewer).get(f"/claims/{claim.pk}/", **HTMX).content.decode()
    other = client_for(reviewer2).get(f"/claims/{claim.pk}/", **HTMX).content.decode()

    assert "Remove claim" in creator
    assert "Remove claim" not in other  # the service would refuse remy: he did not mark it


def test_a_moderator_can_remove_a_claim_others_reviewed(moderator, claim, review, review2):
    response = client_for(moderator).post(f"/claims/{claim.pk}/delete/", **HTMX)
    assert response.status_code == 200
    assert "claimsChanged" in response["HX-Trigger"]
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert not Review.objects.exists()


def test_a_reviewer_can_remove_their_own_claim_with_only_their_own_review(reviewer, claim, evidence):
    response = client_for(reviewer).post(f"/claims/{claim.pk}/delete/", **HTMX)
    assert response.status_code == 200
    assert not Claim.objects.exists()


# --- outsiders ----------------------------------------------------------------------------------


def outsider_requests(article, claim, evidence, category, rating_false) -> list[tuple[str, str, dict]]:
    start, end = span_of(article, "During an emotional news conference")
    return [
        ("get", f"/articles/{article.pk}/", {}),
        ("get", f"/articles/{article.pk}/?claim={claim.pk}", {}),
        ("get", f"/claims/{claim.pk}/", {}),
        ("post", f"/articles/{article.pk}/claims/", {"start": start, "end": end, "category": category.pk}),
        ("post", f"/claims/{claim.pk}/review/", {"rating": rating_false.pk, "rationale": "hacked", "confidence": 3}),
        ("post", f"/claims/{claim.pk}/evidence/", {"url": "https://evil.example/", "stance": "supports"}),
        ("post", f"/evidence/{evidence.pk}/delete/", {}),
        ("post", f"/claims/{claim.pk}/delete/", {}),
    ]


@pytest.mark.parametrize(
    "headers", [{}, HTMX, {**HTMX, "HTTP_HX_TARGET": "article-body"}], ids=["plain", "htmx", "body"]
)
def test_it_returns_404_to_an_outsider_on_every_url_with_this_teams_ids(
    outsider, article, claim, evidence, category, rating_false, headers
):
    client = client_for(outsider)
    before = state()
    for method, url, data in outsider_requests(article, claim, evidence, category, rating_false):
        response = getattr(client, method)(url, data, **headers)
        assert response.status_code == 404, (method, url)
        assert SENTENCE not in response.content.decode(), url
    assert state() == before


def test_an_outsider_is_refused_even_with_their_own_teams_rating_and_category(
    outsider, other_team, article, claim, review
):
    foreign_rating = Rating.objects.get(team=other_team, slug="true")
    foreign_category = other_team.categories.first()
    client = client_for(outsider)
    before = state()

    tag = client.post(f"/articles/{article.pk}/claims/", {"start": 0, "end": 5, "category": foreign_category.pk})
    verdict = client.post(f"/claims/{claim.pk}/review/", {"rating": foreign_rating.pk, "confidence": 2}, **HTMX)

    assert tag.status_code == 404
    assert verdict.status_code == 404
    assert state() == before


def test_the_article_list_and_search_show_an_outsider_nothing_of_this_team(outsider, article, claim):
    client = client_for(outsider)
    for url in ["/articles/", "/articles/?q=Volnovakha", "/articles/?q=Russian"]:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Terrible Mistake" not in html
        assert f"/articles/{article.pk}/" not in html


def test_an_outsider_cannot_open_this_teams_claim_inside_their_own_article(outsider, other_team, claim):
    with system_actor("tests"):
        own = services.import_article(team=other_team, data=b"Their own story\n\nA body.\n", source="own.txt").article
    response = client_for(outsider).get(f"/articles/{own.pk}/?claim={claim.pk}")

    assert response.status_code == 200
    html = response.content.decode()
    assert SENTENCE not in html
    assert f"Claim #{claim.pk}" not in html


def test_a_former_member_loses_access(reviewer, team, article, claim, evidence):
    reviewer.memberships.filter(team=team).delete()
    client = client_for(reviewer)
    before = state()

    assert client.get(f"/articles/{article.pk}/").status_code == 404
    assert client.get(f"/claims/{claim.pk}/", **HTMX).status_code == 404
    assert client.post(f"/evidence/{evidence.pk}/delete/").status_code == 404
    assert client.post(f"/claims/{claim.pk}/delete/").status_code == 404
    assert state() == before


# --- importing ----------------------------------------------------------------------------------


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("new.txt", b"A brand new story\n\nWith a body.\n", content_type="text/plain")


@pytest.mark.parametrize("role", ["reviewer", "moderator"])
def test_it_returns_403_on_import_to_a_member_who_is_not_owner(request, team, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    before = state()

    page = client.get("/articles/import/")
    post = client.post("/articles/import/", {"files": [upload()]})
    htmx = client.post("/articles/import/", {"files": [upload()]}, **HTMX)

    for response in (page, post, htmx):
        assert response.status_code == 403
        assert "Only a team owner may import articles." in response.content.decode()
    assert not Article.objects.filter(title="A brand new story").exists()
    assert state() == before


def test_it_returns_403_on_import_to_a_user_without_a_team(db):
    from tests.conftest import make_user

    response = client_for(make_user("nobody")).get("/articles/import/")
    assert response.status_code == 403


def test_an_owner_can_import_into_their_team(owner, team):
    response = client_for(owner).post("/articles/import/", {"files": [upload()]}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="import-results">')
    assert "imported as “A brand new story”" in html
    assert Article.objects.get(title="A brand new story").team == team


def test_an_outsider_owner_imports_into_their_own_team_only(outsider, other_team, team):
    response = client_for(outsider).post("/articles/import/", {"files": [upload()]})
    assert response.status_code == 200
    assert Article.objects.get(title="A brand new story").team == other_team
    assert not Article.objects.filter(team=team).exists()
