"""Integrity under stale copies, frozen reviews, deleted teams, bulk admin actions and team scoping."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews import services
from reviews.audit import system_actor
from reviews.models import Article, AuditEvent, Category, Claim, Evidence, Membership, Rating, Review, Role, Team
from tests.conftest import EVIDENCE_URL, HTMX, PASSWORD, SENTENCE, client_for, follow, form_data, row_counts, span_of

EARLIER_SENTENCE = "A Ukrainian serviceman looks on as evacuees cross a destroyed bridge"
GRAIN = "Grain exports resume\n\nShips left the port under escort.\nSource: Odesa Daily\n"


def text_of(response) -> str:
    return response.content.decode()


def result_list(html: str) -> str:
    match = re.search(r'<table id="result_list">(.*?)</table>', html, re.S)
    assert match, "no result list on the page"
    return match.group(1)


def delete_events(obj) -> int:
    return AuditEvent.objects.for_object(obj).filter(action=AuditEvent.Action.DELETE).count()


# --- removing the same thing twice from two stale copies ----------------------------------------


def test_removing_the_same_evidence_twice_refuses_the_second_and_records_one_delete(evidence, reviewer):
    first, second = Evidence.objects.get(pk=evidence.pk), Evidence.objects.get(pk=evidence.pk)
    services.remove_evidence(user=reviewer, evidence=first)

    with pytest.raises(services.ActionRefused, match="already removed"):
        services.remove_evidence(user=reviewer, evidence=second)

    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert delete_events(evidence) == 1


def test_removing_the_same_claim_twice_refuses_the_second_and_records_one_delete(claim, reviewer):
    first, second = Claim.objects.get(pk=claim.pk), Claim.objects.get(pk=claim.pk)
    services.delete_claim(user=reviewer, claim=first)

    with pytest.raises(services.ActionRefused, match="already removed"):
        services.delete_claim(user=reviewer, claim=second)

    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert delete_events(claim) == 1


def test_deleting_the_same_article_twice_refuses_the_second_and_records_one_delete(article, owner):
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    services.delete_article(user=owner, article=first)

    with pytest.raises(services.ActionRefused, match="already deleted"):
        services.delete_article(user=owner, article=second)

    assert not Article.objects.filter(pk=article.pk).exists()
    assert delete_events(article) == 1


def test_a_claim_removed_meanwhile_cannot_be_tagged_into_its_deleted_article(article, owner, reviewer, category):
    stale = Article.objects.get(pk=article.pk)
    services.delete_article(user=owner, article=article)
    start, end = span_of(stale, SENTENCE)

    with pytest.raises(services.ActionRefused):
        services.tag_claim(user=reviewer, article=stale, start=start, end=end, category=category)

    assert not Claim.objects.exists()


# --- evidence follows the review's state ---------------------------------------------------------


FROZEN_STATES = [Review.State.SUBMITTED, Review.State.APPROVED, Review.State.REJECTED]


def freeze(review: Review, state: str) -> None:
    """The review moved on in another request; the caller still holds the draft copy."""
    Review.objects.filter(pk=review.pk).update(state=state)


@pytest.mark.parametrize("state", FROZEN_STATES)
def test_evidence_cannot_be_added_once_the_review_is_no_longer_editable(review, reviewer, state):
    freeze(review, state)
    before = row_counts()

    with pytest.raises(services.ActionRefused, match="can no longer be edited"):
        services.add_evidence(user=reviewer, review=review, url="https://example.org/late", stance="supports")

    assert row_counts() == before


@pytest.mark.parametrize("state", FROZEN_STATES)
def test_evidence_cannot_be_changed_once_the_review_is_no_longer_editable(evidence, reviewer, state):
    freeze(evidence.review, state)
    before = row_counts()

    with pytest.raises(services.ActionRefused, match="can no longer be edited"):
        services.update_evidence(
            user=reviewer,
            evidence=evidence,
            url="https://example.org/changed",
            document_ref="",
            excerpt="changed",
            stance="supports",
        )

    stored = Evidence.objects.get(pk=evidence.pk)
    assert (stored.url, stored.excerpt, stored.stance) == (EVIDENCE_URL, "", "refutes")
    assert row_counts() == before


@pytest.mark.parametrize("state", FROZEN_STATES)
def test_evidence_cannot_be_removed_once_the_review_is_no_longer_editable(evidence, reviewer, state):
    freeze(evidence.review, state)
    before = row_counts()

    with pytest.raises(services.ActionRefused, match="can no longer be edited"):
        services.remove_evidence(user=reviewer, evidence=evidence)

    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert row_counts() == before


def test_evidence_can_be_added_again_when_changes_are_requested(review, reviewer):
    freeze(review, Review.State.CHANGES_REQUESTED)

    added = services.add_evidence(user=reviewer, review=review, url="https://example.org/more", stance="supports")

    assert added.review_id == review.pk
    assert Review.objects.get(pk=review.pk).evidence.count() == 1


def test_evidence_on_a_submitted_review_is_refused_through_the_reader_too(reviewer, claim, review, evidence):
    freeze(review, Review.State.SUBMITTED)
    client = client_for(reviewer)
    before = row_counts()

    added = client.post(f"/claims/{claim.pk}/evidence/", {"url": "https://example.org/late", "stance": "context"})
    removed = client.post(f"/evidence/{evidence.pk}/delete/", **HTMX)

    assert "can no longer be edited" in text_of(added)
    assert "can no longer be edited" in text_of(removed)
    assert row_counts() == before


# --- schema.org reviewRating ---------------------------------------------------------------------


def test_a_scored_label_gives_its_value_on_the_teams_scale(rating_false):
    assert rating_false.review_rating() == {
        "@type": "Rating",
        "alternateName": "False",
        "ratingValue": 1,
        "bestRating": 6,
        "worstRating": 1,
    }


def test_an_unscored_label_has_no_rating_value_but_keeps_the_scales_best_and_worst(team):
    unverifiable = Rating.objects.get(team=team, slug="unverifiable")

    rating = unverifiable.review_rating()

    assert "ratingValue" not in rating
    assert rating == {"@type": "Rating", "alternateName": "Unverifiable", "bestRating": 6, "worstRating": 1}


def test_the_scale_is_the_teams_own(team, other_team):
    Rating.objects.filter(team=other_team, slug="true").update(value=10)

    assert Rating.objects.get(team=team, slug="mixed").review_rating()["bestRating"] == 6
    assert Rating.objects.get(team=other_team, slug="mixed").review_rating()["bestRating"] == 10


# --- deleting a team keeps its history ----------------------------------------------------------


def assert_team_history_kept(team_pk: int, article_pk: int, events_before: int) -> None:
    connection.check_constraints()  # what COMMIT would check: no audit row points at a vanished team
    assert not Team.objects.filter(pk=team_pk).exists()
    assert not Article.objects.filter(pk=article_pk).exists()
    assert AuditEvent.objects.count() >= events_before
    deleted = AuditEvent.objects.get(object_type="reviews.article", object_id=str(article_pk), action="delete")
    assert deleted.team_id == team_pk  # the history still says which team it was
    assert AuditEvent.objects.filter(team_id=team_pk, action="create", object_type="reviews.article").exists()


def test_a_superuser_can_delete_a_team_with_articles_claims_and_reviews_and_its_history_stays(
    ada, team, article, claim, review, evidence
):
    team_pk, article_pk = team.pk, article.pk
    events = AuditEvent.objects.count()

    response = ada.post(f"/admin/reviews/team/{team_pk}/delete/", {"post": "yes"})

    assert response.status_code == 302, "the admin refused: " + re.sub(r"<[^>]+>|\s+", " ", text_of(response))[-400:]
    assert_team_history_kept(team_pk, article_pk, events)
    assert delete_events(review) == 1
    assert delete_events(evidence) == 1


def test_a_superuser_can_delete_a_team_with_articles_and_its_history_stays(ada, team, article):
    team_pk, article_pk = team.pk, article.pk
    events = AuditEvent.objects.count()

    response = ada.post(f"/admin/reviews/team/{team_pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert_team_history_kept(team_pk, article_pk, events)


def test_deleting_a_team_with_claims_and_reviews_removes_them_and_keeps_its_history(team, article, claim, evidence):
    team_pk, article_pk, review = team.pk, article.pk, evidence.review

    with system_actor("tests"):
        events = AuditEvent.objects.count()
        team.delete()  # categories and ratings go with the team, and so do the claims and reviews using them

    assert_team_history_kept(team_pk, article_pk, events)
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert delete_events(claim) == 1
    assert delete_events(review) == 1


def test_a_superuser_can_delete_an_article_with_reviews_in_the_admin(ada, article, claim, review, evidence):
    response = ada.post(f"/admin/reviews/article/{article.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302, "the admin refused: " + re.sub(r"<[^>]+>|\s+", " ", text_of(response))[-400:]
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Review.objects.filter(pk=review.pk).exists()
    assert delete_events(review) == 1


def test_an_owner_can_delete_a_claim_with_others_reviews_in_the_admin(ada, claim, review, evidence):
    response = ada.post(f"/admin/reviews/claim/{claim.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302, f"the admin answered {response.status_code}"
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert delete_events(review) == 1
    assert delete_events(evidence) == 1


def test_deleting_a_user_keeps_the_audit_events_naming_them(team, article, reviewer2, category):
    start, end = span_of(article, SENTENCE)
    claim = services.tag_claim(user=reviewer2, article=article, start=start, end=end, category=category)
    services.delete_claim(user=reviewer2, claim=claim)
    user_pk = reviewer2.pk
    events = AuditEvent.objects.filter(actor_id=user_pk).count()

    reviewer2.delete()

    assert events == 2
    assert AuditEvent.objects.filter(actor_id=user_pk, actor_label="user:remy").count() == events


# --- admin bulk delete is all or nothing --------------------------------------------------------


@pytest.fixture
def sam(team):
    """A superuser who is only a reviewer in the team: the services still say what he may do."""
    user = get_user_model().objects.create_superuser(username="sam", password=PASSWORD, email="sam@example.org")
    services.add_member(team=team, user=user, role=Role.REVIEWER)
    return user


def test_a_bulk_delete_in_the_admin_that_is_refused_for_one_claim_deletes_none(sam, article, category, claim):
    start, end = span_of(article, EARLIER_SENTENCE)
    own = services.tag_claim(user=sam, article=article, start=start, end=end, category=category)
    assert own.start < claim.start  # his own claim comes first, so a partial delete would remove it
    client = client_for(sam)
    before = row_counts()

    response = client.post(
        "/admin/reviews/claim/",
        {"action": "delete_selected", "_selected_action": [own.pk, claim.pk], "post": "yes"},
    )

    html = follow(client, response)
    assert "Nothing was changed" in html
    assert "Only the person who marked this claim, or a moderator, may remove it." in html
    assert Claim.objects.filter(pk=own.pk).exists()
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert row_counts() == before


def test_a_bulk_delete_of_articles_in_the_admin_is_all_or_nothing(ada, team, other_team, outsider):
    with system_actor("tests"):
        grain = services.import_article(team=other_team, data=GRAIN.encode(), source="grain.txt").article
        desk = services.import_article(team=team, data=b"Desk story\n\nThe grid held.\n", source="desk.txt").article
    before = row_counts()

    # Newest first: ada's own team's article is deleted before the other team's is refused.
    response = ada.post(
        "/admin/reviews/article/",
        {"action": "delete_selected", "_selected_action": [desk.pk, grain.pk], "post": "yes"},
    )

    assert "Nothing was changed: You are not a member of this team." in follow(ada, response)
    assert Article.objects.filter(pk__in=[desk.pk, grain.pk]).count() == 2
    assert row_counts() == before


# --- admin scoped to the user's teams -----------------------------------------------------------


@pytest.fixture
def two_desks(team, other_team, reviewer, outsider, article, claim, review, evidence):
    """Team B (Elsewhere) with an article, a claim, a review with evidence and its own category."""
    with system_actor("tests"):
        grain = services.import_article(team=other_team, data=GRAIN.encode(), source="grain.txt").article
    Category.objects.create(team=team, name="Desk only category", slug="desk-only")
    elsewhere_category = Category.objects.create(team=other_team, name="Elsewhere only category", slug="else-only")
    start, end = span_of(grain, "Ships left the port")
    grain_claim = services.tag_claim(user=outsider, article=grain, start=start, end=end, category=elsewhere_category)
    grain_review = services.save_review(
        user=outsider,
        claim=grain_claim,
        rating=Rating.objects.get(team=other_team, slug="true"),
        rationale="",
        confidence=2,
    )
    services.add_evidence(user=outsider, review=grain_review, url="https://example.org/elsewhere-proof")
    return {"grain": grain, "grain_claim": grain_claim}


@pytest.fixture
def stella(team, claim):
    """Staff, not superuser, a reviewer in Desk, with every permission of the reviews app; her own review."""
    user = get_user_model().objects.create_user(username="stella", password=PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="reviews"))
    services.add_member(team=team, user=user, role=Role.REVIEWER)
    own = services.save_review(user=user, claim=claim, rating=None, rationale="", confidence=1)
    services.add_evidence(user=user, review=own, url="https://example.org/stella-proof")
    return user


def listed(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return result_list(text_of(response))


def test_staff_see_only_their_own_teams_articles_in_the_admin(two_desks, stella, article):
    rows = listed(client_for(stella), "/admin/reviews/article/")
    assert article.title[:30] in rows
    assert "Grain exports resume" not in rows


def test_staff_see_only_their_own_teams_claims_in_the_admin(two_desks, stella):
    rows = listed(client_for(stella), "/admin/reviews/claim/")
    assert "The seven army reconnaissance" in rows
    assert "Ships left the port" not in rows


def test_staff_see_only_their_own_teams_categories_and_ratings_in_the_admin(two_desks, stella):
    client = client_for(stella)

    categories = listed(client, "/admin/reviews/category/")
    ratings = listed(client, "/admin/reviews/rating/")

    assert "Desk only category" in categories
    assert "Elsewhere" not in categories
    assert "Desk" in ratings
    assert "Elsewhere" not in ratings
    assert ratings.count('name="_selected_action"') == Rating.objects.filter(team__slug="desk").count() == 7


def test_staff_see_only_their_own_teams_audit_events_in_the_admin(two_desks, stella):
    rows = listed(client_for(stella), "/admin/reviews/auditevent/")
    assert "The seven army reconnaissance" in rows
    assert "Grain exports resume" not in rows
    assert "elsewhere-proof" not in rows
    assert "user:otto" not in rows


def test_staff_get_no_change_page_for_another_teams_article(two_desks, stella):
    client = client_for(stella)
    grain = two_desks["grain"]

    response = client.get(f"/admin/reviews/article/{grain.pk}/change/")

    # The admin answers an object outside its queryset by redirecting to its index with a message.
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert "doesn’t exist" in follow(client, response)
    assert client.post(f"/admin/reviews/article/{grain.pk}/delete/", {"post": "yes"}).status_code in (302, 404)
    assert Article.objects.filter(pk=grain.pk).exists()


def test_staff_cannot_see_the_team_and_membership_admins(two_desks, stella, team):
    client = client_for(stella)

    assert client.get("/admin/reviews/team/").status_code == 403
    assert client.get(f"/admin/reviews/team/{team.pk}/change/").status_code == 403
    assert client.get("/admin/reviews/membership/").status_code == 403
    assert client.get("/admin/reviews/membership/add/").status_code == 403
    index = text_of(client.get("/admin/"))
    assert "/admin/reviews/team/" not in index
    assert "/admin/reviews/membership/" not in index


def test_staff_cannot_make_themselves_an_owner_through_the_membership_admin(two_desks, stella, team):
    membership = Membership.objects.get(user=stella, team=team)
    client = client_for(stella)

    response = client.post(
        f"/admin/reviews/membership/{membership.pk}/change/", {"user": stella.pk, "team": team.pk, "role": "owner"}
    )

    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.REVIEWER


def test_a_reviewer_on_staff_sees_only_their_own_reviews_and_evidence_in_the_admin(two_desks, stella, review):
    client = client_for(stella)
    own = Review.objects.get(reviewer=stella)

    reviews = listed(client, "/admin/reviews/review/")
    evidence = listed(client, "/admin/reviews/evidence/")

    assert f"Review #{own.pk} by" in reviews
    assert f"Review #{review.pk} by" not in reviews
    assert f"Review #{two_desks['grain_claim'].reviews.get().pk} by" not in reviews
    assert "stella-proof" in evidence
    assert EVIDENCE_URL not in evidence
    assert "elsewhere-proof" not in evidence
    assert client.get(f"/admin/reviews/review/{review.pk}/change/").status_code in (302, 404)


def test_a_moderator_on_staff_sees_the_teams_reviews_but_not_another_teams(two_desks, stella, review, team):
    services.add_member(team=team, user=stella, role=Role.MODERATOR)
    client = client_for(stella)

    reviews = listed(client, "/admin/reviews/review/")

    assert f"Review #{review.pk} by" in reviews
    assert f"Review #{two_desks['grain_claim'].reviews.get().pk} by" not in reviews


# --- admin article title ------------------------------------------------------------------------


def test_saving_an_article_in_the_admin_with_an_empty_title_keeps_a_title(ada, article):
    original = article.title
    url = f"/admin/reviews/article/{article.pk}/change/"
    data = form_data(ada, url, "article")
    data["title"] = ""

    response = ada.post(url, data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title.strip()
    assert article.title == original  # derived from the same text, or the previous one


def test_updating_an_article_with_a_blank_title_derives_one_from_the_text(article, owner):
    original = article.title

    updated = services.update_article(user=owner, article=article, title="   ", outlet_name="", source="x.txt")

    assert updated.title == original
    assert Article.objects.get(pk=article.pk).title == original


# --- my progress counts verdicts, not empty drafts ----------------------------------------------


def test_my_progress_counts_only_reviews_with_a_rating(reviewer, claim, rating_false):
    client = client_for(reviewer)
    services.save_review(user=reviewer, claim=claim, rating=None, rationale="thinking", confidence=1)

    assert "0/1 reviewed" in text_of(client.get("/articles/"))

    services.save_review(user=reviewer, claim=claim, rating=rating_false, rationale="decided", confidence=2)

    html = text_of(client.get("/articles/"))
    assert "1/1 reviewed" in html
    assert '<progress max="1" value="1"></progress>' in html


# --- the claim panel shows evidence changes made in the admin -----------------------------------


def test_the_claim_panel_history_shows_an_evidence_url_changed_in_the_admin(ada, superuser, claim, own_review):
    item = services.add_evidence(user=superuser, review=own_review, url="https://example.org/first")
    url = f"/admin/reviews/review/{own_review.pk}/change/"
    data = form_data(ada, url, "review")
    assert data["evidence-0-id"] == str(item.pk)
    data["evidence-0-url"] = "https://example.org/second"

    response = ada.post(url, data)

    assert response.status_code == 302
    assert Evidence.objects.get(pk=item.pk).url == "https://example.org/second"
    panel = text_of(ada.get(f"/claims/{claim.pk}/", **HTMX))
    assert "ada changed url of evidence" in panel
    assert "ada added evidence" in panel


def test_the_claim_panel_history_shows_evidence_removed_after_it_was_changed(reviewer, claim, evidence):
    services.update_evidence(
        user=reviewer, evidence=evidence, url="https://example.org/new", document_ref="", excerpt="", stance="refutes"
    )
    services.remove_evidence(user=reviewer, evidence=Evidence.objects.get(pk=evidence.pk))

    panel = text_of(client_for(reviewer).get(f"/claims/{claim.pk}/", **HTMX))

    assert "rita changed url of evidence" in panel
    assert "rita removed evidence" in panel


# --- load_demo ----------------------------------------------------------------------------------


def test_load_demo_twice_keeps_a_demo_users_changed_role_and_the_five_articles(db):
    call_command("load_demo", verbosity=0)
    team = Team.objects.get(slug="newsroom")
    assert Article.objects.filter(team=team).count() == 5
    Membership.objects.filter(team=team, user__username="rita").update(role=Role.MODERATOR)

    call_command("load_demo", verbosity=0)

    assert Membership.objects.get(team=team, user__username="rita").role == Role.MODERATOR
    assert Article.objects.filter(team=team).count() == 5
    assert Article.objects.count() == 5


def _article_with_reviewed_claims(team, owner, claims: int) -> Article:
    with system_actor("tests"):
        article = services.import_article(team=team, data=("word " * 500).encode(), source=f"{claims}.txt").article
    category = team.categories.first()
    rating = team.ratings.first()
    for i in range(claims):
        claim = services.tag_claim(user=owner, article=article, start=i * 10, end=i * 10 + 4, category=category)
        review = services.save_review(user=owner, claim=claim, rating=rating, rationale="", confidence=2)
        services.add_evidence(user=owner, review=review, url="https://example.org/e", stance="context")
    return article


def test_deleting_an_article_costs_one_insert_per_audit_event_and_no_lookups_per_row(team, owner):
    overhead = []
    for claims in (3, 12):
        article = _article_with_reviewed_claims(team, owner, claims)
        events_before = AuditEvent.objects.count()
        with CaptureQueriesContext(connection) as captured:
            services.delete_article(user=owner, article=article)
        events = AuditEvent.objects.count() - events_before
        assert events == 1 + 3 * claims
        overhead.append(len(captured.captured_queries) - events)
    assert overhead[0] == overhead[1]
