"""The audit trail: one event per change, whichever door it came through."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reviews import services
from reviews.audit import audit_reason, system_actor
from reviews.models import Article, AuditEvent, Claim, Evidence, Rating, Review
from tests.conftest import (
    EVIDENCE_URL,
    HTMX,
    RATIONALE,
    SENTENCE,
    client_for,
    form_data,
    no_inline_rows,
    span_of,
)

HEX_ID = re.compile(r"^[0-9a-f]{32}$")
PLAIN_AND_HTMX = pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])


# --- local helpers ------------------------------------------------------------------------------


def last_event_id() -> int:
    last = AuditEvent.objects.order_by("-id").first()
    return last.pk if last else 0


def events_since(mark: int, of: str = "") -> list[AuditEvent]:
    events = AuditEvent.objects.filter(id__gt=mark).order_by("id")
    return list(events.filter(object_type=of) if of else events)


def only_event_since(mark: int, of: str = "") -> AuditEvent:
    """The one event written since `mark` (of objects of type `of`, when given)."""
    events = events_since(mark, of)
    assert len(events) == 1, [str(e) for e in events]
    return events[0]


def assert_by_request(event: AuditEvent, response, user, team) -> None:
    assert event.actor == user
    assert event.actor_label == f"user:{user.username}"
    assert event.request_id == response["X-Request-ID"]
    assert event.client_address == "127.0.0.1"
    assert event.team_id == team.pk


# --- request ids --------------------------------------------------------------------------------


def test_every_response_carries_a_fresh_request_id(reviewer, article):
    client = client_for(reviewer)
    first = client.get("/articles/")
    second = client.get(f"/articles/{article.pk}/")
    assert HEX_ID.match(first["X-Request-ID"])
    assert HEX_ID.match(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_response_request_id_is_the_events_request_id(reviewer, article, category):
    mark = last_event_id()
    start, end = span_of(article, SENTENCE)
    response = client_for(reviewer).post(
        f"/articles/{article.pk}/claims/", {"start": start, "end": end, "category": category.pk}, **HTMX
    )

    event = only_event_since(mark)
    assert HEX_ID.match(response["X-Request-ID"])
    assert event.request_id == response["X-Request-ID"]


def test_an_incoming_valid_request_id_is_reused(reviewer, claim, rating_false):
    mark = last_event_id()
    response = client_for(reviewer).post(
        f"/claims/{claim.pk}/review/",
        {"rating": rating_false.pk, "confidence": 2},
        headers={"X-Request-ID": "trace-42.abc_DEF"},
        **HTMX,
    )

    assert response["X-Request-ID"] == "trace-42.abc_DEF"
    # The verdict, and the claim moving into review because of it.
    assert {event.request_id for event in events_since(mark)} == {"trace-42.abc_DEF"}


@pytest.mark.parametrize("incoming", ["has spaces in it", "x" * 65, "semi;colon", "<script>"])
def test_an_invalid_incoming_request_id_is_replaced(reviewer, claim, rating_false, incoming):
    mark = last_event_id()
    response = client_for(reviewer).post(
        f"/claims/{claim.pk}/review/",
        {"rating": rating_false.pk, "confidence": 2},
        headers={"X-Request-ID": incoming},
        **HTMX,
    )

    assert response["X-Request-ID"] != incoming
    assert HEX_ID.match(response["X-Request-ID"])
    assert {event.request_id for event in events_since(mark)} == {response["X-Request-ID"]}


# --- claims -------------------------------------------------------------------------------------


@PLAIN_AND_HTMX
def test_tagging_a_claim_writes_one_create_event(reviewer, team, article, category, headers):
    mark = last_event_id()
    start, end = span_of(article, SENTENCE)
    response = client_for(reviewer).post(
        f"/articles/{article.pk}/claims/", {"start": start, "end": end, "category": category.pk}, **headers
    )

    claim = Claim.objects.get()
    event = only_event_since(mark)
    assert (event.action, event.object_type, event.object_id) == ("create", "reviews.claim", str(claim.pk))
    assert_by_request(event, response, reviewer, team)
    assert event.before is None
    assert event.after["quote"] == SENTENCE
    assert event.after["start"] == start
    assert event.after["category_id"] == category.pk
    assert event.after["created_by_id"] == reviewer.pk
    assert event.object_repr.startswith("“The seven army")


def test_a_refused_claim_writes_no_event(reviewer, article, category, claim):
    mark = last_event_id()
    response = client_for(reviewer).post(
        f"/articles/{article.pk}/claims/",
        {"start": claim.start, "end": claim.end, "category": category.pk},
        **HTMX,
    )
    assert response["HX-Retarget"] == "#tag-error"
    assert events_since(mark) == []


@PLAIN_AND_HTMX
def test_removing_a_claim_with_a_review_and_evidence_writes_three_delete_events(
    reviewer, team, claim, review, evidence, headers
):
    mark = last_event_id()
    response = client_for(reviewer).post(f"/claims/{claim.pk}/delete/", **headers)

    events = events_since(mark)
    assert response.status_code in (200, 302)
    assert sorted((e.object_type, e.object_id) for e in events) == sorted(
        [
            ("reviews.claim", str(claim.pk)),
            ("reviews.review", str(review.pk)),
            ("reviews.evidence", str(evidence.pk)),
        ]
    )
    for event in events:
        assert event.action == "delete"
        assert event.after is None
        assert_by_request(event, response, reviewer, team)
    by_type = {e.object_type: e for e in events}
    assert by_type["reviews.claim"].before["quote"] == SENTENCE
    assert by_type["reviews.review"].before["rationale"] == RATIONALE
    assert by_type["reviews.evidence"].before["url"] == EVIDENCE_URL


def test_a_refused_claim_removal_writes_no_event(reviewer2, claim):
    mark = last_event_id()
    response = client_for(reviewer2).post(f"/claims/{claim.pk}/delete/", **HTMX)
    assert "may remove it" in response.content.decode()
    assert events_since(mark) == []


def test_changing_a_claim_in_the_shell_writes_one_update_event_with_only_the_changed_field(claim):
    mark = last_event_id()
    loaded = Claim.objects.get(pk=claim.pk)
    with system_actor("shell"):
        loaded.note = "checked against the transcript"
        loaded.save()

    event = only_event_since(mark)
    assert (event.action, event.object_type, event.actor_label, event.actor) == (
        "update",
        "reviews.claim",
        "system:shell",
        None,
    )
    assert event.before == {"note": ""}
    assert event.after == {"note": "checked against the transcript"}
    assert HEX_ID.match(event.request_id)


def test_saving_a_claim_unchanged_writes_no_event(claim):
    mark = last_event_id()
    loaded = Claim.objects.get(pk=claim.pk)
    loaded.save()
    claim.save()  # the instance the service created, saved again as it is
    assert events_since(mark) == []


def test_a_change_outside_any_request_or_command_is_marked_unattributed(claim):
    mark = last_event_id()
    loaded = Claim.objects.get(pk=claim.pk)
    loaded.note = "x"
    loaded.save()
    event = only_event_since(mark)
    assert (event.actor_label, event.request_id) == ("system:unattributed", "")


def test_a_reason_is_attached_to_the_events_of_its_block(claim):
    mark = last_event_id()
    loaded = Claim.objects.get(pk=claim.pk)
    with system_actor("shell"), audit_reason("ticket 12: typo"):
        loaded.note = "y"
        loaded.save()
    event = only_event_since(mark)
    assert (event.reason, event.actor_label) == ("ticket 12: typo", "system:shell")


# --- reviews ------------------------------------------------------------------------------------


@PLAIN_AND_HTMX
def test_a_first_verdict_writes_one_create_event_and_moves_the_claim_into_review(
    reviewer, team, claim, rating_false, headers
):
    mark = last_event_id()
    response = client_for(reviewer).post(
        f"/claims/{claim.pk}/review/", {"rating": rating_false.pk, "rationale": "Why.", "confidence": 3}, **headers
    )

    review = Review.objects.get()
    moved = only_event_since(mark, of="reviews.claim")
    assert (moved.before["status"], moved.after["status"]) == ("open", "in_review")
    event = only_event_since(mark, of="reviews.review")
    assert (event.action, event.object_type, event.object_id) == ("create", "reviews.review", str(review.pk))
    assert_by_request(event, response, reviewer, team)
    assert event.before is None
    assert (event.after["rating_id"], event.after["rationale"], event.after["confidence"]) == (
        rating_false.pk,
        "Why.",
        3,
    )
    assert event.after["reviewer_id"] == reviewer.pk


@PLAIN_AND_HTMX
def test_changing_a_verdict_writes_one_update_event_with_only_the_changed_fields(
    reviewer, team, claim, review, rating_false, rating_mixed, headers
):
    mark = last_event_id()
    response = client_for(reviewer).post(
        f"/claims/{claim.pk}/review/",
        {"rating": rating_mixed.pk, "rationale": "New reason.", "confidence": 2},
        **headers,
    )

    event = only_event_since(mark)
    assert (event.action, event.object_type, event.object_id) == ("update", "reviews.review", str(review.pk))
    assert_by_request(event, response, reviewer, team)
    assert set(event.before) == set(event.after)
    # updated_at is bumped by every save; apart from it, exactly what changed, and confidence did not.
    assert set(event.before) - {"updated_at"} == {"rating_id", "rationale"}
    assert (event.before["rating_id"], event.before["rationale"]) == (rating_false.pk, RATIONALE)
    assert (event.after["rating_id"], event.after["rationale"]) == (rating_mixed.pk, "New reason.")


@PLAIN_AND_HTMX
def test_saving_a_verdict_unchanged_writes_no_event(reviewer, claim, review, rating_false, headers):
    mark = last_event_id()
    response = client_for(reviewer).post(
        f"/claims/{claim.pk}/review/",
        {"rating": rating_false.pk, "rationale": RATIONALE, "confidence": 2},
        **headers,
    )

    assert response.status_code in (200, 302)
    assert events_since(mark) == []


def test_a_refused_verdict_writes_no_event(reviewer, claim, review, other_team):
    mark = last_event_id()
    foreign = Rating.objects.get(team=other_team, slug="true")
    client_for(reviewer).post(f"/claims/{claim.pk}/review/", {"rating": foreign.pk, "confidence": 2}, **HTMX)
    client_for(reviewer).post(f"/claims/{claim.pk}/review/", {"rationale": "x" * 10_001, "confidence": 2}, **HTMX)
    assert events_since(mark) == []


# --- evidence -----------------------------------------------------------------------------------


@PLAIN_AND_HTMX
def test_adding_evidence_writes_one_create_event(reviewer, team, claim, review, headers):
    mark = last_event_id()
    response = client_for(reviewer).post(
        f"/claims/{claim.pk}/evidence/", {"url": "https://example.org/new", "stance": "supports"}, **headers
    )

    evidence = Evidence.objects.get()
    event = only_event_since(mark)
    assert (event.action, event.object_type, event.object_id) == ("create", "reviews.evidence", str(evidence.pk))
    assert_by_request(event, response, reviewer, team)
    assert (event.after["url"], event.after["stance"], event.after["review_id"]) == (
        "https://example.org/new",
        "supports",
        review.pk,
    )


@PLAIN_AND_HTMX
def test_removing_evidence_writes_one_delete_event(reviewer, team, evidence, headers):
    mark = last_event_id()
    response = client_for(reviewer).post(f"/evidence/{evidence.pk}/delete/", **headers)

    event = only_event_since(mark)
    assert (event.action, event.object_type, event.object_id) == ("delete", "reviews.evidence", str(evidence.pk))
    assert_by_request(event, response, reviewer, team)
    assert event.before["url"] == EVIDENCE_URL
    assert event.after is None


def test_refused_evidence_writes_no_event(reviewer, reviewer2, claim, review, evidence):
    mark = last_event_id()
    client_for(reviewer).post(f"/claims/{claim.pk}/evidence/", {"url": "javascript:alert(1)"}, **HTMX)
    client_for(reviewer2).post(f"/evidence/{evidence.pk}/delete/", **HTMX)
    assert events_since(mark) == []


# --- the import command -------------------------------------------------------------------------


def write_articles(folder, count: int) -> None:
    for index in range(count):
        (folder / f"{index}.txt").write_text(f"Headline number {index}\n\nBody {index}.\n", encoding="utf-8")


def test_the_import_command_writes_one_create_event_per_article_as_a_system_actor(tmp_path, team):
    write_articles(tmp_path, 2)
    mark = last_event_id()

    call_command("import_articles", str(tmp_path), "--team", team.slug, stdout=StringIO())

    events = events_since(mark)
    articles = list(Article.objects.filter(team=team).order_by("id"))
    assert len(articles) == 2
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("create", "reviews.article", str(a.pk)) for a in articles
    ]
    for event in events:
        assert (event.actor, event.actor_label, event.team_id) == (None, "system:import_articles", team.pk)
        assert event.before is None
        assert HEX_ID.match(event.request_id)
        assert event.client_address is None
    assert events[0].request_id == events[1].request_id  # one run, one id
    assert events[0].after["title"] == "Headline number 0"


def test_importing_the_same_files_again_writes_no_event(tmp_path, team):
    write_articles(tmp_path, 2)
    call_command("import_articles", str(tmp_path), "--team", team.slug, stdout=StringIO())
    mark = last_event_id()

    call_command("import_articles", str(tmp_path), "--team", team.slug, stdout=StringIO())

    assert events_since(mark) == []


def test_a_dry_run_of_the_import_command_writes_no_event(tmp_path, team):
    write_articles(tmp_path, 2)
    mark = last_event_id()
    call_command("import_articles", str(tmp_path), "--team", team.slug, "--dry-run", stdout=StringIO())
    assert events_since(mark) == []
    assert not Article.objects.exists()


def test_a_failed_file_in_the_import_command_writes_no_event_for_it(tmp_path, team):
    write_articles(tmp_path, 1)
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    mark = last_event_id()

    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path), "--team", team.slug, stdout=StringIO(), stderr=StringIO())

    event = only_event_since(mark)
    assert event.after["title"] == "Headline number 0"
    assert event.actor_label == "system:import_articles"


def test_importing_through_the_page_writes_one_event_by_the_owner(owner, team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    mark = last_event_id()
    upload = SimpleUploadedFile("page.txt", b"Uploaded headline\n\nBody.\n", content_type="text/plain")
    response = client_for(owner).post("/articles/import/", {"files": [upload]}, **HTMX)

    event = only_event_since(mark)
    assert (event.action, event.object_type) == ("create", "reviews.article")
    assert_by_request(event, response, owner, team)


# --- the admin ----------------------------------------------------------------------------------


def test_changing_an_article_title_in_the_admin_writes_one_update_event(ada, superuser, team, article):
    url = f"/admin/reviews/article/{article.pk}/change/"
    data = form_data(ada, url, "article")
    data["title"] = "A shorter title"
    mark = last_event_id()

    response = ada.post(url, data)

    event = only_event_since(mark)
    assert (event.action, event.object_type, event.object_id) == ("update", "reviews.article", str(article.pk))
    assert_by_request(event, response, superuser, team)
    assert event.before == {"title": article.title}
    assert event.after == {"title": "A shorter title"}


def test_saving_an_article_unchanged_in_the_admin_writes_no_event(ada, article):
    url = f"/admin/reviews/article/{article.pk}/change/"
    data = form_data(ada, url, "article")
    mark = last_event_id()

    response = ada.post(url, data)

    assert response.status_code == 302
    assert events_since(mark) == []


def test_saving_an_article_whose_text_ends_with_a_newline_unchanged_in_the_admin_writes_no_event(ada, team):
    with system_actor("tests"):
        article = services.import_article(
            team=team, data=b"A headline\n\nA body that ends like text files do.\n", source="nl.txt"
        ).article
    url = f"/admin/reviews/article/{article.pk}/change/"
    data = form_data(ada, url, "article")
    mark = last_event_id()

    response = ada.post(url, data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "A headline\n\nA body that ends like text files do.\n"
    assert events_since(mark) == []


def test_adding_an_article_in_the_admin_writes_one_create_event(ada, superuser, team):
    data = {
        "team": team.pk,
        "title": "An admin headline",
        "body": "Typed in the admin\n\nSome body text.\n",
        "source": "typed",
        "outlet_name": "",
        **no_inline_rows("claims"),
    }
    mark = last_event_id()

    response = ada.post("/admin/reviews/article/add/", data)

    article = Article.objects.get(team=team)
    event = only_event_since(mark)
    assert (event.action, event.object_type, event.object_id) == ("create", "reviews.article", str(article.pk))
    assert_by_request(event, response, superuser, team)
    assert event.after["title"] == "An admin headline"
    assert event.after["source"] == "typed"


def test_deleting_an_article_in_the_admin_writes_one_delete_event_and_one_per_suggestion(ada, superuser, team, article):
    suggestions = {str(pk) for pk in article.suggestions.values_list("pk", flat=True)}
    mark = last_event_id()
    response = ada.post(f"/admin/reviews/article/{article.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    cascaded = events_since(mark, "reviews.suggestion")
    assert {(e.action, e.object_id) for e in cascaded} == {("delete", pk) for pk in suggestions}
    event = only_event_since(mark, "reviews.article")
    assert (event.action, event.object_type, event.object_id) == ("delete", "reviews.article", str(article.pk))
    assert_by_request(event, response, superuser, team)
    assert event.before["title"] == article.title
    assert event.after is None


def test_adding_a_claim_in_the_admin_writes_one_create_event(ada, superuser, team, article, category):
    start, end = span_of(article, SENTENCE)
    mark = last_event_id()
    response = ada.post(
        "/admin/reviews/claim/add/",
        {"article": article.pk, "start": start, "end": end, "category": category.pk, "note": ""},
    )

    event = only_event_since(mark)
    assert (event.action, event.object_type) == ("create", "reviews.claim")
    assert_by_request(event, response, superuser, team)
    assert event.after["quote"] == SENTENCE


def test_deleting_a_claim_in_the_admin_writes_one_delete_event(ada, superuser, team, claim):
    mark = last_event_id()
    response = ada.post(f"/admin/reviews/claim/{claim.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    event = only_event_since(mark)
    assert (event.action, event.object_type, event.object_id) == ("delete", "reviews.claim", str(claim.pk))
    assert_by_request(event, response, superuser, team)


def test_changing_ones_review_in_the_admin_writes_one_update_event(ada, superuser, team, own_review, rating_mixed):
    url = f"/admin/reviews/review/{own_review.pk}/change/"
    data = form_data(ada, url, "review")
    data["rating"] = rating_mixed.pk
    mark = last_event_id()

    response = ada.post(url, data)

    event = only_event_since(mark)
    assert (event.action, event.object_type, event.object_id) == ("update", "reviews.review", str(own_review.pk))
    assert_by_request(event, response, superuser, team)
    assert set(event.before) - {"updated_at"} == {"rating_id"}
    assert event.after["rating_id"] == rating_mixed.pk


def test_adding_a_review_in_the_admin_writes_one_create_event(ada, superuser, team, claim, rating_mixed):
    data = {
        "claim": claim.pk,
        "rating": rating_mixed.pk,
        "rationale": "From the admin.",
        "confidence": 2,
        **no_inline_rows("evidence", max_num=1000),
    }
    mark = last_event_id()

    response = ada.post("/admin/reviews/review/add/", data)

    review = Review.objects.get(reviewer=superuser)
    event = only_event_since(mark, of="reviews.review")
    assert (event.action, event.object_type, event.object_id) == ("create", "reviews.review", str(review.pk))
    assert_by_request(event, response, superuser, team)


def test_evidence_added_changed_and_removed_inline_in_the_admin_writes_one_event_each(ada, superuser, team, own_review):
    url = f"/admin/reviews/review/{own_review.pk}/change/"

    data = form_data(ada, url, "review")
    data.update(
        {"evidence-TOTAL_FORMS": "1", "evidence-0-url": "https://example.org/a", "evidence-0-stance": "context"}
    )
    mark = last_event_id()
    added = ada.post(url, data)
    evidence = own_review.evidence.get()
    event = only_event_since(mark)
    assert (event.action, event.object_type, event.object_id) == ("create", "reviews.evidence", str(evidence.pk))
    assert_by_request(event, added, superuser, team)

    data = form_data(ada, url, "review")
    data["evidence-0-excerpt"] = "the key paragraph"
    mark = last_event_id()
    changed = ada.post(url, data)
    event = only_event_since(mark)
    assert (event.action, event.object_id) == ("update", str(evidence.pk))
    assert_by_request(event, changed, superuser, team)
    assert event.before == {"excerpt": ""}
    assert event.after == {"excerpt": "the key paragraph"}

    data = form_data(ada, url, "review")
    data["evidence-0-DELETE"] = "on"
    mark = last_event_id()
    removed = ada.post(url, data)
    event = only_event_since(mark)
    assert (event.action, event.object_id) == ("delete", str(evidence.pk))
    assert_by_request(event, removed, superuser, team)
    assert not Evidence.objects.exists()


def test_a_refused_admin_change_writes_no_event(ada, review, rating_mixed):
    url = f"/admin/reviews/review/{review.pk}/change/"
    data = form_data(ada, url, "review")
    data["rating"] = rating_mixed.pk
    mark = last_event_id()

    response = ada.post(url, data)

    assert response.status_code == 302
    assert events_since(mark) == []
