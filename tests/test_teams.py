"""Working in more than one team: the switcher, the current team, and the htmx details of the pages.

tess is a reviewer in Desk and the owner of Elsewhere. With no choice made she works in Desk, the
first of her teams by name.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reviews import services
from reviews.audit import system_actor
from reviews.models import Article, AuditEvent, Review, Role
from tests.conftest import HTMX, client_for, follow, make_user

DESK_STORY = "Desk story about grain\n\nShips left the port under escort.\n"
ELSEWHERE_STORY = "Elsewhere story about power\n\nThe grid held overnight.\n"
THIRD_STORY = "Third team story about rail\n\nTrains ran on time.\n"
HISTORY_RESTORE = {**HTMX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}


def import_text(team, text: str) -> Article:
    with system_actor("tests"):
        return services.import_article(team=team, data=text.encode("utf-8"), source="test.txt").article


def text_of(response) -> str:
    return response.content.decode()


def switch(client: Client, team) -> object:
    return client.post("/teams/switch/", {"team": team.pk})


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


@pytest.fixture
def tess(team, other_team):
    """A reviewer in Desk and the owner of Elsewhere."""
    user = make_user("tess")
    services.add_member(team=team, user=user, role=Role.REVIEWER)
    services.add_member(team=other_team, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def stories(team, other_team):
    return import_text(team, DESK_STORY), import_text(other_team, ELSEWHERE_STORY)


@pytest.fixture
def third_team(db):
    team = services.create_team(name="Third", slug="third")
    import_text(team, THIRD_STORY)
    return team


# --- the switcher in the header -----------------------------------------------------------------


def test_a_user_in_two_teams_sees_a_team_switcher_listing_both_in_the_header(tess, team, other_team):
    html = text_of(client_for(tess).get("/articles/"))

    assert '<form class="team-switch" method="post" action="/teams/switch/">' in html
    assert f'<option value="{team.pk}" selected>Desk</option>' in html
    assert f'<option value="{other_team.pk}">Elsewhere</option>' in html


def test_a_user_in_one_team_sees_its_name_instead_of_a_switcher(reviewer):
    html = text_of(client_for(reviewer).get("/articles/"))

    assert 'class="team-switch"' not in html
    assert '<span class="team">Desk</span>' in html


def test_the_switcher_marks_the_team_chosen_as_selected(tess, team, other_team):
    client = client_for(tess)
    switch(client, other_team)

    html = text_of(client.get("/articles/"))

    assert f'<option value="{other_team.pk}" selected>Elsewhere</option>' in html
    assert f'<option value="{team.pk}">Desk</option>' in html


# --- switching ----------------------------------------------------------------------------------


def test_switching_team_sets_the_working_team_and_redirects_to_the_article_list_with_a_message(
    tess, other_team, stories
):
    client = client_for(tess)

    response = switch(client, other_team)

    assert response.status_code == 302
    assert response["Location"] == "/articles/"
    assert client.session["team_id"] == other_team.pk
    html = follow(client, response)
    assert "You are now working in Elsewhere." in html
    assert "Elsewhere story about power" in html
    assert "Desk story about grain" not in html


def test_switching_back_shows_the_first_teams_articles_again(tess, team, other_team, stories):
    client = client_for(tess)
    switch(client, other_team)

    switch(client, team)

    html = text_of(client.get("/articles/"))
    assert "Desk story about grain" in html
    assert "Elsewhere story about power" not in html


def test_the_article_list_shows_only_the_current_teams_articles_of_a_user_in_two_teams(tess, stories):
    response = client_for(tess).get("/articles/")

    html = text_of(response)
    assert "Desk story about grain" in html
    assert "Elsewhere story about power" not in html


def test_the_article_list_search_stays_within_the_current_team(tess, stories):
    html = text_of(client_for(tess).get("/articles/?q=story"))

    assert "Desk story about grain" in html
    assert "Elsewhere story about power" not in html


def test_the_import_page_refuses_with_403_in_a_team_where_the_user_is_only_a_reviewer(tess, team):
    client = client_for(tess)
    before = Article.objects.count()

    page = client.get("/articles/import/")
    posted = client.post("/articles/import/", {"files": [upload("desk.txt", DESK_STORY)]})

    assert page.status_code == 403
    assert posted.status_code == 403
    assert Article.objects.count() == before


def test_after_switching_to_a_team_they_own_the_import_page_imports_into_that_team(tess, team, other_team):
    client = client_for(tess)
    switch(client, other_team)

    response = client.post("/articles/import/", {"files": [upload("power.txt", ELSEWHERE_STORY)]})

    assert response.status_code == 200
    assert "imported as" in text_of(response)
    imported = Article.objects.get(title="Elsewhere story about power")
    assert imported.team == other_team
    assert imported.imported_by == tess
    assert not Article.objects.filter(team=team).exists()


def test_after_switching_back_to_a_team_where_they_only_review_the_import_page_is_403_again(tess, team, other_team):
    client = client_for(tess)
    switch(client, other_team)
    assert client.get("/articles/import/").status_code == 200

    switch(client, team)

    assert client.get("/articles/import/").status_code == 403
    assert "Import</a>" not in text_of(client.get("/articles/"))


def test_switching_to_a_team_the_user_is_not_a_member_of_is_404_and_changes_nothing(tess, other_team, third_team):
    client = client_for(tess)
    switch(client, other_team)
    events = AuditEvent.objects.count()

    response = switch(client, third_team)

    assert response.status_code == 404
    assert client.session["team_id"] == other_team.pk
    html = text_of(client.get("/articles/"))
    assert "Third team story about rail" not in html
    assert AuditEvent.objects.count() == events


def test_switching_to_a_team_id_that_does_not_exist_is_404(tess):
    client = client_for(tess)

    assert client.post("/teams/switch/", {"team": 999_999}).status_code == 404
    assert "team_id" not in client.session


@pytest.mark.parametrize("posted", [{"team": "desk"}, {"team": ""}, {}], ids=["slug", "empty", "missing"])
def test_switching_with_a_team_that_is_not_a_number_is_a_client_error_not_a_crash(tess, posted):
    client = client_for(tess)
    client.raise_request_exception = False

    response = client.post("/teams/switch/", posted)

    assert response.status_code in (400, 404)
    assert "team_id" not in client.session


def test_a_stale_team_in_the_session_falls_back_to_the_users_first_team(tess, team, other_team, stories):
    client = client_for(tess)
    switch(client, other_team)
    tess.memberships.filter(team=other_team).delete()  # removed from the team meanwhile

    html = text_of(client.get("/articles/"))

    assert "Desk story about grain" in html
    assert "Elsewhere story about power" not in html


def test_the_switch_url_refuses_a_get_with_405(tess):
    response = client_for(tess).get("/teams/switch/")
    assert response.status_code == 405


def test_an_anonymous_switch_is_sent_to_the_login_page(other_team):
    response = Client().post("/teams/switch/", {"team": other_team.pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


# --- htmx details -------------------------------------------------------------------------------


def test_a_history_restore_request_to_the_article_list_gets_the_whole_page(tess, stories):
    response = client_for(tess).get("/articles/", **HISTORY_RESTORE)

    html = text_of(response)
    assert response.status_code == 200
    assert "<html" in html
    assert '<div id="results">' in html
    assert "Desk story about grain" in html


def test_a_plain_htmx_request_to_the_article_list_gets_only_the_results_fragment(tess, stories):
    response = client_for(tess).get("/articles/", **HTMX)

    html = text_of(response)
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html


@pytest.mark.parametrize("headers", [{}, HTMX, HISTORY_RESTORE], ids=["page", "htmx", "history-restore"])
def test_article_list_responses_vary_on_the_hx_request_header(tess, headers):
    response = client_for(tess).get("/articles/", **headers)

    vary = [value.strip().lower() for value in response["Vary"].split(",")]
    assert "hx-request" in vary


def test_a_history_restore_request_to_the_import_page_gets_the_whole_page(tess, other_team):
    client = client_for(tess)
    switch(client, other_team)

    response = client.get("/articles/import/", **HISTORY_RESTORE)

    assert "<html" in text_of(response)
    assert "hx-request" in response["Vary"].lower()


def test_an_anonymous_htmx_post_gets_an_hx_redirect_to_the_login_page_and_changes_nothing(claim, rating_false):
    url = f"/claims/{claim.pk}/review/"
    events = AuditEvent.objects.count()

    response = Client().post(url, {"rating": rating_false.pk, "rationale": "anon", "confidence": 2}, **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/login/?next={url}"
    assert response.content == b""
    assert not Review.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_anonymous_plain_post_is_still_an_ordinary_redirect_to_the_login_page(claim, rating_false):
    url = f"/claims/{claim.pk}/review/"

    response = Client().post(url, {"rating": rating_false.pk, "rationale": "anon", "confidence": 2})

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"
    assert not response.has_header("HX-Redirect")


def test_a_signed_in_htmx_request_redirected_elsewhere_than_the_login_page_is_left_alone(tess, other_team):
    response = client_for(tess).post("/teams/switch/", {"team": other_team.pk}, **HTMX)

    assert response.status_code == 302
    assert response["Location"] == "/articles/"
    assert not response.has_header("HX-Redirect")
