"""Owners run their team in the app: members and roles, categories and the rating scale.

Services first (who may, what is refused, what the audit trail says), then the page and its endpoints
as plain posts and as htmx, other teams' ids, stale forms, oversize input and CSRF.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reviews import services
from reviews.models import Assignment, AuditEvent, Category, Claim, Membership, Rating, Review, Role
from tests.conftest import HTMX, client_for, follow, make_user

PLAIN_AND_HTMX = pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
NON_OWNERS = ["moderator", "reviewer", "outsider"]


# --- local helpers ------------------------------------------------------------------------------


def membership(team, user) -> Membership:
    return Membership.objects.select_related("user", "team").get(team=team, user=user)


def team_state() -> dict:
    """Everything the team settings could change, in comparable form, over all teams."""
    return {
        "members": sorted(Membership.objects.values_list("team_id", "user_id", "role")),
        "categories": sorted(
            Category.objects.values_list("pk", "team_id", "name", "slug", "colour", "description", "position")
        ),
        "ratings": sorted(Rating.objects.values_list("pk", "team_id", "label", "slug", "value", "is_scored")),
        "assignments": sorted(Assignment.objects.values_list("pk", "assignee_id")),
        "reviews": sorted(Review.objects.values_list("pk", "reviewer_id", "rating_id")),
        "events": AuditEvent.objects.count(),
    }


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


def csrf_token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture
def cast(request):
    """Look a fixture of the cast up by name, for tests parametrized over who acts."""
    return lambda name: request.getfixturevalue(name)


@pytest.fixture
def owner2(team):
    user = make_user("oscar")
    services.add_member(team=team, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def unaffiliated(db):
    """An account that belongs to no team yet: the person an owner adds."""
    return make_user("nina")


@pytest.fixture
def other_category(other_team) -> Category:
    return Category.objects.filter(team=other_team).first()


@pytest.fixture
def other_rating(other_team) -> Rating:
    return Rating.objects.filter(team=other_team).first()


@pytest.fixture
def spare_category(team) -> Category:
    """A category no claim uses."""
    return Category.objects.get(team=team, slug="attribution-chain")


@pytest.fixture
def spare_rating(team) -> Rating:
    """A rating nobody uses."""
    return Rating.objects.get(team=team, slug="mostly-true")


# --- services: members --------------------------------------------------------------------------


def test_an_owner_adds_an_existing_user_by_username_and_the_audit_names_the_owner(team, owner, unaffiliated):
    added = services.add_member_by_username(user=owner, team=team, username=" nina ", role=Role.MODERATOR)

    assert (added.team, added.user, added.role) == (team, unaffiliated, Role.MODERATOR)
    event = last_event()
    assert (event.object_type, event.action, event.actor, event.team_id) == (
        "reviews.membership",
        "create",
        owner,
        team.pk,
    )
    assert event.actor_label == "user:olga"
    assert event.after["role"] == "moderator"


@pytest.mark.parametrize("who", NON_OWNERS)
def test_only_an_owner_may_add_members(team, owner, moderator, reviewer, outsider, unaffiliated, cast, who):
    before = team_state()
    with pytest.raises(services.ActionRefused):
        services.add_member_by_username(user=cast(who), team=team, username="nina", role=Role.OWNER)
    assert team_state() == before


def test_adding_someone_without_an_account_is_refused(team, owner):
    before = team_state()
    with pytest.raises(services.ActionRefused, match="No user named nobody."):
        services.add_member_by_username(user=owner, team=team, username="nobody", role=Role.REVIEWER)
    assert team_state() == before


def test_adding_a_member_again_is_refused_and_keeps_their_role(team, owner, moderator):
    before = team_state()
    with pytest.raises(services.ActionRefused, match="mona is already a member, as moderator."):
        services.add_member_by_username(user=owner, team=team, username="mona", role=Role.REVIEWER)
    assert team_state() == before


def test_an_invalid_role_is_refused(team, owner, unaffiliated, reviewer):
    before = team_state()
    with pytest.raises(services.ActionRefused, match="Choose reviewer, moderator or owner"):
        services.add_member_by_username(user=owner, team=team, username="nina", role="admin")
    with pytest.raises(services.ActionRefused, match="Choose reviewer, moderator or owner"):
        services.change_role(user=owner, membership=membership(team, reviewer), role="boss")
    assert team_state() == before


def test_an_owner_changes_a_role_and_the_audit_records_before_and_after(team, owner, reviewer):
    changed = services.change_role(
        user=owner, membership=membership(team, reviewer), role=Role.MODERATOR, expected_role=Role.REVIEWER
    )

    assert changed.role == Role.MODERATOR
    assert membership(team, reviewer).role == Role.MODERATOR
    event = last_event()
    assert (event.object_type, event.action, event.actor) == ("reviews.membership", "update", owner)
    assert (event.before, event.after) == ({"role": "reviewer"}, {"role": "moderator"})


def test_setting_the_role_a_member_has_writes_nothing(team, owner, reviewer):
    before = team_state()
    services.change_role(user=owner, membership=membership(team, reviewer), role=Role.REVIEWER)
    assert team_state() == before


@pytest.mark.parametrize("who", NON_OWNERS)
def test_only_an_owner_may_change_roles(team, owner, moderator, reviewer, outsider, cast, who):
    before = team_state()
    with pytest.raises(services.ActionRefused):
        services.change_role(user=cast(who), membership=membership(team, reviewer), role=Role.OWNER)
    assert team_state() == before


def test_a_moderator_cannot_promote_themselves(team, owner, moderator):
    with pytest.raises(services.ActionRefused, match="Only a team owner"):
        services.change_role(user=moderator, membership=membership(team, moderator), role=Role.OWNER)
    assert membership(team, moderator).role == Role.MODERATOR


def test_a_role_changed_meanwhile_is_a_conflict_and_nothing_changes(team, owner, reviewer):
    shown = membership(team, reviewer)  # the form showed "reviewer"
    services.change_role(user=owner, membership=shown, role=Role.MODERATOR)
    before = team_state()

    with pytest.raises(services.Conflict, match="rita's role was changed by someone else meanwhile"):
        services.change_role(user=owner, membership=shown, role=Role.OWNER, expected_role=Role.REVIEWER)

    assert team_state() == before
    assert membership(team, reviewer).role == Role.MODERATOR


def test_the_last_owner_cannot_be_demoted(team, owner, moderator):
    before = team_state()
    with pytest.raises(services.ActionRefused, match="olga is the team's last owner"):
        services.change_role(user=owner, membership=membership(team, owner), role=Role.MODERATOR)
    assert team_state() == before


def test_an_owner_may_step_down_while_another_owner_remains(team, owner, owner2):
    services.change_role(user=owner, membership=membership(team, owner), role=Role.MODERATOR)

    assert membership(team, owner).role == Role.MODERATOR
    with pytest.raises(services.ActionRefused, match="oscar is the team's last owner"):
        services.change_role(user=owner2, membership=membership(team, owner2), role=Role.REVIEWER)


def test_removing_a_member_withdraws_their_assignments_here_and_keeps_their_reviews(
    team, other_team, owner, moderator, reviewer, reviewer2, article, claim, review
):
    services.assign(user=moderator, article=article, assignee=reviewer)
    services.assign(user=moderator, article=article, assignee=reviewer, claim=claim)
    kept = services.assign(user=moderator, article=article, assignee=reviewer2)
    services.add_member(team=other_team, user=reviewer, role=Role.REVIEWER)
    other_article = services.import_article(team=other_team, data=b"Elsewhere news.\n\nA text.", source="x.txt")
    elsewhere = Assignment.objects.create(team=other_team, article=other_article.article, assignee=reviewer)

    withdrawn = services.remove_member(user=owner, membership=membership(team, reviewer))

    assert withdrawn == 2
    assert not Membership.objects.filter(team=team, user=reviewer).exists()
    assert Membership.objects.filter(team=other_team, user=reviewer).exists()
    assert set(Assignment.objects.values_list("pk", flat=True)) == {kept.pk, elsewhere.pk}
    assert Review.objects.filter(pk=review.pk, reviewer=reviewer).exists()
    events = AuditEvent.objects.filter(actor=owner, action="delete").values_list("object_type", flat=True)
    assert sorted(events) == ["reviews.assignment", "reviews.assignment", "reviews.membership"]


@pytest.mark.parametrize("who", NON_OWNERS)
def test_only_an_owner_may_remove_members(team, owner, moderator, reviewer, reviewer2, outsider, cast, who):
    before = team_state()
    with pytest.raises(services.ActionRefused):
        services.remove_member(user=cast(who), membership=membership(team, reviewer2))
    assert team_state() == before


def test_the_last_owner_cannot_be_removed(team, owner, moderator):
    before = team_state()
    with pytest.raises(services.ActionRefused, match="olga is the team's last owner"):
        services.remove_member(user=owner, membership=membership(team, owner))
    assert team_state() == before


def test_an_owner_may_leave_while_another_owner_remains(team, owner, owner2):
    services.remove_member(user=owner, membership=membership(team, owner))
    assert list(Membership.objects.filter(team=team).values_list("user__username", flat=True)) == ["oscar"]


def test_an_owner_cannot_touch_another_teams_members(team, owner, outsider, other_team):
    before = team_state()
    with pytest.raises(services.ActionRefused, match="not a member of this team"):
        services.remove_member(user=owner, membership=membership(other_team, outsider))
    with pytest.raises(services.ActionRefused, match="not a member of this team"):
        services.change_role(user=owner, membership=membership(other_team, outsider), role=Role.REVIEWER)
    assert team_state() == before


# --- services: categories -----------------------------------------------------------------------


def test_an_owner_adds_a_category_last_with_a_slug_from_its_name(team, owner):
    category = services.save_category(
        user=owner, team=team, name="  Troop movements ", colour="#A1B2C3", description=" Where units are "
    )

    assert (category.name, category.slug, category.colour, category.description) == (
        "Troop movements",
        "troop-movements",
        "#a1b2c3",
        "Where units are",
    )
    assert category.position == 3  # after the three default categories (0, 1, 2)
    event = last_event()
    assert (event.object_type, event.action, event.actor, event.team_id) == (
        "reviews.category",
        "create",
        owner,
        team.pk,
    )


def test_an_owner_renames_a_category_and_its_slug_follows(team, owner, category):
    services.save_category(
        user=owner, team=team, category=category, name="Casualty counts", colour="#ffcc80", description="", position=5
    )

    category.refresh_from_db()
    assert (category.name, category.slug, category.description, category.position) == (
        "Casualty counts",
        "casualty-counts",
        "",
        5,
    )
    event = last_event()
    assert (event.object_type, event.action, event.actor) == ("reviews.category", "update", owner)
    assert event.after["name"] == "Casualty counts"


def test_a_category_name_too_close_to_another_is_refused(team, owner, spare_category):
    before = team_state()
    with pytest.raises(services.ActionRefused, match="too close to the existing category “Casualty figures”"):
        services.save_category(user=owner, team=team, name="CASUALTY  figures!", colour="#000000")
    with pytest.raises(services.ActionRefused, match="too close"):
        services.save_category(
            user=owner, team=team, category=spare_category, name="casualty figures", colour="#000000"
        )
    assert team_state() == before


def test_another_team_may_use_the_same_category_name(other_team, outsider, team):
    created = services.save_category(user=outsider, team=other_team, name="Troop movements", colour="#000000")
    assert created.team == other_team


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "  "}, "Give the category a name"),
        ({"name": "x" * 81}, "at most 80 characters"),
        ({"description": "x" * 301}, "at most 300 characters"),
        ({"colour": "red"}, "#rrggbb"),
        ({"colour": "#12345"}, "#rrggbb"),
        ({"position": -1}, "between 0 and 32767"),
        ({"name": "!!!"}, "at least one Latin letter or digit"),
    ],
)
def test_a_category_with_bad_values_is_refused(team, owner, fields, message):
    before = team_state()
    values = {"name": "Sound", "colour": "#123456", "description": "", "position": None} | fields
    with pytest.raises(services.ActionRefused, match=message):
        services.save_category(user=owner, team=team, **values)
    assert team_state() == before


def test_a_category_of_another_team_cannot_be_edited_through_this_one(team, owner, other_category):
    before = team_state()
    with pytest.raises(services.ActionRefused, match="belongs to another team"):
        services.save_category(user=owner, team=team, category=other_category, name="Mine now", colour="#000000")
    assert team_state() == before


@pytest.mark.parametrize("who", NON_OWNERS)
def test_only_an_owner_may_change_categories(team, owner, moderator, reviewer, outsider, spare_category, cast, who):
    before = team_state()
    with pytest.raises(services.ActionRefused):
        services.save_category(user=cast(who), team=team, name="Sneaky", colour="#000000")
    with pytest.raises(services.ActionRefused):
        services.save_category(user=cast(who), team=team, category=spare_category, name="Sneaky", colour="#000000")
    with pytest.raises(services.ActionRefused):
        services.delete_category(user=cast(who), category=spare_category)
    assert team_state() == before


def test_an_owner_deletes_an_unused_category_and_the_audit_names_them(owner, spare_category):
    services.delete_category(user=owner, category=spare_category)

    assert not Category.objects.filter(pk=spare_category.pk).exists()
    event = last_event()
    assert (event.object_type, event.action, event.actor) == ("reviews.category", "delete", owner)
    assert event.before["name"] == "Attribution chain"


def test_a_category_claims_use_cannot_be_deleted_and_nothing_changes(owner, category, claim):
    before = team_state()
    with pytest.raises(services.ActionRefused, match="^1 claim uses this category; "):
        services.delete_category(user=owner, category=category)
    assert team_state() == before
    assert Claim.objects.filter(pk=claim.pk, category=category).exists()


# --- services: the rating scale -----------------------------------------------------------------


def test_an_owner_adds_a_rating_with_a_slug_from_its_label_that_stays_when_it_is_renamed(team, owner):
    added = services.save_rating(user=owner, team=team, label="Satire", value=0, is_scored=False)
    assert (added.slug, added.value, added.is_scored) == ("satire", 0, False)
    assert (last_event().action, last_event().actor, last_event().object_type) == ("create", owner, "reviews.rating")

    services.save_rating(user=owner, team=team, rating=added, label="Satire or parody", value=-1, is_scored=True)

    added.refresh_from_db()
    # The key stays, so verdict colours and exports keyed to it keep working.
    assert (added.label, added.slug, added.value, added.is_scored) == ("Satire or parody", "satire", -1, True)
    event = last_event()
    assert (event.action, event.actor, event.before["label"], event.after["label"]) == (
        "update",
        owner,
        "Satire",
        "Satire or parody",
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"label": ""}, "Give the rating a label"),
        ({"label": "x" * 51}, "at most 50 characters"),
        ({"label": "MOSTLY true"}, "too close to the existing rating “Mostly true”"),
        ({"value": 40_000}, "between -32768 and 32767"),
    ],
)
def test_a_rating_with_bad_values_is_refused(team, owner, fields, message):
    before = team_state()
    values = {"label": "Sound", "value": 2, "is_scored": True} | fields
    with pytest.raises(services.ActionRefused, match=message):
        services.save_rating(user=owner, team=team, **values)
    assert team_state() == before


@pytest.mark.parametrize("who", NON_OWNERS)
def test_only_an_owner_may_change_the_rating_scale(team, owner, moderator, reviewer, outsider, spare_rating, cast, who):
    before = team_state()
    with pytest.raises(services.ActionRefused):
        services.save_rating(user=cast(who), team=team, label="Sneaky", value=1, is_scored=True)
    with pytest.raises(services.ActionRefused):
        services.save_rating(user=cast(who), team=team, rating=spare_rating, label="Sneaky", value=1, is_scored=True)
    with pytest.raises(services.ActionRefused):
        services.delete_rating(user=cast(who), rating=spare_rating)
    assert team_state() == before


def test_a_rating_of_another_team_cannot_be_edited_through_this_one(team, owner, other_rating):
    before = team_state()
    with pytest.raises(services.ActionRefused, match="another team's scale"):
        services.save_rating(user=owner, team=team, rating=other_rating, label="Mine", value=1, is_scored=True)
    assert team_state() == before


def test_an_owner_deletes_an_unused_rating(owner, spare_rating):
    services.delete_rating(user=owner, rating=spare_rating)

    assert not Rating.objects.filter(pk=spare_rating.pk).exists()
    event = last_event()
    assert (event.object_type, event.action, event.actor) == ("reviews.rating", "delete", owner)


def test_a_rating_a_review_uses_cannot_be_deleted_and_nothing_changes(owner, rating_false, review):
    before = team_state()
    with pytest.raises(services.ActionRefused, match="^1 review uses this rating"):
        services.delete_rating(user=owner, rating=rating_false)
    assert team_state() == before


def test_a_rating_a_final_verdict_uses_cannot_be_deleted(owner, claim, review, rating_mixed):
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.FINAL, final_rating=rating_mixed)
    before = team_state()
    with pytest.raises(services.ActionRefused, match="^1 final verdict uses this rating"):
        services.delete_rating(user=owner, rating=rating_mixed)
    assert team_state() == before


def test_a_rating_used_by_reviews_and_verdicts_says_both(owner, claim, review, rating_false, reviewer2):
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.FINAL, final_rating=rating_false)
    Review.objects.create(claim=claim, reviewer=reviewer2, rating=rating_false)
    with pytest.raises(services.ActionRefused, match="^2 reviews and 1 final verdict use this rating"):
        services.delete_rating(user=owner, rating=rating_false)


# --- the page -----------------------------------------------------------------------------------


def test_the_page_shows_members_categories_and_ratings_to_an_owner(team, owner, moderator, reviewer, claim):
    response = client_for(owner).get("/team/")

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Team settings",
        "olga",
        "mona",
        "rita",
        "Casualty figures",
        "Geneva Convention concern",
        "Unverifiable",
    ):
        assert text in html
    assert 'id="members"' in html and 'id="categories"' in html and 'id="ratings"' in html
    assert 'action="/team/members/add/"' in html and 'hx-post="/team/members/add/"' in html
    assert f'action="/team/members/{membership(team, reviewer).pk}/role/"' in html
    assert 'type="color"' in html
    assert "1 claim" in html  # the category in use says so
    page = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "style=" not in page and "<script" not in page  # a strict CSP is coming


@pytest.mark.parametrize("who", ["moderator", "reviewer"])
def test_the_page_is_forbidden_to_moderators_and_reviewers(team, owner, moderator, reviewer, cast, who):
    response = client_for(cast(who)).get("/team/")
    assert response.status_code == 403
    assert "Only an owner of the team may manage" in response.content.decode()


def test_an_owner_of_another_team_sees_only_their_own_team(team, owner, reviewer, outsider):
    html = client_for(outsider).get("/team/").content.decode()
    assert "Elsewhere" in html and "otto" in html
    assert "rita" not in html and "olga" not in html


def test_the_page_needs_a_login(team):
    response = Client().get("/team/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/team/"


def test_the_endpoints_accept_only_posts(team, owner):
    client = client_for(owner)
    assert client.get("/team/members/add/").status_code == 405
    assert client.post("/team/").status_code == 405


def test_the_page_query_count_does_not_grow_with_rows(team, owner):
    client = client_for(owner)
    with CaptureQueriesContext(connection) as few:
        client.get("/team/")
    for n in range(6):
        services.add_member(team=team, user=make_user(f"extra{n}"), role=Role.REVIEWER)
        services.save_category(user=owner, team=team, name=f"Extra {n}", colour="#000000")
        services.save_rating(user=owner, team=team, label=f"Extra {n}", value=n, is_scored=True)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/team/")
    assert "extra5" in response.content.decode()
    assert len(many) == len(few)


# --- the endpoints, plain and htmx --------------------------------------------------------------


def assert_section(response, section: str, text: str) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<section id="{section}"')
    assert "<html" not in html
    assert text in html
    return html


def assert_back_with_message(client, response, section: str, text: str) -> str:
    assert response.status_code == 302
    assert response["Location"] == f"/team/#{section}"
    html = follow(client, response)
    assert text in html
    return html


@PLAIN_AND_HTMX
def test_adding_a_member_through_the_page(team, owner, unaffiliated, headers):
    client = client_for(owner)
    response = client.post("/team/members/add/", {"username": "nina", "role": "moderator"}, **headers)

    assert membership(team, unaffiliated).role == Role.MODERATOR
    if headers:
        html = assert_section(response, "members", "Added nina as moderator.")
        assert 'value="nina"' not in html  # a fresh form for the next person
    else:
        assert_back_with_message(client, response, "members", "Added nina as moderator.")


@PLAIN_AND_HTMX
def test_adding_an_unknown_user_shows_the_form_again_with_the_reason(team, owner, headers):
    before = team_state()
    response = client_for(owner).post("/team/members/add/", {"username": "nobody", "role": "reviewer"}, **headers)

    assert response.status_code == 200
    html = response.content.decode()
    assert "No user named nobody." in html
    assert 'value="nobody"' in html
    assert ("<html" in html) is not bool(headers)
    assert team_state() == before


@PLAIN_AND_HTMX
def test_changing_a_role_through_the_page(team, owner, reviewer, headers):
    client = client_for(owner)
    member = membership(team, reviewer)
    data = {"role": "moderator", "expected_role": "reviewer"}
    response = client.post(f"/team/members/{member.pk}/role/", data, **headers)

    assert membership(team, reviewer).role == Role.MODERATOR
    if headers:
        assert_section(response, "members", "rita is now moderator.")
    else:
        assert_back_with_message(client, response, "members", "rita is now moderator.")


def test_a_stale_role_form_answers_409_with_the_current_members(team, owner, owner2, reviewer):
    member = membership(team, reviewer)
    services.change_role(user=owner2, membership=member, role=Role.MODERATOR)  # in another window
    before = team_state()

    response = client_for(owner).post(
        f"/team/members/{member.pk}/role/", {"role": "owner", "expected_role": "reviewer"}, **HTMX
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="members"')
    assert "rita&#x27;s role was changed by someone else meanwhile: they are now moderator." in html
    assert re.search(r'<option value="moderator" selected>', html)
    assert team_state() == before


def test_a_stale_role_form_posted_plainly_redirects_with_the_reason(team, owner, owner2, reviewer):
    member = membership(team, reviewer)
    services.change_role(user=owner2, membership=member, role=Role.MODERATOR)
    before = team_state()
    client = client_for(owner)

    response = client.post(f"/team/members/{member.pk}/role/", {"role": "owner", "expected_role": "reviewer"})

    assert_back_with_message(client, response, "members", "changed by someone else meanwhile")
    assert team_state() == before


@PLAIN_AND_HTMX
def test_demoting_the_last_owner_through_the_page_is_refused(team, owner, headers):
    before = team_state()
    client = client_for(owner)
    member = membership(team, owner)
    response = client.post(
        f"/team/members/{member.pk}/role/", {"role": "reviewer", "expected_role": "owner"}, **headers
    )

    if headers:
        assert_section(response, "members", "olga is the team&#x27;s last owner")
    else:
        assert_back_with_message(client, response, "members", "olga is the team&#x27;s last owner")
    assert team_state() == before


@PLAIN_AND_HTMX
def test_an_owner_who_steps_down_is_sent_to_the_articles(team, owner, owner2, headers):
    member = membership(team, owner)
    response = client_for(owner).post(
        f"/team/members/{member.pk}/role/", {"role": "moderator", "expected_role": "owner"}, **headers
    )

    assert membership(team, owner).role == Role.MODERATOR
    if headers:
        assert response.status_code == 200
        assert response["HX-Redirect"] == "/articles/"
    else:
        assert response.status_code == 302
        assert response["Location"] == "/articles/"


@PLAIN_AND_HTMX
def test_removing_a_member_through_the_page(team, owner, moderator, reviewer, article, headers):
    services.assign(user=moderator, article=article, assignee=reviewer)
    client = client_for(owner)
    member = membership(team, reviewer)
    response = client.post(f"/team/members/{member.pk}/remove/", **headers)

    assert not Membership.objects.filter(pk=member.pk).exists()
    text = "Removed rita from Desk. 1 assignment withdrawn; their reviews stay."
    if headers:
        html = assert_section(response, "members", text)
        assert f"member-{member.pk}" not in html
    else:
        assert_back_with_message(client, response, "members", text)


@PLAIN_AND_HTMX
def test_adding_editing_and_deleting_a_category_through_the_page(team, owner, headers):
    client = client_for(owner)
    data = {"name": "Troop movements", "colour": "#336699", "description": "Units", "position": ""}
    response = client.post("/team/categories/add/", data, **headers)

    created = Category.objects.get(team=team, slug="troop-movements")
    assert (created.colour, created.description, created.position) == ("#336699", "Units", 3)
    if headers:
        assert_section(response, "categories", "Category “Troop movements” added.")
    else:
        assert_back_with_message(client, response, "categories", "Category “Troop movements” added.")

    data = {"name": "Troop moves", "colour": "#112233", "description": "", "position": "0"}
    response = client.post(f"/team/categories/{created.pk}/", data, **headers)
    created.refresh_from_db()
    assert (created.name, created.slug, created.colour, created.position) == (
        "Troop moves",
        "troop-moves",
        "#112233",
        0,
    )
    assert response.status_code == (200 if headers else 302)

    response = client.post(f"/team/categories/{created.pk}/delete/", **headers)
    assert not Category.objects.filter(pk=created.pk).exists()
    if headers:
        assert_section(response, "categories", "Category “Troop moves” deleted.")
    else:
        assert_back_with_message(client, response, "categories", "Category “Troop moves” deleted.")


@PLAIN_AND_HTMX
def test_deleting_a_category_in_use_through_the_page_is_refused(owner, category, claim, headers):
    before = team_state()
    client = client_for(owner)
    response = client.post(f"/team/categories/{category.pk}/delete/", **headers)

    text = "“Casualty figures” was not deleted: 1 claim uses this category"
    if headers:
        assert_section(response, "categories", text)
    else:
        assert_back_with_message(client, response, "categories", text)
    assert team_state() == before


@PLAIN_AND_HTMX
def test_adding_editing_and_deleting_a_rating_through_the_page(team, owner, headers):
    client = client_for(owner)
    response = client.post("/team/ratings/add/", {"label": "Satire", "value": "0"}, **headers)

    created = Rating.objects.get(team=team, slug="satire")
    assert (created.value, created.is_scored) == (0, False)  # an unticked box
    if headers:
        assert_section(response, "ratings", "Rating “Satire” added.")
    else:
        assert_back_with_message(client, response, "ratings", "Rating “Satire” added.")

    response = client.post(
        f"/team/ratings/{created.pk}/", {"label": "Parody", "value": "-2", "is_scored": "on"}, **headers
    )
    created.refresh_from_db()
    assert (created.label, created.slug, created.value, created.is_scored) == ("Parody", "satire", -2, True)
    assert response.status_code == (200 if headers else 302)

    response = client.post(f"/team/ratings/{created.pk}/delete/", **headers)
    assert not Rating.objects.filter(pk=created.pk).exists()
    if headers:
        assert_section(response, "ratings", "Rating “Parody” deleted.")
    else:
        assert_back_with_message(client, response, "ratings", "Rating “Parody” deleted.")


@PLAIN_AND_HTMX
def test_deleting_a_rating_in_use_through_the_page_is_refused(owner, rating_false, review, headers):
    before = team_state()
    client = client_for(owner)
    response = client.post(f"/team/ratings/{rating_false.pk}/delete/", **headers)

    text = "“False” was not deleted: 1 review uses this rating"
    if headers:
        assert_section(response, "ratings", text)
    else:
        assert_back_with_message(client, response, "ratings", text)
    assert team_state() == before


# --- refusals at the door: non-owners, other teams' ids, bad input -------------------------------


def every_post(team, other=False):
    """Each endpoint with data that would change something, for the team's first rows."""
    member = Membership.objects.filter(team=team).exclude(role=Role.OWNER).first() or Membership.objects.get(team=team)
    category = Category.objects.filter(team=team).order_by("pk").last()
    rating = Rating.objects.filter(team=team).order_by("pk").last()
    category_data = {"name": "Changed", "colour": "#000000", "description": "", "position": "1"}
    return [
        ("/team/members/add/", {"username": "nina", "role": "owner"}),
        (f"/team/members/{member.pk}/role/", {"role": "owner", "expected_role": member.role}),
        (f"/team/members/{member.pk}/remove/", {}),
        ("/team/categories/add/", category_data),
        (f"/team/categories/{category.pk}/", category_data),
        (f"/team/categories/{category.pk}/delete/", {}),
        ("/team/ratings/add/", {"label": "Changed", "value": "1", "is_scored": "on"}),
        (f"/team/ratings/{rating.pk}/", {"label": "Changed", "value": "1", "is_scored": "on"}),
        (f"/team/ratings/{rating.pk}/delete/", {}),
    ]


