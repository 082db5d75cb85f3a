from tests.conftest import HTMX, client_for


def test_the_reader_shows_the_article_body(article, reviewer):
    response = client_for(reviewer).get(f"/articles/{article.pk}/")
    assert response.status_code == 200
    assert "Volnovakha" in response.content.decode()


def test_a_reviewer_can_tag_a_claim_through_htmx(article, reviewer, category):
    start = article.body.index("The seven army")
    end = article.body.index("according to reports.") + len("according to reports.")
    response = client_for(reviewer).post(
        f"/articles/{article.pk}/claims/",
        {"start": start, "end": end, "quote": article.body[start:end], "category": category.pk},
        **HTMX,
    )
    assert response.status_code == 200
    assert "claimsChanged" in response["HX-Trigger"]
    assert article.claims.get().quote == article.body[start:end]
