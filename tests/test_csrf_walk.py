"""CSRF on every state-changing request.

The walk goes through every pattern of the root URLconf (`get_resolver().url_patterns`, the admin's
included), fills each argument with a real object of the logged-in owner's own team, and sends POST,
PUT, PATCH and DELETE with plausible form data from a client that enforces CSRF checks, without a
valid token: what a page on another site can make a logged-in browser send. Every one must be refused
with 403 and change nothing at all. The same requests with the token the page hands out are not
refused for CSRF, and the main ones do change the data: the refusals come from the missing token.

A URL pattern added later is walked automatically; if the walk cannot fill one of its arguments, the
walk fails and names the pattern to teach it.
"""

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern
from playwright.sync_api import Page, expect

from reviews import services
from reviews.audit import system_actor
from reviews.models import (
    Article,
    Assignment,
    AuditEvent,
    Category,
    Claim,
    ClaimCluster,
    Comment,
    Evidence,
    Membership,
    Outlet,
    Rating,
    Review,
    Role,
    Suggestion,
    Team,
)
from tests import test_browser
from tests.conftest import PASSWORD, SENTENCE, _FormScraper, make_user, row_counts, span_of
from tests.test_browser import log_in
from tests.test_outsider_walk import KIND_OF_URL

# The browser test below drives Chromium with the fixtures of tests/test_browser.py.
browser, page = test_browser.browser, test_browser.page

METHODS = ("post", "put", "patch", "delete")
# What Django's CSRF failure view says; a 403 for any other reason (no permission) does not say it.
CSRF_REFUSAL = b"CSRF verification failed"
NEW_PASSWORD = "another-long-test-password-2"


# --- the walk -------------------------------------------------------------------------------------


