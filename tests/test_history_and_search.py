"""The claim panel's history in words, and article search (full-text on PostgreSQL)."""

from reviews import services
from reviews.models import AuditEvent, Evidence
from tests.conftest import HTMX, client_for


def tag_first_sentence(article, user, category):
    start = article.body.index("The seven army")
    end = article.body.index("according to reports.") + len("according to reports.")
    return services.tag_claim(user=user, article=article, start=start, end=end, category=category)


def test_the_panel_history_tells_the_claims_and_my_verdicts_story_in_words(article, reviewer, category, rating_false):
    claim = tag_first_sentence(article, reviewer, category)
    review = services.save_review(user=reviewer, claim=claim, rating=None, rationale="", confidence=2)
    services.save_review(user=reviewer, claim=claim, rating=rating_false, rationale="Six, not seven.", confidence=2)
    evidence = services.add_evidence(user=reviewer, review=review, url="https://example.org/a", stance="refutes")
    services.remove_evidence(user=reviewer, evidence=evidence)

    html = client_for(reviewer).get(f"/claims/{claim.pk}/", **HTMX).content.decode()

    assert "rita added the claim" in html
    assert "rita added a verdict" in html
    assert "rita changed rating, rationale of a verdict" in html
    assert "rita added evidence" in html
    assert "rita removed evidence" in html
    assert not Evidence.objects.exists()


def test_the_panel_history_leaves_out_another_reviewers_verdict(article, reviewer, reviewer2, category, rating_false):
    claim = tag_first_sentence(article, reviewer, category)
    services.save_review(user=reviewer2, claim=claim, rating=rating_false, rationale="remy's secret", confidence=3)

    html = client_for(reviewer).get(f"/claims/{claim.pk}/", **HTMX).content.decode()

    assert "rita added the claim" in html
    assert "remy" not in html
    assert AuditEvent.objects.filter(actor_label="user:remy", object_type="reviews.review").count() == 1


def test_search_finds_an_article_by_a_word_form_that_is_not_in_its_text(article, reviewer):
    # Seed 001 says "evacuated"; the English full-text configuration matches the stem.
    assert "evacuate " not in article.body

    html = client_for(reviewer).get("/articles/?q=evacuate").content.decode()

    assert "Russian Soldiers Admit" in html


def test_search_still_finds_an_exact_fragment_of_a_word(article, reviewer):
    html = client_for(reviewer).get("/articles/?q=olnovakh").content.decode()

    assert "Russian Soldiers Admit" in html


def test_search_without_a_match_says_so(article, reviewer):
    html = client_for(reviewer).get("/articles/?q=zzyzx").content.decode()

    assert "Russian Soldiers Admit" not in html
    assert "No article matches “zzyzx”." in html
