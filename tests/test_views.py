"""Every endpoint at its literal URL, as a full page or plain POST and as an htmx request."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reviews import services
from reviews.audit import system_actor
from reviews.models import Article, Claim, Evidence, Rating, Review
from tests.conftest import EVIDENCE_URL, HTMX, RATIONALE, SENTENCE, client_for, follow, row_counts, span_of

OTHER_SENTENCE = "During an emotional news conference on Sunday"
ARTICLE_BODY_TARGET = {**HTMX, "HTTP_HX_TARGET": "article-body"}


# --- local fixtures and helpers -----------------------------------------------------------------


def import_text(team, text: str, source: str = "test.txt") -> Article:
    with system_actor("tests"):
        return services.import_article(team=team, data=text.encode("utf-8"), source=source).article


def text_of(response) -> str:
    return response.content.decode()


def triggers(response) -> dict:
    return json.loads(response["HX-Trigger"])


@pytest.fixture
def other_rating(other_team) -> Rating:
    return Rating.objects.get(team=other_team, slug="false")


@pytest.fixture
def rita(reviewer) -> Client:
    return client_for(reviewer)


# --- login and CSRF -----------------------------------------------------------------------------


def test_it_redirects_anonymous_visitors_to_the_login_page_from_every_url(article, claim, evidence, category):
    urls = [
        ("get", "/articles/"),
        ("get", "/articles/?q=soldiers"),
        ("get", f"/articles/{article.pk}/"),
        ("get", f"/articles/{article.pk}/?claim={claim.pk}"),
        ("get", f"/claims/{claim.pk}/"),
        ("get", "/articles/import/"),
        ("post", f"/articles/{article.pk}/claims/"),
        ("post", f"/claims/{claim.pk}/review/"),
        ("post", f"/claims/{claim.pk}/evidence/"),
        ("post", f"/evidence/{evidence.pk}/delete/"),
        ("post", f"/claims/{claim.pk}/delete/"),
    ]
    data = {"start": 0, "end": 5, "category": category.pk, "url": "https://example.org/x", "confidence": 2}
    before = row_counts()
    anonymous = Client()
    for method, url in urls:
        response = anonymous.post(url, data) if method == "post" else anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url
    assert row_counts() == before


def test_it_sends_an_anonymous_htmx_request_to_the_login_page_as_a_whole_page(article):
    response = Client().get(f"/articles/{article.pk}/", **ARTICLE_BODY_TARGET)
    # Not a 302 that htmx would follow and swap the login form into the fragment's place.
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/login/?next=/articles/{article.pk}/"
    assert response.content == b""


def test_it_refuses_a_post_without_csrf_token_with_403(claim, reviewer, rating_false):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reviewer)
    data = {"rating": rating_false.pk, "rationale": "no token", "confidence": 2}

    plain = strict.post(f"/claims/{claim.pk}/review/", data)
    htmx = strict.post(f"/claims/{claim.pk}/review/", data, **HTMX)

    assert plain.status_code == 403
    assert htmx.status_code == 403
    assert not Review.objects.filter(claim=claim).exists()


def test_it_accepts_the_same_post_with_the_csrf_token_from_the_page(article, claim, reviewer, rating_false):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reviewer)
    strict.get(f"/articles/{article.pk}/?claim={claim.pk}")
    token = strict.cookies["csrftoken"].value
    data = {"rating": rating_false.pk, "rationale": "with token", "confidence": 2}

    response = strict.post(f"/claims/{claim.pk}/review/", data, HTTP_X_CSRFTOKEN=token, **HTMX)

    assert response.status_code == 200
    assert Review.objects.get(claim=claim, reviewer=reviewer).rationale == "with token"


# --- article list -------------------------------------------------------------------------------


@pytest.fixture
def listed(team, owner, reviewer, category, rating_false):
    """Two articles with outlets: one with two claims (one reviewed by rita), one without claims.

    The first one's title was edited, so a word of the title ("Kherson") is not in the body.
    """
    talks = import_text(
        team, "Ceasefire talks stall\n\nDelegates left without agreement on prisoner exchanges.\nSource: Kyiv Wire\n"
    )
    talks = services.update_article(
        user=owner, article=talks, title="Kherson negotiations stall", outlet_name="Kyiv Wire", source="kyiv.txt"
    )
    grain = import_text(
        team, "Grain exports resume\n\nShips loaded with wheat left the port under escort.\nSource: Odesa Daily\n"
    )
    start, end = span_of(talks, "Delegates left")
    first = services.tag_claim(user=reviewer, article=talks, start=start, end=end, category=category)
    start, end = span_of(talks, "prisoner exchanges")
    services.tag_claim(user=reviewer, article=talks, start=start, end=end, category=category)
    services.save_review(user=reviewer, claim=first, rating=rating_false, rationale="", confidence=2)
    return talks, grain


def row_of(html: str, title: str) -> str:
    match = re.search(r"<tr>\s*<td><a [^>]*>" + re.escape(title) + r"</a></td>(.*?)</tr>", html, re.S)
    assert match, f"no row for {title!r}"
    return match.group(1)


def test_the_article_list_shows_title_outlet_claim_count_and_my_progress(rita, listed):
    response = rita.get("/articles/")

    assert response.status_code == 200
    html = text_of(response)
    assert "<html" in html
    talks_row = row_of(html, "Kherson negotiations stall")
    assert "Kyiv Wire" in talks_row
    assert '<td class="num">2</td>' in talks_row
    assert '<progress max="2" value="1"></progress>' in talks_row
    assert "1/2 reviewed" in talks_row
    grain_row = row_of(html, "Grain exports resume")
    assert "Odesa Daily" in grain_row
    assert '<td class="num">0</td>' in grain_row
    assert "no claims yet" in grain_row


def test_the_article_list_shows_progress_per_user(listed, reviewer2):
    html = text_of(client_for(reviewer2).get("/articles/"))
    assert "0/2 reviewed" in row_of(html, "Kherson negotiations stall")


def test_the_article_list_searches_titles(rita, listed):
    html = text_of(rita.get("/articles/?q=kherson"))
    assert "Kherson negotiations stall" in html
    assert "Grain exports resume" not in html


def test_the_article_list_searches_body_text(rita, listed):
    html = text_of(rita.get("/articles/?q=WHEAT"))
    assert "Grain exports resume" in html
    assert "Kherson negotiations stall" not in html


def test_the_article_list_says_when_nothing_matches(rita, listed):
    response = rita.get("/articles/?q=zeppelin")
    assert response.status_code == 200
    assert "No article matches “zeppelin”." in text_of(response)


def test_the_article_list_returns_only_the_results_fragment_to_htmx(rita, listed):
    response = rita.get("/articles/?q=wheat", **HTMX)

    assert response.status_code == 200
    html = text_of(response)
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html
    assert "Grain exports resume" in html
    assert "Kherson negotiations stall" not in html


def test_the_article_list_hides_other_teams_articles(rita, listed, other_team):
    import_text(other_team, "Secret elsewhere story\n\nNothing to see.\n")
    html = text_of(rita.get("/articles/"))
    assert "Secret elsewhere story" not in html
    assert "Grain exports resume" in html


def test_an_oversized_search_is_ignored_not_an_error(rita, listed):
    response = rita.get("/articles/?q=" + "x" * 500)
    assert response.status_code == 200
    assert "Grain exports resume" in text_of(response)


# --- reader -------------------------------------------------------------------------------------


def test_the_reader_shows_the_article_with_its_claims(rita, article, claim):
    response = rita.get(f"/articles/{article.pk}/")

    assert response.status_code == 200
    html = text_of(response)
    assert "<html" in html
    assert "Volnovakha" in html
    assert f'data-claim="{claim.pk}"' in html
    assert 'id="tag-form"' in html
    assert "Select a sentence in the article" in html  # the empty panel


def test_the_reader_returns_only_the_article_body_fragment_to_htmx(rita, article, claim):
    response = rita.get(f"/articles/{article.pk}/", **ARTICLE_BODY_TARGET)

    assert response.status_code == 200
    html = text_of(response)
    assert html.lstrip().startswith('<div id="article-body"')
    assert "<html" not in html
    assert 'id="tag-form"' not in html
    assert f'data-claim="{claim.pk}"' in html


def test_the_reader_body_fragment_marks_the_selected_claim_for_htmx(rita, article, claim, review):
    response = rita.get(f"/articles/{article.pk}/?claim={claim.pk}", **ARTICLE_BODY_TARGET)

    assert response.status_code == 200
    html = text_of(response)
    assert html.lstrip().startswith('<div id="article-body"')
    assert "<html" not in html
    assert f'data-selected="{claim.pk}"' in html
    assert "hl-selected" in html
    assert '<span class="verdict v-false">False</span>' in html


def test_the_reader_opens_the_panel_of_the_selected_claim(rita, article, claim, review, evidence):
    response = rita.get(f"/articles/{article.pk}/?claim={claim.pk}")

    assert response.status_code == 200
    html = text_of(response)
    assert f"Claim #{claim.pk}" in html
    assert RATIONALE in html
    assert EVIDENCE_URL in html
    assert "hl-selected" in html


def test_the_reader_ignores_a_claim_parameter_that_is_not_a_number(rita, article, claim):
    response = rita.get(f"/articles/{article.pk}/?claim=abc")
    assert response.status_code == 200
    assert f"Claim #{claim.pk}" not in text_of(response)


@pytest.mark.parametrize(
    "value",
    ["²", "١", "99999999999999999999999", "-1", "1.5", ""],
    ids=["superscript-two", "arabic-indic-one", "overflow", "negative", "decimal", "empty"],
)
def test_the_reader_ignores_a_claim_parameter_that_is_no_claim_id_without_error(rita, article, claim, value):
    rita.raise_request_exception = False  # a crash must show as a 500 here, not as an exception
    response = rita.get(f"/articles/{article.pk}/", {"claim": value})
    assert response.status_code == 200
    assert "Volnovakha" in text_of(response)


def test_the_reader_ignores_a_claim_of_another_article(rita, team, article, claim, reviewer, category):
    other = import_text(team, "Another headline\n\nAnother body of text entirely.\n")
    other_claim = services.tag_claim(user=reviewer, article=other, start=0, end=7, category=category)
    response = rita.get(f"/articles/{article.pk}/?claim={other_claim.pk}")
    assert response.status_code == 200
    assert f"Claim #{other_claim.pk}" not in text_of(response)


def test_the_reader_returns_404_for_an_unknown_article(rita):
    assert rita.get("/articles/999999/").status_code == 404


# --- claim panel --------------------------------------------------------------------------------


def test_the_claim_panel_returns_the_panel_fragment_to_htmx(rita, claim, review):
    response = rita.get(f"/claims/{claim.pk}/", **HTMX)

    assert response.status_code == 200
    html = text_of(response)
    assert html.lstrip().startswith('<section id="claim-panel"')
    assert "<html" not in html
    assert SENTENCE in html
    assert RATIONALE in html
    assert "HX-Trigger" not in response


def test_the_claim_panel_redirects_a_full_page_request_to_the_reader(rita, article, claim):
    response = rita.get(f"/claims/{claim.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/?claim={claim.pk}#claim-panel"


# --- tagging claims -----------------------------------------------------------------------------


def tag_data(article, category, text=SENTENCE, **extra) -> dict:
    start, end = span_of(article, text)
    return {"start": start, "end": end, "quote": article.body[start:end], "category": category.pk, **extra}


def test_tagging_a_claim_by_plain_post_redirects_to_its_panel_with_a_message(rita, article, category, reviewer):
    response = rita.post(f"/articles/{article.pk}/claims/", tag_data(article, category, note="check the count"))

    claim = Claim.objects.get(article=article)
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/?claim={claim.pk}#claim-panel"
    assert claim.quote == SENTENCE
    assert claim.note == "check the count"
    assert claim.created_by == reviewer
    assert "Claim tagged." in follow(rita, response)


def test_tagging_a_claim_by_plain_post_works_with_offsets_alone(rita, article, category):
    data = tag_data(article, category)
    del data["quote"]
    response = rita.post(f"/articles/{article.pk}/claims/", data)
    assert response.status_code == 302
    assert Claim.objects.get(article=article).quote == SENTENCE


def test_tagging_a_claim_through_htmx_returns_the_panel_and_triggers_claims_changed(rita, article, category):
    response = rita.post(f"/articles/{article.pk}/claims/", tag_data(article, category), **HTMX)

    claim = Claim.objects.get(article=article)
    assert response.status_code == 200
    assert triggers(response) == {"claimsChanged": {"claim": claim.pk}}
    html = text_of(response)
    assert html.lstrip().startswith('<section id="claim-panel"')
    assert f"Claim #{claim.pk}" in html
    assert "<html" not in html


def test_tagging_the_same_span_twice_through_htmx_returns_the_error_fragment(rita, article, category, claim):
    before = row_counts()
    response = rita.post(f"/articles/{article.pk}/claims/", tag_data(article, category), **HTMX)

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#tag-error"
    assert "HX-Trigger" not in response
    html = text_of(response)
    assert html.strip().startswith('<div id="tag-error"')
    assert "This exact span is already tagged as “Casualty figures”." in html
    assert row_counts() == before


def test_tagging_the_same_span_twice_by_plain_post_redirects_with_an_error(rita, article, category, claim):
    before = row_counts()
    response = rita.post(f"/articles/{article.pk}/claims/", tag_data(article, category))

    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/"
    assert "This exact span is already tagged as “Casualty figures”." in follow(rita, response)
    assert row_counts() == before


def test_tagging_the_same_span_in_another_category_is_allowed(rita, article, claim, team):
    other_category = team.categories.get(slug="attribution-chain")
    response = rita.post(f"/articles/{article.pk}/claims/", tag_data(article, other_category), **HTMX)
    assert response.status_code == 200
    assert "claimsChanged" in response["HX-Trigger"]
    assert article.claims.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quote": "something else entirely"}, "The selection does not match the article text"),
        ({"start": 10, "end": 10}, "Select some text first: the span is empty."),
        ({"start": 0, "end": 10_000_000, "quote": ""}, "Cannot tag this span"),
        ({"start": "abc"}, "Enter a whole number."),
        ({"category": 999999}, "Select a valid choice."),
    ],
)
def test_tagging_a_bad_selection_is_refused_with_a_message(rita, article, category, change, message):
    data = {**tag_data(article, category), **change}

    htmx = rita.post(f"/articles/{article.pk}/claims/", data, **HTMX)
    plain = rita.post(f"/articles/{article.pk}/claims/", data)

    assert htmx.status_code == 200
    assert htmx["HX-Retarget"] == "#tag-error"
    assert message in text_of(htmx)
    assert message in follow(rita, plain)
    assert not Claim.objects.exists()


def test_tagging_with_another_teams_category_is_refused(rita, article, other_team):
    foreign = other_team.categories.get(slug="casualty-figures")
    response = rita.post(f"/articles/{article.pk}/claims/", tag_data(article, foreign), **HTMX)
    assert response["HX-Retarget"] == "#tag-error"
    assert "Select a valid choice." in text_of(response)
    assert not Claim.objects.exists()


# --- reviews ------------------------------------------------------------------------------------


def test_saving_a_verdict_by_plain_post_redirects_with_a_message(rita, article, claim, rating_false, reviewer):
    data = {"rating": rating_false.pk, "rationale": "  Not army scouts.  ", "confidence": 3}
    response = rita.post(f"/claims/{claim.pk}/review/", data)

    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/?claim={claim.pk}#claim-panel"
    review = Review.objects.get(claim=claim, reviewer=reviewer)
    assert (review.rating, review.rationale, review.confidence) == (rating_false, "Not army scouts.", 3)
    assert "Verdict saved." in follow(rita, response)


def test_saving_a_verdict_through_htmx_returns_the_panel_and_triggers_claims_changed(rita, claim, rating_false):
    data = {"rating": rating_false.pk, "rationale": "Not army scouts.", "confidence": 2}
    response = rita.post(f"/claims/{claim.pk}/review/", data, **HTMX)

    assert response.status_code == 200
    assert triggers(response) == {"claimsChanged": {"claim": claim.pk}}
    html = text_of(response)
    assert html.lstrip().startswith('<section id="claim-panel"')
    assert "Not army scouts." in html
    assert "Draft" in html
    assert Review.objects.get(claim=claim).rating == rating_false


def test_saving_a_verdict_again_updates_the_same_review(rita, claim, review, team):
    mixed = team.ratings.get(slug="mixed")
    response = rita.post(f"/claims/{claim.pk}/review/", {"rating": mixed.pk, "rationale": "", "confidence": 1}, **HTMX)
    assert response.status_code == 200
    review.refresh_from_db()
    assert (review.rating, review.rationale, review.confidence) == (mixed, "", 1)
    assert Review.objects.filter(claim=claim).count() == 1


def test_a_rating_from_another_team_is_refused_and_nothing_saved(rita, claim, review, other_rating, rating_false):
    before = row_counts()
    data = {"rating": other_rating.pk, "rationale": "changed", "confidence": 2}

    htmx = rita.post(f"/claims/{claim.pk}/review/", data, **HTMX)
    plain = rita.post(f"/claims/{claim.pk}/review/", data)

    assert htmx.status_code == 200
    assert "HX-Trigger" not in htmx
    assert "Select a valid choice. That choice is not one of the available choices." in text_of(htmx)
    assert plain.status_code == 200
    assert "<html" in text_of(plain)
    assert "Select a valid choice. That choice is not one of the available choices." in text_of(plain)
    review.refresh_from_db()
    assert (review.rating, review.rationale) == (rating_false, RATIONALE)
    assert row_counts() == before


def test_an_oversized_rationale_is_refused_and_nothing_changes(rita, claim, review, rating_false):
    before = row_counts()
    data = {"rating": rating_false.pk, "rationale": "x" * 10_001, "confidence": 2}

    htmx = rita.post(f"/claims/{claim.pk}/review/", data, **HTMX)
    plain = rita.post(f"/claims/{claim.pk}/review/", data)

    message = "Ensure this value has at most 10000 characters (it has 10001)."
    assert htmx.status_code == 200
    assert "HX-Trigger" not in htmx
    assert message in text_of(htmx)
    assert plain.status_code == 200
    assert message in text_of(plain)
    review.refresh_from_db()
    assert review.rationale == RATIONALE
    assert row_counts() == before


def test_a_rationale_of_exactly_10000_characters_is_accepted(rita, claim, rating_false):
    data = {"rating": rating_false.pk, "rationale": "x" * 10_000, "confidence": 2}
    response = rita.post(f"/claims/{claim.pk}/review/", data, **HTMX)
    assert response.status_code == 200
    assert len(Review.objects.get(claim=claim).rationale) == 10_000


def test_an_unknown_confidence_is_refused(rita, claim, rating_false):
    response = rita.post(f"/claims/{claim.pk}/review/", {"rating": rating_false.pk, "confidence": 7}, **HTMX)
    assert response.status_code == 200
    assert "Select a valid choice. 7 is not one of the available choices." in text_of(response)
    assert not Review.objects.exists()


def test_a_submitted_review_can_no_longer_be_edited(rita, claim, review, team):
    Review.objects.filter(pk=review.pk).update(state=Review.State.SUBMITTED)
    mixed = team.ratings.get(slug="mixed")
    data = {"rating": mixed.pk, "rationale": "changed my mind", "confidence": 2}

    htmx = rita.post(f"/claims/{claim.pk}/review/", data, **HTMX)
    plain = rita.post(f"/claims/{claim.pk}/review/", data)

    message = "This review is submitted and can no longer be edited."
    assert message in text_of(htmx)
    assert "HX-Trigger" not in htmx
    assert message in text_of(plain)
    review.refresh_from_db()
    assert review.rationale == RATIONALE


# --- evidence -----------------------------------------------------------------------------------


def test_adding_evidence_by_plain_post_redirects_with_a_message(rita, article, claim, review, reviewer):
    data = {"url": "https://example.org/video", "excerpt": "at 1:32", "stance": "supports"}
    response = rita.post(f"/claims/{claim.pk}/evidence/", data)

    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/?claim={claim.pk}#claim-panel"
    item = review.evidence.get()
    assert (item.url, item.excerpt, item.stance, item.added_by) == (
        "https://example.org/video",
        "at 1:32",
        "supports",
        reviewer,
    )
    assert "Evidence added." in follow(rita, response)


def test_adding_evidence_through_htmx_returns_the_panel_and_triggers_claims_changed(rita, claim, review):
    data = {"document_ref": "Interfax transcript, 6 March", "stance": "context"}
    response = rita.post(f"/claims/{claim.pk}/evidence/", data, **HTMX)

    assert response.status_code == 200
    assert triggers(response) == {"claimsChanged": {"claim": claim.pk}}
    assert "Interfax transcript, 6 March" in text_of(response)
    assert review.evidence.get().document_ref == "Interfax transcript, 6 March"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "ftp://files.example.org/report.pdf",
    ],
)
def test_evidence_links_other_than_http_are_refused_and_nothing_saved(rita, claim, review, url):
    before = row_counts()
    data = {"url": url, "stance": "supports"}

    htmx = rita.post(f"/claims/{claim.pk}/evidence/", data, **HTMX)
    plain = rita.post(f"/claims/{claim.pk}/evidence/", data)

    assert htmx.status_code == 200
    assert "HX-Trigger" not in htmx
    assert "Enter an http:// or https:// link." in text_of(htmx)
    assert plain.status_code == 200
    assert "Enter an http:// or https:// link." in text_of(plain)
    assert not Evidence.objects.exists()
    assert row_counts() == before


def test_evidence_without_link_or_document_is_refused(rita, claim, review):
    response = rita.post(f"/claims/{claim.pk}/evidence/", {"excerpt": "just words", "stance": "context"}, **HTMX)
    assert response.status_code == 200
    assert "Give a link or a document reference." in text_of(response)
    assert not Evidence.objects.exists()


def test_evidence_before_a_verdict_is_refused(rita, claim):
    data = {"url": "https://example.org/a", "stance": "context"}
    htmx = rita.post(f"/claims/{claim.pk}/evidence/", data, **HTMX)
    plain = rita.post(f"/claims/{claim.pk}/evidence/", data)
    # The panel has no evidence form yet; it says what to do instead.
    assert htmx.status_code == plain.status_code == 200
    assert "HX-Trigger" not in htmx
    assert "verdict first" in text_of(htmx)
    assert "verdict first" in text_of(plain)
    assert not Evidence.objects.exists()


def test_an_oversized_excerpt_is_refused(rita, claim, review):
    data = {"url": "https://example.org/a", "excerpt": "y" * 5_001, "stance": "context"}
    response = rita.post(f"/claims/{claim.pk}/evidence/", data, **HTMX)
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters (it has 5001)." in text_of(response)
    assert not Evidence.objects.exists()


def test_removing_evidence_by_plain_post_redirects_with_a_message(rita, article, claim, evidence):
    response = rita.post(f"/evidence/{evidence.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/?claim={claim.pk}#claim-panel"
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert "Evidence removed." in follow(rita, response)


def test_removing_evidence_through_htmx_returns_the_panel_and_triggers_claims_changed(rita, claim, evidence):
    response = rita.post(f"/evidence/{evidence.pk}/delete/", **HTMX)

    assert response.status_code == 200
    assert triggers(response) == {"claimsChanged": {"claim": claim.pk}}
    assert EVIDENCE_URL not in text_of(response)
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_removing_unknown_evidence_gives_404(rita):
    assert rita.post("/evidence/999999/delete/").status_code == 404


# --- removing claims ----------------------------------------------------------------------------


def test_removing_a_claim_by_plain_post_redirects_to_the_reader_with_a_message(rita, article, claim, evidence):
    response = rita.post(f"/claims/{claim.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/"
    assert not Claim.objects.exists()
    assert not Review.objects.exists()
    assert not Evidence.objects.exists()
    assert "Claim removed." in follow(rita, response)


def test_removing_a_claim_through_htmx_returns_the_empty_panel_and_triggers_claims_changed(rita, claim):
    response = rita.post(f"/claims/{claim.pk}/delete/", **HTMX)

    assert response.status_code == 200
    assert triggers(response) == {"claimsChanged": {"claim": None}}
    html = text_of(response)
    assert html.lstrip().startswith('<section id="claim-panel" class="panel empty-panel">')
    assert "Claim removed." in html
    assert not Claim.objects.exists()


def test_only_post_is_allowed_on_changing_urls(rita, article, claim, evidence):
    for url in [
        f"/articles/{article.pk}/claims/",
        f"/claims/{claim.pk}/review/",
        f"/claims/{claim.pk}/evidence/",
        f"/evidence/{evidence.pk}/delete/",
        f"/claims/{claim.pk}/delete/",
    ]:
        assert rita.get(url).status_code == 405, url
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert Claim.objects.filter(pk=claim.pk).exists()


# --- query counts -------------------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_reviewed_claims(article, user, categories, ratings, total: int) -> None:
    """Bring the article up to `total` claims, each reviewed by the user with a rating."""
    spans = [m.span() for m in re.finditer(r"\w+", article.body)]
    existing = article.claims.count()
    for index in range(existing, total):
        start, end = spans[index]
        claim = services.tag_claim(
            user=user, article=article, start=start, end=end, category=categories[index % len(categories)]
        )
        services.save_review(
            user=user, claim=claim, rating=ratings[index % len(ratings)], rationale=f"#{index}", confidence=2
        )


def test_the_reader_issues_the_same_number_of_queries_for_5_and_200_claims(rita, article, reviewer, team):
    categories = list(team.categories.all())
    ratings = list(team.ratings.all())
    url = f"/articles/{article.pk}/"
    add_reviewed_claims(article, reviewer, categories, ratings, 5)
    rita.get(url)  # warm up caches that are not per request

    with_5 = count_queries(rita, url)
    add_reviewed_claims(article, reviewer, categories, ratings, 200)
    with_200 = count_queries(rita, url)

    assert article.claims.count() == 200
    assert Review.objects.filter(reviewer=reviewer, claim__article=article).count() == 200
    assert with_5 == with_200


def test_the_reader_with_a_selected_claim_issues_the_same_number_of_queries_for_5_and_200_claims(
    rita, article, reviewer, team
):
    categories = list(team.categories.all())
    ratings = list(team.ratings.all())
    add_reviewed_claims(article, reviewer, categories, ratings, 5)
    url = f"/articles/{article.pk}/?claim={article.claims.first().pk}"
    rita.get(url)

    with_5 = count_queries(rita, url)
    add_reviewed_claims(article, reviewer, categories, ratings, 200)
    with_200 = count_queries(rita, url)

    assert with_5 == with_200


def add_articles(team, user, category, rating, total: int) -> None:
    """Bring the team up to `total` articles, each with an outlet and a claim reviewed by the user."""
    for index in range(Article.objects.filter(team=team).count(), total):
        article = import_text(team, f"Story number {index}\n\nBody of story {index}.\nSource: Outlet {index}\n")
        claim = services.tag_claim(user=user, article=article, start=0, end=5, category=category)
        services.save_review(user=user, claim=claim, rating=rating, rationale="", confidence=2)


def test_the_article_list_issues_the_same_number_of_queries_for_2_and_30_articles(
    rita, team, reviewer, category, rating_false
):
    add_articles(team, reviewer, category, rating_false, 2)
    rita.get("/articles/")

    with_2 = count_queries(rita, "/articles/")
    add_articles(team, reviewer, category, rating_false, 30)
    with_30 = count_queries(rita, "/articles/")

    html = text_of(rita.get("/articles/"))
    assert html.count("1/1 reviewed") == 30
    assert "Outlet 29" in html
    assert with_2 == with_30