def leaf_patterns(patterns=None, chain: tuple = (), namespace: str = "") -> list[tuple[str, tuple]]:
    """(namespaced name, the patterns from the root down to it) of every URL pattern, includes followed."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += leaf_patterns(pattern.url_patterns, (*chain, pattern), inner)
        elif isinstance(pattern, URLPattern):
            found.append((namespace + (pattern.name or ""), (*chain, pattern)))
    return found


ROUTE_ARGUMENT = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def admin_model_of(prefix: str):
    """The model whose admin URLs start with `prefix` ("admin/reviews/claim/"), if any."""
    match = re.fullmatch(r"admin/(\w+)/(\w+)/", prefix)
    if not match:
        return None
    try:
        return apps.get_model(match[1], match[2])
    except LookupError:
        return None


@dataclass
class Step:
    name: str  # namespaced, "" for the admin's unnamed patterns
    url: str
    prefix: str  # the URL of the includes above the pattern: says which model an admin URL is about


class Walk:
    """Every URL pattern as a real URL naming real objects, and what a browser would post to it."""

    def __init__(self, objects: dict, superuser) -> None:
        self.objects = objects
        self.superuser = superuser
        self.steps: list[Step] = []
        for name, chain in leaf_patterns():
            url = ""
            for part in chain:
                prefix = url
                url += self._fill(name, part.pattern, prefix)
            url = "/" + url
            match = resolve(url)
            # The URL made for a pattern must reach that very pattern, not a catch-all or a sibling.
            assert match.func is chain[-1].callback, f"{url} made for {name or chain} resolves to {match.view_name}"
            self.steps.append(Step(name, url, prefix))
        self.forms = {step.url: self._scrape(step) for step in self.steps if self._is_admin_form(step)}

    # URLs

    def _fill(self, name: str, pattern, prefix: str) -> str:
        if isinstance(pattern, RoutePattern):
            text, argument = str(pattern), ROUTE_ARGUMENT
        else:
            text, argument = pattern.regex.pattern, REGEX_GROUP
        pieces, end = [], 0
        for found in argument.finditer(text):
            pieces += [text[end : found.start()], str(self._value(name, found["name"], prefix))]
            end = found.end()
        return ("".join(pieces) + text[end:]).lstrip("^").rstrip("$").replace("\\Z", "")

    def _value(self, name: str, argument: str, prefix: str):
        short = name.rpartition(":")[2]
        if name.startswith("reviews:"):
            assert short in KIND_OF_URL, f"map {name} to an object of the team in KIND_OF_URL (test_outsider_walk)"
            return self.objects[KIND_OF_URL[short]].pk
        if name == "admin:view_on_site":
            article = self.objects["article"]
            return {"content_type_id": ContentType.objects.get_for_model(Article).pk, "object_id": article.pk}[argument]
        if argument == "app_label":
            return "reviews"
        if argument == "url":  # the admin's catch-all
            return "no-such-admin-page/"
        model = admin_model_of(prefix)
        if model is not None and argument in ("object_id", "id"):
            return self.admin_target(model).pk
        raise AssertionError(f"the walk cannot fill <{argument}> in {name or prefix!r}: teach Walk._value")

    def admin_target(self, model):
        target = self.objects["admin"].get(model) or model._default_manager.order_by("pk").first()
        assert target is not None, f"create a {model.__name__} in the `objects` fixture for the walk to name"
        return target

    # data

    def _is_admin_form(self, step: Step) -> bool:
        suffixes = ("_add", "_change", "auth_user_password_change")
        return admin_model_of(step.prefix) is not None and step.name.endswith(suffixes)

    def _scrape(self, step: Step) -> dict:
        """What the admin's form at the URL would post, with something changed, blanks filled, and no token."""
        model = admin_model_of(step.prefix)
        visitor = Client()
        visitor.force_login(self.superuser)
        response = visitor.get(step.url)
        data: dict = {}
        if response.status_code == 200:
            scraper = _FormScraper(f"{model._meta.model_name}_form")
            scraper.feed(response.content.decode())
            for name, value in scraper.fields:
                if name in data:
                    data[name] = (data[name] if isinstance(data[name], list) else [data[name]]) + [value]
                else:
                    data[name] = value
        data.pop("csrfmiddlewaretoken", None)
        for name in ("name", "title", "label", "rationale", "username", "note", "description", "first_name"):
            if data.get(name):
                data[name] = f"{data[name]}-changed"
        for name, value in self.objects["admin_form"].items():
            if data.get(name, "") == "" and (name in data or not data):
                data[name] = value
        return data

    def data_for(self, step: Step) -> dict:
        """Plausible form data for the URL: what its own form would post."""
        short = step.name.rpartition(":")[2]
        if step.name.startswith("reviews:"):
            data = dict(self.objects["form"])
            target = self.objects.get(KIND_OF_URL.get(short, ""))
            if short != "review-save" and getattr(target, "version", None) is not None:
                data["version"] = target.version
            if short == "article-import":
                data["files"] = SimpleUploadedFile("walk.txt", b"Imported by the walk\n\nA paragraph.\n", "text/plain")
            return data
        if step.name in ("login", "admin:login"):
            return {"username": self.superuser.get_username(), "password": PASSWORD}
        if step.name == "admin:password_change":
            return {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        if step.url in self.forms:
            return dict(self.forms[step.url])
        model = admin_model_of(step.prefix)
        if model is not None and step.name.endswith("_changelist"):
            request = RequestFactory().get(step.url)
            request.user = self.superuser
            actions = list(admin.site._registry[model].get_actions(request))
            action = "delete_selected" if "delete_selected" in actions else next(iter(actions), "")
            selected = self.objects["selected"].get(model) or self.admin_target(model)
            return {"action": action, "_selected_action": [selected.pk], "index": "0", "post": "yes"}
        if model is not None and step.name.endswith("_delete"):
            return {"post": "yes"}
        return {}


def send(client: Client, method: str, url: str, data: dict, **headers):
    """POST as a form does; PUT, PATCH and DELETE with the same fields as a urlencoded body."""
    if method == "post":
        return client.post(url, data, **headers)
    body = urlencode({name: value for name, value in data.items() if not hasattr(value, "read")}, doseq=True)
    return getattr(client, method)(url, body, content_type="application/x-www-form-urlencoded", **headers)


def database_state() -> dict[str, str]:
    """A digest of every row of every table: sessions, the admin's log and django-axes' included."""
    tables = sorted({model._meta.db_table for model in apps.get_models() if not model._meta.proxy})
    if connection.vendor != "postgresql":
        return {model._meta.db_table: repr(list(model._default_manager.values())) for model in apps.get_models()}
    digest = "SELECT %s::text, (SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM {} r)"
    query = " UNION ALL ".join(digest.format(connection.ops.quote_name(table)) for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(query, tables)
        return dict(cursor.fetchall())


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))


