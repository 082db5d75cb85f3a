"""History pages of an article, a claim and a verdict, and the team's activity feed."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews import services
from reviews.services import moderation as workflow
from tests.conftest import HTMX, RATIONALE, client_for


def diff_row(label: str, old: str, new: str) -> re.Pattern:
    """A diff row: the field's label, then its old value, an arrow and its new value."""
    return re.compile(
        rf"<th scope=\"row\">{label}</th>\s*<td class=\"old\">.*?{old}.*?</td>\s*"
        rf"<td class=\"arrow\"[^>]*>→</td>\s*<td class=\"new\">.*?{new}.*?</td>",
        re.DOTALL,
    )


def rate_mixed(review, reviewer, rating_mixed):
    return services.save_review(
        user=reviewer, claim=review.claim, rating=rating_mixed, rationale=review.rationale, confidence=2
    )


# --- the verdict's history ---------------------------------------------------------------------


def test_the_review_history_shows_a_rating_change_in_words(review, reviewer, rating_mixed):
    rate_mixed(review, reviewer, rating_mixed)

    response = client_for(reviewer).get(f"/reviews/{review.pk}/history/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert diff_row("rating", "False", "Mixed").search(html)
    assert "rita</strong> changed rating of a verdict" in html
    assert "rita</strong> added a verdict" in html
    assert "rating_id" not in html and "{&quot;" not in html  # no field names or JSON for the reader


def test_the_review_history_is_newest_first_and_shows_added_evidence(evidence, review, reviewer, rating_mixed):
    rate_mixed(review, reviewer, rating_mixed)

    html = client_for(reviewer).get(f"/reviews/{review.pk}/history/").content.decode()

    assert html.index("changed rating of a verdict") < html.index("added evidence") < html.index("added a verdict")
    assert "https://example.org/interfax-report" in html
    assert "Refutes" in html


def test_the_review_history_answers_htmx_with_its_rows_only(review, reviewer):
    response = client_for(reviewer).get(f"/reviews/{review.pk}/history/", **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="history-rows">')
    assert "<html" not in html
    assert RATIONALE in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_a_long_rationale_is_shortened_with_the_full_text_to_expand(claim, reviewer, rating_false):
    long_text = "The figure comes from one channel. " * 12
    review = services.save_review(user=reviewer, claim=claim, rating=rating_false, rationale=long_text, confidence=2)

    html = client_for(reviewer).get(f"/reviews/{review.pk}/history/").content.decode()

    assert '<details class="long-value">' in html
    assert long_text.strip() in html
    assert "…</summary>" in html


def test_a_moderators_decision_shows_the_state_and_the_reason(review, reviewer, moderator):
    workflow.submit_review(user=reviewer, review=review)
    workflow.decide_review(user=moderator, review=review, action="request_changes", reason="Cite the ministry.")

    html = client_for(reviewer).get(f"/reviews/{review.pk}/history/").content.decode()

    assert "mona</strong> moved a verdict to changes requested" in html
    assert "Reason: Cite the ministry." in html
    assert diff_row("state", "Submitted", "Changes requested").search(html)
    assert diff_row("decided by", "—", "mona").search(html)


def test_another_reviewer_cannot_see_a_review_history_before_submitting_their_own(
    review, claim, reviewer2, rating_mixed
):
    client = client_for(reviewer2)
    assert client.get(f"/reviews/{review.pk}/history/").status_code == 404

    mine = services.save_review(user=reviewer2, claim=claim, rating=rating_mixed, rationale="", confidence=1)
    assert client.get(f"/reviews/{review.pk}/history/").status_code == 404  # a draft is not enough

    workflow.submit_review(user=reviewer2, review=mine)
    response = client.get(f"/reviews/{review.pk}/history/")
    assert response.status_code == 200
    assert RATIONALE in response.content.decode()


def test_moderators_and_owners_see_a_review_history(review, moderator, owner):
    assert client_for(moderator).get(f"/reviews/{review.pk}/history/").status_code == 200
    assert client_for(owner).get(f"/reviews/{review.pk}/history/").status_code == 200


# --- the claim's and the article's history ------------------------------------------------------


def test_the_claim_history_covers_its_comments_and_assignments_but_not_other_claims(
    article, claim, category, moderator, reviewer2
):
    workflow.add_comment(user=moderator, claim=claim, body="Check the date of the report.")
    workflow.assign(user=moderator, article=article, claim=claim, assignee=reviewer2)
    start = article.body.index("according to reports")
    other = services.tag_claim(user=moderator, article=article, start=start, end=start + 9, category=category)
    workflow.add_comment(user=moderator, claim=other, body="A comment on another claim.")

    response = client_for(moderator).get(f"/claims/{claim.pk}/history/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "rita</strong> added the claim" in html
    assert "mona</strong> added a comment" in html
    assert "Check the date of the report." in html
    assert "mona</strong> added an assignment" in html
    assert re.search(
        r"<th scope=\"row\">assignee</th>\s*<td class=\"new\" colspan=\"3\"><span class=\"value\">remy", html
    )
    assert "A comment on another claim." not in html


def test_the_claim_history_answers_htmx_with_its_rows_only(claim, reviewer):
    response = client_for(reviewer).get(f"/claims/{claim.pk}/history/", **HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="history-rows">')
    assert "rita</strong> added the claim" in html
    assert "Casualty figures" in html  # the category by name, not by id


def test_the_claim_history_hides_status_changes_by_others_from_a_blind_reviewer(review, claim, reviewer2, rating_mixed):
    client = client_for(reviewer2)
    html = client.get(f"/claims/{claim.pk}/history/").content.decode()
    assert "rita</strong> added the claim" in html
    assert "to in review" not in html

    mine = services.save_review(user=reviewer2, claim=claim, rating=rating_mixed, rationale="", confidence=1)
    workflow.submit_review(user=reviewer2, review=mine)

    html = client.get(f"/claims/{claim.pk}/history/").content.decode()
    assert re.search(r"rita</strong> moved the claim “[^<]*” to in review", html)


def test_the_claim_history_pages_fifty_at_a_time(claim, reviewer):
    for number in range(55):
        workflow.add_comment(user=reviewer, claim=claim, body=f"Comment number {number}.")
    client = client_for(reviewer)

    first = client.get(f"/claims/{claim.pk}/history/").content.decode()
    second = client.get(f"/claims/{claim.pk}/history/?page=2", **HTMX).content.decode()

    assert "Page 1 of 2" in first
    assert "Comment number 54." in first and "Comment number 4." not in first
    assert "Comment number 4." in second and "rita</strong> added the claim" in second
    assert 'hx-get="?page=1"' in second


def test_the_article_history_shows_an_edit_field_by_field(article, moderator):
    services.update_article(
        user=moderator, article=article, title="A shorter title", outlet_name="Kyiv Desk", source="001.txt"
    )

    response = client_for(moderator).get(f"/articles/{article.pk}/history/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "mona</strong> changed title, outlet of the article" in html
    assert diff_row("title", "Russian Soldiers Admit", "A shorter title").search(html)
    assert diff_row("outlet", "—", "Kyiv Desk").search(html)
    assert "tests (system)</strong> added the article" in html


def test_the_article_history_answers_htmx_with_its_rows_only(article, reviewer):
    response = client_for(reviewer).get(f"/articles/{article.pk}/history/", **HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="history-rows">')
    assert "added the article" in html


def test_the_reader_links_to_the_article_history(article, reviewer):
    html = client_for(reviewer).get(f"/articles/{article.pk}/").content.decode()

    assert f'href="/articles/{article.pk}/history/"' in html


@pytest.mark.parametrize("kind", ["articles", "claims", "reviews"])
def test_an_outsider_gets_404_for_each_history(kind, article, claim, review, outsider):
    pk = {"articles": article.pk, "claims": claim.pk, "reviews": review.pk}[kind]

    assert client_for(outsider).get(f"/{kind}/{pk}/history/").status_code == 404
    assert client_for(outsider).get(f"/{kind}/{pk}/history/", **HTMX).status_code == 404


def test_history_pages_need_a_login(article):
    response = Client().get(f"/articles/{article.pk}/history/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- the team's activity feed -------------------------------------------------------------------


@pytest.fixture
def busy_claim(review, claim, reviewer, moderator, reviewer2, article, rating_mixed):
    """Rita's verdict changed and submitted, a comment by mona, remy assigned and withdrawn."""
    rate_mixed(review, reviewer, rating_mixed)
    workflow.submit_review(user=reviewer, review=review)
    workflow.add_comment(user=moderator, claim=claim, body="Looks solid.")
    assignment = workflow.assign(user=moderator, article=article, claim=claim, assignee=reviewer2)
    workflow.unassign(user=moderator, assignment=assignment)
    return claim


def test_a_reviewer_gets_403_on_the_activity_feed(reviewer):
    response = client_for(reviewer).get("/activity/")

    assert response.status_code == 403
    assert "Only a team moderator or owner" in response.content.decode()


def test_the_activity_feed_lists_the_teams_changes_newest_first(busy_claim, moderator, review):
    response = client_for(moderator).get("/activity/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert html.index("mona</td>") < html.index("rita</td>")
    assert "removed an assignment" in html
    assert "moved a verdict to submitted" in html
    assert f'href="/reviews/{review.pk}/history/"' in html
    assert f'href="/claims/{busy_claim.pk}/history/"' in html


def test_the_activity_feed_answers_htmx_with_its_rows_only(busy_claim, owner):
    response = client_for(owner).get("/activity/?action=delete", **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="activity-rows">')
    assert "removed an assignment" in html
    assert "added a comment" not in html


def test_the_activity_feed_leaves_out_other_teams(busy_claim, moderator, outsider, other_team):
    services.save_category(user=outsider, team=other_team, category=None, name="Elsewhere only", colour="#123456")

    html = client_for(moderator).get("/activity/").content.decode()

    assert "Elsewhere only" not in html


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ("actor=user:mona", "added a comment", "moved a verdict to submitted"),
        ("action=delete", "removed an assignment", "added a comment"),
        ("object_type=reviews.comment", "added a comment", "removed an assignment"),
        ("actor=user:rita&object_type=reviews.review", "changed rating of a verdict", "added the claim"),
    ],
)
def test_the_activity_filters_narrow_the_rows(busy_claim, moderator, query, present, absent):
    html = client_for(moderator).get(f"/activity/?{query}").content.decode()

    assert present in html
    assert absent not in html


def test_the_activity_date_range_narrows_the_rows(busy_claim, moderator):
    today = timezone.localdate()
    client = client_for(moderator)

    assert "added a comment" in client.get(f"/activity/?date_from={today}&date_to={today}").content.decode()
    tomorrow = today + datetime.timedelta(days=1)
    html = client.get(f"/activity/?date_from={tomorrow}").content.decode()
    assert "added a comment" not in html and "No changes match." in html
    yesterday = today - datetime.timedelta(days=1)
    assert "No changes match." in client.get(f"/activity/?date_to={yesterday}").content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=31/02/2025", "Give the “from” date as YYYY-MM-DD"),
        ("date_to=yesterday", "Give the “to” date as YYYY-MM-DD"),
        ("action=explode", "Choose a change from the list"),
        ("object_type=auth.user", "Choose a kind of item from the list."),
        ("actor=user:nobody", "Choose a person from the list"),
        ("date_from=2025-03-02&date_to=2025-03-01", "The “from” date is after the “to” date."),
    ],
)
def test_invalid_activity_filters_say_what_is_wrong(busy_claim, moderator, query, message):
    for extra in ({}, HTMX):
        response = client_for(moderator).get(f"/activity/?{query}", **extra)

        html = response.content.decode()
        assert response.status_code == 200
        assert message in html
        assert "added a comment" not in html


# --- query budgets ------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def edit_review(review, reviewer, ratings, times: int) -> None:
    for number in range(times):
        services.save_review(
            user=reviewer, claim=review.claim, rating=ratings[number % 2], rationale=f"Take {number}.", confidence=2
        )


def test_the_review_history_query_count_does_not_grow_with_its_rows(
    review, reviewer, rating_false, rating_mixed, moderator
):
    client = client_for(moderator)
    edit_review(review, reviewer, [rating_mixed, rating_false], 2)
    few = count_queries(client, f"/reviews/{review.pk}/history/")
    edit_review(review, reviewer, [rating_mixed, rating_false], 12)
    many = count_queries(client, f"/reviews/{review.pk}/history/")

    assert few == many


def test_the_claim_history_query_count_does_not_grow_with_its_rows(article, claim, moderator, reviewer2):
    client = client_for(moderator)
    workflow.add_comment(user=moderator, claim=claim, body="First.")
    workflow.assign(user=moderator, article=article, claim=claim, assignee=reviewer2)
    few = count_queries(client, f"/claims/{claim.pk}/history/")
    for number in range(12):
        workflow.add_comment(user=reviewer2, claim=claim, body=f"More {number}.")
    many = count_queries(client, f"/claims/{claim.pk}/history/")

    assert few == many


def test_the_article_history_query_count_does_not_grow_with_its_rows(article, moderator):
    client = client_for(moderator)
    for number in range(2):
        services.update_article(
            user=moderator, article=article, title=f"T{number}", outlet_name=f"O{number}", source="a"
        )
    few = count_queries(client, f"/articles/{article.pk}/history/")
    for number in range(2, 14):
        services.update_article(
            user=moderator, article=article, title=f"T{number}", outlet_name=f"O{number}", source="a"
        )
    many = count_queries(client, f"/articles/{article.pk}/history/")

    assert few == many


def test_the_activity_feed_query_count_does_not_grow_with_its_rows(busy_claim, review, moderator, reviewer, owner):
    client = client_for(owner)
    # Queries grow with the kinds of object on the page (one lookup each), never with its rows; the
    # newest 50 events change kinds as rows are added, so the count is taken on one kind.
    workflow.add_comment(user=moderator, claim=busy_claim, body="First.")
    few = count_queries(client, "/activity/?object_type=reviews.comment")
    for number in range(12):
        workflow.add_comment(user=moderator, claim=busy_claim, body=f"More {number}.")
    many = count_queries(client, "/activity/?object_type=reviews.comment")

    assert few == many


def test_a_blind_reviewer_does_not_learn_from_the_claim_history_who_else_is_assigned(
    article, claim, moderator, reviewer, reviewer2
):
    workflow.assign(user=moderator, article=article, claim=claim, assignee=reviewer2)
    workflow.add_comment(user=moderator, claim=claim, body="Both of you, please.")

    blind = client_for(reviewer).get(f"/claims/{claim.pk}/history/").content.decode()
    deciding = client_for(moderator).get(f"/claims/{claim.pk}/history/").content.decode()

    assert "Both of you, please." in blind
    assert "added an assignment" not in blind
    assert "added an assignment" in deciding


def test_the_activity_feed_takes_the_last_representable_day(moderator, review):
    response = client_for(moderator).get("/activity/?date_to=9999-12-31")

    assert response.status_code == 200
    assert "added a verdict" in response.content.decode()
