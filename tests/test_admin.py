"""The Django admin: every change goes through the services, the audit trail is read-only."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from reviews import services
from reviews.audit import system_actor
from reviews.models import Article, AuditEvent, Category, Claim, Evidence, Rating, Review
from tests.conftest import (
    EVIDENCE_URL,
    PASSWORD,
    RATIONALE,
    SENTENCE,
    client_for,
    follow,
    form_data,
    no_inline_rows,
    span_of,
)


def result_list(html: str) -> str:
    match = re.search(r'<table id="result_list">(.*?)</table>', html, re.S)
    assert match, "no result list on the page"
    return match.group(1)


# --- changelists --------------------------------------------------------------------------------


@pytest.fixture
def world(team, other_team, owner, reviewer, outsider, superuser, article, claim, review, evidence):
    """Something of every registered model, in both teams."""
    with system_actor("tests"):
        grain = services.import_article(
            team=other_team, data=b"Grain exports resume\n\nShips left.\nSource: Odesa Daily\n", source="grain.txt"
        ).article
    Category.objects.create(team=team, name="Desk only category", slug="desk-only")
    Group.objects.create(name="Fact checkers")
    services.assign(user=owner, article=article, assignee=reviewer, claim=claim)
    services.add_comment(user=reviewer, claim=claim, body="Check the Interfax wording.")
    with system_actor("tests"):  # the same claim in a syndicated copy: a claim cluster
        copy = services.import_article(team=team, data=article.body.encode() + b"\nSyndicated.", source="copy").article
    services.tag_claim(user=reviewer, article=copy, start=claim.start, end=claim.end, category=claim.category)
    # django-axes' records: a failed login and a successful one.
    Client().post("/login/", {"username": "nobody", "password": "not it"}, REMOTE_ADDR="10.9.9.9")
    Client().post("/login/", {"username": "rita", "password": PASSWORD}, REMOTE_ADDR="10.9.9.8")
    return {"team": team, "other_team": other_team, "article": article, "grain": grain, "claim": claim}


def test_the_changelist_of_every_registered_model_loads_with_and_without_search(ada, world):
    assert len(admin.site._registry) >= 10
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = ada.get(url)
        assert response.status_code == 200, url
        assert 'id="changelist"' in response.content.decode(), url
        searched = ada.get(url + "?q=zzz-nothing-matches")
        assert searched.status_code == 200, url
        assert "0 results" in searched.content.decode(), url


def changelist_cases(world) -> dict[str, tuple[str, list[str], list[str]]]:
    team, other = world["team"].pk, world["other_team"].pk
    year = timezone.now().year
    article = world["article"]
    return {
        "team": ("/admin/reviews/team/?q=desk", ["Desk"], ["Elsewhere"]),
        "membership": (
            f"/admin/reviews/membership/?team__id__exact={team}&role__exact=owner&q=olga",
            ["olga"],
            ["ada", "rita", "otto"],
        ),
        "outlet": ("/admin/reviews/outlet/?q=odesa", ["Odesa Daily"], []),
        "category": (
            f"/admin/reviews/category/?team__id__exact={other}&q=casualty",
            ["Casualty figures", "Elsewhere"],
            ["Desk only category", "Desk<"],
        ),
        "rating": (
            f"/admin/reviews/rating/?team__id__exact={team}&is_scored__exact=0",
            ["Unverifiable"],
            ["Mostly true"],
        ),
        "article": (
            f"/admin/reviews/article/?team__id__exact={other}&outlet__id__exact={world['grain'].outlet_id}&q=ships",
            ["Grain exports resume"],
            ["Terrible Mistake"],
        ),
        "claim": (
            f"/admin/reviews/claim/?category__id__exact={world['claim'].category_id}&origin__exact=manual"
            f"&article__team__id__exact={team}&q=reconnaissance",
            ["The seven army"],
            [],
        ),
        "review": (
            f"/admin/reviews/review/?state__exact=draft&confidence__exact=2&claim__article__team__id__exact={team}"
            f"&rating__id__exact={world['claim'].reviews.get().rating_id}&q=rita",
            [f"on claim #{world['claim'].pk}"],
            [],
        ),
        "evidence": ("/admin/reviews/evidence/?stance__exact=refutes&q=example.org", [EVIDENCE_URL], []),
        "auditevent": (
            f"/admin/reviews/auditevent/?action__exact=create&object_type__exact=reviews.article"
            f"&team__id__exact={other}&at__year={year}&q=tests",
            ["Grain exports resume"],
            [article.title[:20]],
        ),
        "user": ("/admin/auth/user/?is_staff__exact=1&q=ada", ["ada@example.org"], ["rita"]),
        "group": ("/admin/auth/group/?q=checkers", ["Fact checkers"], []),
    }


@pytest.mark.parametrize(
    "case",
    [
        "team",
        "membership",
        "outlet",
        "category",
        "rating",
        "article",
        "claim",
        "review",
        "evidence",
        "auditevent",
        "user",
        "group",
    ],
)
def test_changelists_filter_and_search(ada, world, case):
    url, present, absent = changelist_cases(world)[case]
    response = ada.get(url)

    assert response.status_code == 200, url  # an unknown filter would redirect with ?e=1
    html = response.content.decode()
    assert 'id="changelist"' in html
    if present or absent:
        rows = result_list(html)
        for text in present:
            assert text in rows, text
        for text in absent:
            assert text not in rows, text
    else:
        assert "0 results" in html


def test_the_article_changelist_shows_the_claim_count(ada, article, claim):
    rows = result_list(ada.get("/admin/reviews/article/").content.decode())
    assert '<td class="field-claim_count">1</td>' in rows


# --- articles -----------------------------------------------------------------------------------


def test_the_article_body_is_editable_before_any_claim(ada, article):
    html = ada.get(f"/admin/reviews/article/{article.pk}/change/").content.decode()
    assert '<textarea name="body"' in html


def test_the_article_body_is_read_only_once_a_claim_exists(ada, article, claim):
    html = ada.get(f"/admin/reviews/article/{article.pk}/change/").content.decode()
    assert 'name="body"' not in html
    assert '<div class="form-row field-body">' in html
    assert '<div class="readonly">Russian Soldiers Admit Vladimir Putin' in html


def test_a_body_posted_anyway_once_a_claim_exists_is_ignored(ada, article, claim):
    data = form_data(ada, f"/admin/reviews/article/{article.pk}/change/", "article")
    data.update(title="A new title", body="Rewritten text that the claim does not point into.")

    response = ada.post(f"/admin/reviews/article/{article.pk}/change/", data)

    assert response.status_code == 302
    old_body = article.body
    article.refresh_from_db()
    assert article.title == "A new title"
    assert article.body == old_body
    assert article.claims.get().quote == article.body[claim.start : claim.end]


def test_the_article_body_can_be_changed_in_the_admin_before_any_claim(ada, article):
    data = form_data(ada, f"/admin/reviews/article/{article.pk}/change/", "article")
    data["body"] = "A corrected text.\nSecond line."
    old_hash = article.content_hash

    response = ada.post(f"/admin/reviews/article/{article.pk}/change/", data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "A corrected text.\nSecond line."
    assert article.content_hash != old_hash


def test_adding_an_article_in_the_admin_imports_it_through_the_service(ada, team, superuser):
    data = {
        "team": team.pk,
        "title": "An admin headline",
        "body": "Typed in the admin\n\nSome body text.",
        "source": "typed",
        "outlet_name": "Desk Gazette",
        **no_inline_rows("claims"),
    }
    response = ada.post("/admin/reviews/article/add/", data)

    assert response.status_code == 302
    article = Article.objects.get(team=team, title="An admin headline")
    assert article.imported_by == superuser
    assert article.outlet.name == "Desk Gazette"
    assert article.body == "Typed in the admin\n\nSome body text."


def test_adding_in_the_admin_the_text_of_an_imported_file_is_refused_as_a_duplicate(ada, team):
    text = "A headline\n\nA body that ends like text files do.\n"
    with system_actor("tests"):
        services.import_article(team=team, data=text.encode(), source="file.txt")
    data = {
        "team": team.pk,
        "title": "Same text again",
        "body": text,
        "source": "",
        "outlet_name": "",
        **no_inline_rows("claims"),
    }
    response = ada.post("/admin/reviews/article/add/", data)

    assert response.status_code == 302
    assert "Nothing was changed: same text as" in follow(ada, response)
    assert Article.objects.filter(team=team).count() == 1


def test_adding_the_same_text_twice_in_the_admin_is_refused(ada, team, article):
    data = {
        "team": team.pk,
        "title": "Copy",
        "body": article.body,
        "source": "",
        "outlet_name": "",
        **no_inline_rows("claims"),
    }
    response = ada.post("/admin/reviews/article/add/", data)

    assert "Nothing was changed: same text as" in follow(ada, response)
    assert Article.objects.count() == 1


def test_a_superuser_who_is_not_a_member_cannot_change_an_article(team, article):
    stranger = get_user_model().objects.create_superuser(username="sam", password=PASSWORD, email="s@example.org")
    client = client_for(stranger)
    data = form_data(client, f"/admin/reviews/article/{article.pk}/change/", "article")
    data["title"] = "Changed by a stranger"

    response = client.post(f"/admin/reviews/article/{article.pk}/change/", data)

    assert "Nothing was changed: You are not a member of this team." in follow(client, response)
    article.refresh_from_db()
    assert article.title != "Changed by a stranger"


# --- claims -------------------------------------------------------------------------------------


def claim_add_data(article, category, text=SENTENCE) -> dict:
    start, end = span_of(article, text)
    return {"article": article.pk, "start": start, "end": end, "category": category.pk, "note": "  from the admin  "}


def test_adding_a_claim_in_the_admin_goes_through_tag_claim(ada, article, category, superuser):
    response = ada.post("/admin/reviews/claim/add/", claim_add_data(article, category))

    assert response.status_code == 302
    claim = Claim.objects.get()
    start, end = span_of(article, SENTENCE)
    assert claim.quote == SENTENCE
    assert claim.prefix == article.body[start - 32 : start]
    assert claim.suffix == article.body[end : end + 32]
    assert claim.note == "from the admin"  # stripped by the service
    assert claim.created_by == superuser


def test_adding_a_duplicate_span_in_the_admin_is_refused_and_creates_nothing(ada, article, category, claim):
    before = (Claim.objects.count(), AuditEvent.objects.count())
    response = ada.post("/admin/reviews/claim/add/", claim_add_data(article, category))

    if response.status_code == 302:  # refused by the service
        html = follow(ada, response)
    else:  # refused by the form's unique check
        assert response.status_code == 200
        html = response.content.decode()
    assert "already" in html
    assert 'class="errorlist' in html or "Nothing was changed" in html
    assert (Claim.objects.count(), AuditEvent.objects.count()) == before


def test_adding_a_claim_with_another_teams_category_in_the_admin_is_refused(ada, article, other_team):
    foreign = other_team.categories.first()
    response = ada.post("/admin/reviews/claim/add/", claim_add_data(article, foreign))

    assert "Nothing was changed: That category belongs to another team." in follow(ada, response)
    assert not Claim.objects.exists()


def test_adding_a_claim_outside_the_text_in_the_admin_is_refused(ada, article, category):
    data = {**claim_add_data(article, category), "start": 1, "end": len(article.body) + 50}
    response = ada.post("/admin/reviews/claim/add/", data)

    assert "Nothing was changed: Cannot tag this span" in follow(ada, response)
    assert not Claim.objects.exists()


def test_a_claim_cannot_be_edited_in_the_admin(ada, claim):
    response = ada.get(f"/admin/reviews/claim/{claim.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    posted = ada.post(f"/admin/reviews/claim/{claim.pk}/change/", {"start": 0, "end": 3, "note": "x"})
    assert posted.status_code == 403
    claim.refresh_from_db()
    assert claim.quote == SENTENCE


# --- reviews and evidence -----------------------------------------------------------------------


def test_editing_another_users_review_in_the_admin_is_refused_and_nothing_changes(ada, review, team):
    url = f"/admin/reviews/review/{review.pk}/change/"
    data = form_data(ada, url, "review")
    data["rationale"] = "overwritten by ada"
    data["rating"] = Rating.objects.get(team=team, slug="true").pk
    events = AuditEvent.objects.count()

    response = ada.post(url, data)

    html = follow(ada, response)
    assert "Nothing was changed: you can change only your own reviews and evidence" in html
    review.refresh_from_db()
    assert (review.rationale, review.rating.slug) == (RATIONALE, "false")
    assert AuditEvent.objects.count() == events


def test_adding_evidence_to_another_users_review_in_the_admin_is_refused(ada, review):
    url = f"/admin/reviews/review/{review.pk}/change/"
    data = form_data(ada, url, "review")
    data.update(
        {"evidence-TOTAL_FORMS": "1", "evidence-0-url": "https://example.org/ada", "evidence-0-stance": "context"}
    )

    response = ada.post(url, data)

    assert "Nothing was changed" in follow(ada, response)
    assert not Evidence.objects.exists()


def test_editing_ones_own_review_in_the_admin_goes_through_save_review(ada, own_review, team):
    url = f"/admin/reviews/review/{own_review.pk}/change/"
    data = form_data(ada, url, "review")
    data.update(rationale="  revised  ", rating=Rating.objects.get(team=team, slug="mixed").pk)

    response = ada.post(url, data)

    assert response.status_code == 302
    own_review.refresh_from_db()
    assert (own_review.rationale, own_review.rating.slug) == ("revised", "mixed")


def test_an_oversized_rationale_is_refused_in_the_admin_too(ada, own_review):
    url = f"/admin/reviews/review/{own_review.pk}/change/"
    data = form_data(ada, url, "review")
    data["rationale"] = "x" * 10_001
    events = AuditEvent.objects.count()

    response = ada.post(url, data)

    html = follow(ada, response) if response.status_code == 302 else response.content.decode()
    assert "10000" in html  # the limit is named, as on the reader page
    own_review.refresh_from_db()
    assert own_review.rationale == "ada's"
    assert AuditEvent.objects.count() == events


def test_adding_a_review_with_another_teams_rating_in_the_admin_is_refused(ada, claim, other_team):
    data = {
        "claim": claim.pk,
        "rating": Rating.objects.get(team=other_team, slug="true").pk,
        "rationale": "",
        "confidence": 2,
        **no_inline_rows("evidence", max_num=1000),
    }
    response = ada.post("/admin/reviews/review/add/", data)

    assert "Nothing was changed: That rating belongs to another team" in follow(ada, response)
    assert not Review.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", "ftp://example.org/file"])
def test_adding_evidence_with_a_non_http_url_inline_on_a_review_is_refused(ada, own_review, url):
    change = f"/admin/reviews/review/{own_review.pk}/change/"
    data = form_data(ada, change, "review")
    data.update({"evidence-TOTAL_FORMS": "1", "evidence-0-url": url, "evidence-0-stance": "supports"})

    response = ada.post(change, data)

    assert response.status_code == 200
    assert "Enter an http:// or https:// link." in response.content.decode()
    assert not Evidence.objects.exists()


def test_adding_evidence_inline_on_ones_own_review_goes_through_add_evidence(ada, own_review, superuser):
    change = f"/admin/reviews/review/{own_review.pk}/change/"
    data = form_data(ada, change, "review")
    data.update(
        {"evidence-TOTAL_FORMS": "1", "evidence-0-url": " https://example.org/ada ", "evidence-0-stance": "supports"}
    )

    response = ada.post(change, data)

    assert response.status_code == 302
    item = own_review.evidence.get()
    assert (item.url, item.stance, item.added_by) == ("https://example.org/ada", "supports", superuser)


def test_reviews_and_evidence_cannot_be_deleted_or_added_loose_in_the_admin(ada, evidence):
    assert ada.get(f"/admin/reviews/review/{evidence.review_id}/delete/").status_code == 403
    assert ada.get("/admin/reviews/evidence/add/").status_code == 403
    assert ada.post(f"/admin/reviews/evidence/{evidence.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


# --- the audit trail ----------------------------------------------------------------------------


def test_audit_events_cannot_be_added_in_the_admin(ada, claim):
    before = AuditEvent.objects.count()
    assert ada.get("/admin/reviews/auditevent/add/").status_code == 403
    assert ada.post("/admin/reviews/auditevent/add/", {"actor_label": "forged", "action": "create"}).status_code == 403
    assert AuditEvent.objects.count() == before
    assert "/admin/reviews/auditevent/add/" not in ada.get("/admin/reviews/auditevent/").content.decode()


def test_audit_events_cannot_be_changed_in_the_admin(ada, claim):
    event = AuditEvent.objects.for_object(claim).get()
    original = (event.actor_label, event.action, event.object_type, event.object_id)
    url = f"/admin/reviews/auditevent/{event.pk}/change/"

    page = ada.get(url)
    posted = ada.post(url, {"actor_label": "forged", "action": "delete", "object_type": "x", "object_id": "1"})

    assert page.status_code == 200  # viewing is allowed
    assert 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    event.refresh_from_db()
    assert (event.actor_label, event.action, event.object_type, event.object_id) == original
    assert event.action == "create"


def test_audit_events_cannot_be_deleted_in_the_admin(ada, claim):
    event = AuditEvent.objects.for_object(claim).get()

    single = ada.post(f"/admin/reviews/auditevent/{event.pk}/delete/", {"post": "yes"})
    bulk = ada.post(
        "/admin/reviews/auditevent/", {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )

    assert single.status_code == 403
    assert bulk.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_non_staff_member_cannot_open_the_admin(reviewer):
    client = Client()
    client.force_login(reviewer)
    response = client.get("/admin/reviews/review/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