def token_from(response) -> str:
    """The token the page gives htmx: base.html puts it in `hx-headers` on <body>."""
    match = re.search(r"<body hx-headers='([^']+)'", response.content.decode())
    assert match, "the page hands htmx no CSRF header"
    return json.loads(match[1])["x-csrftoken"]


def logged_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def objects(
    team,
    other_team,
    owner,
    moderator,
    reviewer,
    reviewer2,
    superuser,
    article,
    claim,
    review,
    evidence,
    own_review,
    rating_mixed,
    category,
) -> dict:
    """One object of each kind in ada's team, each in a state where her request would change something."""
    services.add_member(team=other_team, user=superuser, role=Role.REVIEWER)  # so that switching teams is real
    remys = services.save_review(user=reviewer2, claim=claim, rating=rating_mixed, rationale="remy's", confidence=1)
    remys = services.submit_review(user=reviewer2, review=remys)  # ada may decide on it
    adas_evidence = services.add_evidence(
        user=superuser, review=own_review, url="https://example.org/adas-source", stance=Evidence.Stance.CONTEXT
    )
    assignment = services.assign(user=moderator, article=article, assignee=reviewer)
    comment = services.add_comment(user=reviewer, claim=claim, body="Check the Interfax wording.")
    with system_actor("tests"):  # a syndicated copy: its claim on the same sentence forms a claim cluster
        copy = services.import_article(team=team, data=article.body.encode() + b"\nSyndicated.", source="copy").article
    copied = services.tag_claim(user=reviewer, article=copy, start=claim.start, end=claim.end, category=category)
    services.save_review(user=reviewer, claim=copied, rating=rating_mixed, rationale="on the copy", confidence=2)
    make_user("nina")  # not a member yet: the owner may add her
    unused_category = Category.objects.filter(team=team).exclude(pk=category.pk).first()
    unused_rating = Rating.objects.get(team=team, slug="unverifiable")
    outlet = Outlet.objects.create(name="The Walk Gazette")
    visit = {"ip_address": "127.0.0.1", "user_agent": "pytest", "http_accept": "*/*", "path_info": "/login/"}
    start, end = span_of(article, "Ukrainian airspace")
    objects = {
        "article": article,
        "claim": claim,
        "review": remys,
        "evidence": adas_evidence,
        "assignment": assignment,
        "membership": Membership.objects.get(team=team, user=reviewer2),
        "category": unused_category,
        "rating": unused_rating,
        "suggestion": article.suggestions.pending().first(),
    }
    objects["admin"] = {
        Team: team,
        Membership: objects["membership"],
        Outlet: outlet,
        Category: unused_category,
        Rating: unused_rating,
        Article: article,
        Claim: claim,
        Review: own_review,
        Evidence: adas_evidence,
        AuditEvent: AuditEvent.objects.filter(team=team).latest("pk"),
        Assignment: assignment,
        Comment: comment,
        Suggestion: objects["suggestion"],
        ClaimCluster: ClaimCluster.objects.get(team=team),
        get_user_model(): reviewer2,
        Group: Group.objects.create(name="Fact checkers"),
        AccessAttempt: AccessAttempt.objects.create(
            username="nobody", get_data="", post_data="", failures_since_start=1, **visit
        ),
        AccessLog: AccessLog.objects.create(username="olga", **visit),
        AccessFailureLog: AccessFailureLog.objects.create(username="nobody", locked_out=False, **visit),
    }
    # An admin action on a changelist applies to these; a review is approved by someone else than its author.
    objects["selected"] = {**objects["admin"], Review: remys}
    # What the reader's and the team page's forms post.
    objects["form"] = {
        "team": other_team.pk,
        "action": "approve",
        "reason": "Checked against two sources.",
        "rating": rating_mixed.pk,
        "rationale": "Posted by the walk.",
        "confidence": 2,
        "body": "A comment from the walk.",
        "assignee": reviewer2.pk,
        "claim": claim.pk,
        "url": "https://example.org/walk",
        "document_ref": "",
        "excerpt": "Six, not seven.",
        "stance": "context",
        "start": start,
        "end": end,
        "quote": "Ukrainian airspace",
        "category": category.pk,
        "note": "",
        "username": "nina",
        "role": "moderator",
        "expected_role": "reviewer",
        "name": "Renamed by the walk",
        "colour": "#123456",
        "description": "",
        "position": 3,
        "label": "Relabelled by the walk",
        "value": 1,
        "is_scored": "on",
        "source": copied.pk,  # claim-adopt: the claim of the cluster whose verdict to adopt
    }
    # Blanks of the admin's add and change forms.
    objects["admin_form"] = {
        "team": team.pk,
        "name": "Added through the admin",
        "slug": "added-through-the-admin",
        "title": "Added through the admin",
        "body": "An article added through the admin.\n\nIt has a second paragraph.",
        "source": "admin",
        "label": "Added",
        "value": "1",
        "colour": "#654321",
        "article": article.pk,
        "start": start,
        "end": end,
        "category": category.pk,
        "claim": claim.pk,
        "rating": rating_mixed.pk,
        "confidence": "2",
        "rationale": "Added through the admin.",
        "user": reviewer2.pk,
        "role": "reviewer",
        "username": "newcomer",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "usable_password": "true",
    }
    return objects