@PLAIN_AND_HTMX
@pytest.mark.parametrize("who", ["moderator", "reviewer"])
def test_every_endpoint_is_forbidden_to_non_owners_and_changes_nothing(
    team, owner, moderator, reviewer, reviewer2, unaffiliated, cast, who, headers
):
    before = team_state()
    client = client_for(cast(who))
    for url, data in every_post(team):
        response = client.post(url, data, **headers)
        assert response.status_code == 403, url
        assert "Only an owner of the team may manage" in response.content.decode()
    assert team_state() == before


@PLAIN_AND_HTMX
def test_another_teams_ids_are_not_found_and_nothing_changes(team, owner, other_team, outsider, headers):
    services.add_member(team=other_team, user=make_user("oleg"), role=Role.REVIEWER)
    before = team_state()
    client = client_for(owner)
    for url, data in every_post(other_team):
        if "/add/" in url:
            continue
        response = client.post(url, data, **headers)
        assert response.status_code == 404, url
    assert team_state() == before


def test_an_owner_of_both_teams_reaches_only_the_current_teams_ids(team, owner, other_team, outsider):
    """Ids resolve in the team the user works in now, even when they own the other team too."""
    services.add_member(team=other_team, user=owner, role=Role.OWNER)
    before = team_state()
    client = client_for(owner)
    session = client.session
    session["team_id"] = team.pk
    session.save()
    other_member = membership(other_team, outsider)
    response = client.post(f"/team/members/{other_member.pk}/remove/")
    assert response.status_code == 404
    assert team_state() == before


