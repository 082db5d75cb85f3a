"""Object access beyond other teams: another reviewer of the same team, and the admin.

`test_outsider_walk.py` walks every URL with an id as a member of another team. Here the same walk
runs as a second reviewer of the same team against what is private to the first reviewer or reserved
to moderators and owners, and the admin is walked as staff of another team. Every refusal is 403 or
404, shows none of the private data, and changes nothing.
"""

from __future__ import annotations

import pytest
from django.contrib import admin

from reviews import services
from reviews.models import Role
from tests import test_outsider_walk as outsider_walk
from tests.conftest import HTMX, RATIONALE, client_for, make_user
from tests.test_outsider_walk import KIND_OF_URL, MISSING_PK, everything, patterns_with_ids, url_for

objects = outsider_walk.objects  # the fixture: one object of each kind in the team

# What a reviewer of the same team who has not reviewed yet may not do or see, by URL name. Every other URL with an id
# is open to any member of the team (reading the articles and claims, tagging, commenting, suggestions).
RESERVED = {
    "review-history": "another reviewer's verdict, before rex has submitted his own",
    "evidence-delete": "another reviewer's evidence",
    "review-decide": "moderators only",
    "claim-resolve": "moderators only",
    "article-assign": "moderators only",
    "assignment-delete": "moderators only",
    "article-stats": "moderators and owners only",
    "team-member-role": "owners only",
    "team-member-remove": "owners only",
    "team-category-save": "owners only",
    "team-category-delete": "owners only",
    "team-rating-save": "owners only",
    "team-rating-delete": "owners only",
}


def test_every_reserved_url_still_exists():
    assert set(RESERVED) <= {name for name, _, _ in patterns_with_ids()}


# Moderator and owner actions a reviewer posts are refused by the services with a message (the panel
# with the reason, or a redirect with it) rather than 403; they change nothing, which is what is checked.
REFUSED_WITH_A_MESSAGE = {200, 302}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_reviewer_of_the_team_is_refused_what_is_not_theirs_and_changes_nothing(
    method, headers, objects, team, rating_mixed
):
    rex = make_user("rex")
    services.add_member(team=team, user=rex, role=Role.REVIEWER)
    client = client_for(rex)
    data = {"action": "approve", "reason": "Rex's reason.", "version": "", "rating": rating_mixed.pk,
            "role": "owner", "expected_role": "reviewer", "name": "Renamed by rex", "label": "Renamed by rex",
            "value": 1, "colour": "#000000", "assignee": rex.pk}  # fmt: skip
    rita_review = objects["evidence"].review  # the fixture's "review" is remy's submitted one
    before = everything()
    walked = 0
    for name, route, _ in patterns_with_ids():
        if name not in RESERVED:
            continue
        target = rita_review if name == "review-history" else objects[KIND_OF_URL[name]]
        url = url_for(route, target.pk)
        response = client.post(url, data, **headers) if method == "post" else client.get(url, **headers)
        allowed = {403, 404, 405} | (REFUSED_WITH_A_MESSAGE if method == "post" else set())
        assert response.status_code in allowed, f"{method.upper()} {url} ({RESERVED[name]}): {response.status_code}"
        assert RATIONALE not in response.content.decode(), url
        assert "HX-Trigger" not in response, url
        assert everything() == before, f"{method.upper()} {url} changed something"
        walked += 1
    assert walked == len(RESERVED)


def test_staff_of_another_team_find_none_of_this_teams_objects_in_the_admin(objects, outsider, article):
    outsider.is_staff = True
    outsider.save()
    client = client_for(outsider)
    before = everything()
    shown = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "reviews":
            continue
        name = model._meta.model_name
        team_path = getattr(model_admin, "team_path", None)
        instance = next((obj for obj in objects.values() if type(obj) is model), None)
        if instance is None and team_path:
            instance = model._default_manager.filter(**{f"{team_path}__isnull": False}).first()
        if instance is None:
            continue
        for action in ("change", "delete", "history"):
            url = f"/admin/reviews/{name}/{instance.pk}/{action}/"
            response = client.get(url)
            # Django's admin answers an object outside the queryset with a redirect to the index,
            # exactly as for an id that does not exist, or 403 where the model is closed to them.
            assert response.status_code in (302, 403, 404), f"{url}: {response.status_code}"
            missing = client.get(f"/admin/reviews/{name}/{MISSING_PK}/{action}/")
            if response.status_code != 403:  # 403: the model is closed to them whatever the id
                assert response.status_code == missing.status_code, url
            if response.status_code == 302:
                assert response["Location"] == missing["Location"], url
            page = client.get(response["Location"]).content.decode() if response.status_code == 302 else ""
            assert str(instance) not in page or str(instance) in str(MISSING_PK), url
            assert RATIONALE not in page
            shown += 1
        post = client.post(f"/admin/reviews/{name}/{instance.pk}/change/", {})
        assert post.status_code in (302, 403, 404)
    assert shown >= 15
    assert everything() == before