@pytest.fixture
def walk(objects, superuser) -> Walk:
    return Walk(objects, superuser)


# --- the walk's coverage --------------------------------------------------------------------------


def test_the_walk_reaches_every_url_pattern_the_admins_included(walk, article, own_review, objects):
    assert len(walk.steps) == len(leaf_patterns()) > 100
    urls = {step.url for step in walk.steps}
    assert {
        "/login/",
        "/logout/",
        "/teams/switch/",
        "/articles/import/",
        f"/articles/{article.pk}/claims/",
        f"/claims/{objects['claim'].pk}/review/",
        f"/claims/{objects['claim'].pk}/comments/",
        "/admin/login/",
        "/admin/logout/",
        "/admin/password_change/",
        f"/admin/reviews/article/{article.pk}/change/",
        f"/admin/reviews/article/{article.pk}/delete/",
        f"/admin/reviews/review/{own_review.pk}/change/",
        "/admin/reviews/review/",
        "/admin/reviews/",
    } <= urls


def test_the_admin_changelists_post_an_action_on_a_real_row(walk):
    actions = {step.url: walk.data_for(step) for step in walk.steps if step.name.endswith("_changelist")}
    assert actions["/admin/reviews/article/"]["action"] == "delete_selected"
    assert actions["/admin/reviews/review/"] == {
        "action": "approve_selected",
        "_selected_action": [walk.objects["review"].pk],
        "index": "0",
        "post": "yes",
    }
    assert actions["/admin/reviews/suggestion/"]["action"] == "accept_selected"


# --- without a token: refused, nothing changes ----------------------------------------------------


@pytest.mark.parametrize("token", ["none", "the attacker's own"])
def test_every_state_changing_request_without_the_users_token_is_refused_and_changes_nothing(token, walk, superuser):
    ada = logged_in(superuser)
    ada.get("/articles/")  # her browser holds the csrftoken cookie; a page on another site cannot read it
    assert "csrftoken" in ada.cookies
    headers, extra = {}, {}
    if token != "none":
        attacker = Client(enforce_csrf_checks=True)
        forged = token_from(attacker.get("/login/"))
        headers, extra = {"HTTP_X_CSRFTOKEN": forged}, {"csrfmiddlewaretoken": forged}
    before, counts = database_state(), row_counts()
    not_refused, changed = [], []

    for step in walk.steps:
        for method in METHODS:
            response = send(ada, method, step.url, {**walk.data_for(step), **extra}, **headers)
            if response.status_code != 403 or CSRF_REFUSAL not in response.content:
                not_refused.append(f"{method.upper()} {step.url} ({step.name}) answered {response.status_code}")
            after = database_state()
            if row_counts() != counts or after != before:
                tables = ", ".join(changed_tables(before, after))
                changed.append(f"{method.upper()} {step.url} ({step.name}) changed {tables}")
                before, counts = after, row_counts()

    assert not_refused == [], "state-changing requests without a valid CSRF token went through:\n" + "\n".join(
        not_refused
    )
    assert changed == [], "requests without a valid CSRF token changed the database:\n" + "\n".join(changed)
    assert AuditEvent.objects.count() == counts["events"]
    # Neither /logout/ nor /admin/logout/ went through: ada is still logged in.
    assert ada.get("/articles/").status_code == 200
    assert len(walk.steps) * len(METHODS) > 400