@PLAIN_AND_HTMX
@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/team/members/add/", {"username": "n" * 5000, "role": "reviewer"}, "at most 150 characters"),
        ("/team/members/add/", {"username": "nina", "role": "emperor"}, "Select a valid choice"),
        (
            "/team/categories/add/",
            {"name": "x" * 5000, "colour": "#000000", "description": "", "position": ""},
            "at most 80 characters (it has 5000)",
        ),
        (
            "/team/categories/add/",
            {"name": "Ok", "colour": "#000000", "description": "d" * 301, "position": ""},
            "at most 300 characters",
        ),
        ("/team/categories/add/", {"name": "Ok", "colour": "red", "position": ""}, "Give the colour as #rrggbb"),
        (
            "/team/categories/add/",
            {"name": "Ok", "colour": "#000000", "position": "99999"},
            "less than or equal to 32767",
        ),
        ("/team/categories/add/", {"name": "Ok", "colour": "#000000", "position": "-1"}, "greater than or equal to 0"),
        ("/team/categories/add/", {"name": "", "colour": "#000000"}, "This field is required"),
        ("/team/ratings/add/", {"label": "y" * 51, "value": "1"}, "at most 50 characters"),
        ("/team/ratings/add/", {"label": "Big", "value": "9" * 30}, "less than or equal to 32767"),
        ("/team/ratings/add/", {"label": "Nan", "value": "many"}, "Enter a whole number"),
    ],
)
def test_bad_input_shows_the_form_again_with_a_clear_message(team, owner, unaffiliated, url, data, message, headers):
    before = team_state()
    response = client_for(owner).post(url, data, **headers)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Nothing was saved; see below." in html
    assert team_state() == before