# --- with the token: not refused, and the main actions do change the data -------------------------

# POSTs that change the database when sent with the token: the refusals above are not vacuous.
CHANGING = {
    "login",
    "logout",
    "admin:logout",
    "admin:password_change",
    "reviews:team-switch",
    "reviews:article-suggest",
    "reviews:claim-unlink",
    "reviews:claim-create",
    "reviews:claim-delete",
    "reviews:review-save",
    "reviews:evidence-add",
    "reviews:evidence-delete",
    "reviews:comment-add",
    "reviews:review-decide",
    "reviews:article-assign",
    "reviews:assignment-delete",
    "reviews:team-member-add",
    "reviews:team-member-role",
    "reviews:team-member-remove",
    "reviews:team-category-add",
    "reviews:team-category-save",
    "reviews:team-category-delete",
    "reviews:team-rating-add",
    "reviews:team-rating-save",
    "reviews:team-rating-delete",
    "reviews:suggestion-accept",
    "reviews:suggestion-dismiss",
    "reviews:article-import",
    "admin:reviews_article_change",
    "admin:reviews_review_change",
    "admin:reviews_review_changelist",
    "admin:reviews_team_change",
    "admin:reviews_category_delete",
    "admin:reviews_membership_delete",
    "admin:reviews_suggestion_changelist",
    "admin:auth_user_password_change",
    "admin:auth_user_change",
}


def test_the_same_requests_with_the_token_are_not_refused_for_csrf_and_would_change_data(walk, superuser):
    ada = logged_in(superuser)
    token = token_from(ada.get("/articles/"))
    cookies = {name: morsel.value for name, morsel in ada.cookies.items()}
    refused, changed = [], set()
    before = database_state()

    for step in walk.steps:
        for method in METHODS:
            with transaction.atomic():  # each request on the same data: undone after it
                data = {**walk.data_for(step), "csrfmiddlewaretoken": token}
                response = send(ada, method, step.url, data, HTTP_X_CSRFTOKEN=token)
                if CSRF_REFUSAL in response.content:
                    refused.append(f"{method.upper()} {step.url} ({step.name}) answered {response.status_code}")
                if database_state() != before:
                    changed.add((step.name, method))
                transaction.set_rollback(True)
            for name, value in cookies.items():  # a login or logout above must not change who the next is
                ada.cookies[name] = value

    assert refused == []
    changed_by_post = {name for name, method in changed if method == "post"}
    assert changed_by_post >= CHANGING, f"with the token these changed nothing: {sorted(CHANGING - changed_by_post)}"


def test_tagging_reviewing_and_commenting_are_refused_without_the_token_and_go_through_with_the_htmx_header(
    superuser, article, category, rating_mixed
):
    ada = logged_in(superuser)
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_X_CSRFTOKEN": token_from(ada.get(f"/articles/{article.pk}/"))}
    start, end = span_of(article, SENTENCE)
    tag = {"start": start, "end": end, "quote": SENTENCE, "category": category.pk}

    forged = ada.post(f"/articles/{article.pk}/claims/", tag, HTTP_HX_REQUEST="true")
    assert forged.status_code == 403
    assert not Claim.objects.filter(article=article).exists()
    tagged = ada.post(f"/articles/{article.pk}/claims/", tag, **htmx)
    assert tagged.status_code == 200
    claim = Claim.objects.get(article=article)
    assert claim.quote == SENTENCE

    verdict = {"rating": rating_mixed.pk, "rationale": "Two sources disagree.", "confidence": 2}
    assert ada.post(f"/claims/{claim.pk}/review/", verdict, HTTP_HX_REQUEST="true").status_code == 403
    assert not Review.objects.filter(claim=claim).exists()
    assert ada.post(f"/claims/{claim.pk}/review/", verdict, **htmx).status_code == 200
    assert Review.objects.get(claim=claim, reviewer=superuser).rationale == "Two sources disagree."

    comment = {"body": "Interfax says six."}
    assert ada.post(f"/claims/{claim.pk}/comments/", comment, HTTP_HX_REQUEST="true").status_code == 403
    assert not Comment.objects.filter(claim=claim).exists()
    assert ada.post(f"/claims/{claim.pk}/comments/", comment, **htmx).status_code == 200
    assert list(Comment.objects.filter(claim=claim).values_list("body", flat=True)) == ["Interfax says six."]


def test_a_form_posted_without_javascript_goes_through_with_the_token_field_of_the_page(superuser, claim):
    ada = logged_in(superuser)
    panel = ada.get(f"/articles/{claim.article_id}/?claim={claim.pk}").content.decode()
    field = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', panel)
    assert field, "the claim panel's forms carry no token field"
    comment = {"body": "Posted as a plain form."}
    assert ada.post(f"/claims/{claim.pk}/comments/", comment).status_code == 403
    response = ada.post(f"/claims/{claim.pk}/comments/", {**comment, "csrfmiddlewaretoken": field[1]})
    assert response.status_code == 302
    assert Comment.objects.filter(claim=claim, body="Posted as a plain form.").count() == 1


# --- logging in and out ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_the_login_form_needs_a_token(url, superuser):
    visitor = Client(enforce_csrf_checks=True)
    form = visitor.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())[1]
    credentials = {"username": superuser.get_username(), "password": PASSWORD}
    before = database_state()

    refused = visitor.post(url, credentials)
    assert refused.status_code == 403
    assert CSRF_REFUSAL in refused.content
    assert database_state() == before  # no session, no login record
    assert "sessionid" not in visitor.cookies

    accepted = visitor.post(url, {**credentials, "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert visitor.session["_auth_user_id"] == str(superuser.pk)


@pytest.mark.parametrize("url", ["/logout/", "/admin/logout/"])
def test_logout_is_post_only_and_a_get_or_a_post_without_the_token_keeps_the_session(url, superuser):
    ada = logged_in(superuser)
    token = token_from(ada.get("/articles/"))
    session_key = ada.session.session_key

    assert ada.get(url).status_code == 405
    assert ada.post(url).status_code == 403
    assert ada.get("/articles/").status_code == 200
    assert ada.session["_auth_user_id"] == str(superuser.pk)
    assert Session.objects.filter(session_key=session_key).exists()

    assert ada.post(url, HTTP_X_CSRFTOKEN=token).status_code in (200, 302)
    assert not Session.objects.filter(session_key=session_key).exists()
    assert ada.get("/articles/").status_code == 302


# --- in the browser: htmx sends the token in its header --------------------------------------------


@pytest.mark.browser
def test_a_comment_posted_through_htmx_in_the_browser_carries_the_csrf_header_and_is_saved(page: Page, reviewer, claim):
    log_in(page, reviewer)
    page.goto(f"/articles/{claim.article_id}/?claim={claim.pk}")
    panel = page.locator("#claim-panel")
    expect(panel).to_have_attribute("data-claim", str(claim.pk))
    token = json.loads(page.locator("body").get_attribute("hx-headers"))["x-csrftoken"]
    page.evaluate("window.__sameDocument = true")

    form = panel.locator("form.comment-form")
    form.locator("textarea[name=body]").fill("Interfax and the General Staff both say six.")
    with page.expect_request(lambda request: request.method == "POST" and "/comments/" in request.url) as posted:
        form.get_by_role("button", name="Comment").click()

    request = posted.value
    assert request.url.endswith(f"/claims/{claim.pk}/comments/")
    headers = request.all_headers()
    assert headers.get("x-csrftoken") == token
    assert headers.get("hx-request") == "true"
    assert request.response().status == 200
    expect(page.locator("#claim-panel ul.comments")).to_contain_text("Interfax and the General Staff both say six.")
    assert page.evaluate("window.__sameDocument === true"), "the comment reloaded the page instead of swapping"
    assert Comment.objects.filter(claim=claim, author=reviewer).values_list("body", flat=True).get() == (
        "Interfax and the General Staff both say six."
    )