@PLAIN_AND_HTMX
def test_a_bad_row_edit_keeps_what_was_typed_in_that_row(team, owner, category, headers):
    before = team_state()
    data = {"name": "GENEVA convention!", "colour": "#000000", "description": "typed", "position": "0"}
    response = client_for(owner).post(f"/team/categories/{category.pk}/", data, **headers)

    html = response.content.decode()
    assert response.status_code == 200
    assert "too close to the existing category “Geneva Convention concern”" in html
    assert 'value="GENEVA convention!"' in html
    assert team_state() == before


def test_a_bad_role_value_is_a_form_error_not_a_500(team, owner, reviewer):
    before = team_state()
    member = membership(team, reviewer)
    response = client_for(owner).post(f"/team/members/{member.pk}/role/", {"role": "boss"}, **HTMX)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert team_state() == before


# --- CSRF ---------------------------------------------------------------------------------------


def test_a_plain_post_needs_the_csrf_token_from_the_page(team, owner, unaffiliated):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    data = {"username": "nina", "role": "reviewer"}

    assert strict.post("/team/members/add/", data).status_code == 403
    assert not Membership.objects.filter(user=unaffiliated).exists()

    token = csrf_token_in(strict.get("/team/").content.decode())
    response = strict.post("/team/members/add/", data | {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert membership(team, unaffiliated).role == Role.REVIEWER


def test_an_htmx_post_sends_the_token_in_its_header(team, owner, spare_category):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    page = strict.get("/team/").content.decode()
    token = re.search(r'hx-headers=\'\{"x-csrftoken": "([^"]+)"\}\'', page).group(1)

    response = strict.post(f"/team/categories/{spare_category.pk}/delete/", HTTP_X_CSRFTOKEN=token, **HTMX)

    assert response.status_code == 200
    assert not Category.objects.filter(pk=spare_category.pk).exists()


def test_renaming_a_rating_to_another_ratings_label_is_refused(team, owner):
    mixed = Rating.objects.get(team=team, slug="mixed")

    with pytest.raises(services.ActionRefused, match="too close to the existing rating “False”"):
        services.save_rating(user=owner, team=team, rating=mixed, label="false", value=mixed.value, is_scored=True)

    mixed.refresh_from_db()
    assert (mixed.label, mixed.slug) == ("Mixed", "mixed")
