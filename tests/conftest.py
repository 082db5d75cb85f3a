"""The cast: a team with an owner, a moderator and two reviewers; an outsider in another team.

Also the shared data on seed 001 (a claim, rita's verdict on it, her evidence) and the helpers the
view, permission, audit and admin tests have in common.
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from reviews import services
from reviews.audit import system_actor
from reviews.models import Article, AuditEvent, Category, Claim, Evidence, Rating, Review, Role, Team

SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"
PASSWORD = "a-long-test-password-1"

# Seed 001: the sentence the `claim` fixture marks.
SENTENCE = (
    "The seven army reconnaissance personnel were shot down from Ukrainian airspace last week, according to reports."
)
# What the `review` and `evidence` fixtures store; plain ASCII without quotes, so it appears in HTML unescaped.
RATIONALE = "The pilots were not army scouts."
EVIDENCE_URL = "https://example.org/interfax-report"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; the production hasher would spend most of the run hashing their passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str):
    return get_user_model().objects.create_user(username=username, password=PASSWORD)


@pytest.fixture
def team(db) -> Team:
    return services.create_team(name="Desk", slug="desk")


@pytest.fixture
def other_team(db) -> Team:
    return services.create_team(name="Elsewhere", slug="elsewhere")


@pytest.fixture
def owner(team):
    user = make_user("olga")
    services.add_member(team=team, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def moderator(team):
    user = make_user("mona")
    services.add_member(team=team, user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def reviewer(team):
    user = make_user("rita")
    services.add_member(team=team, user=user, role=Role.REVIEWER)
    return user


@pytest.fixture
def reviewer2(team):
    user = make_user("remy")
    services.add_member(team=team, user=user, role=Role.REVIEWER)
    return user


@pytest.fixture
def outsider(other_team):
    user = make_user("otto")
    services.add_member(team=other_team, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def superuser(team):
    """A superuser who is also an owner of the team: the services check membership, not staff flags."""
    user = get_user_model().objects.create_superuser(username="ada", password=PASSWORD, email="ada@example.org")
    services.add_member(team=team, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def ada(superuser) -> Client:
    return client_for(superuser)


def seed_bytes(prefix: str) -> bytes:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_bytes()


@pytest.fixture
def article(team) -> Article:
    """Seed 001: the one with a non-breaking space and straight and curly quotes."""
    with system_actor("tests"):
        return services.import_article(team=team, data=seed_bytes("001"), source="001.txt").article


@pytest.fixture
def category(team) -> Category:
    return Category.objects.get(team=team, slug="casualty-figures")


@pytest.fixture
def rating_false(team) -> Rating:
    return Rating.objects.get(team=team, slug="false")


@pytest.fixture
def rating_mixed(team) -> Rating:
    return Rating.objects.get(team=team, slug="mixed")


def span_of(article: Article, text: str) -> tuple[int, int]:
    start = article.body.index(text)
    return start, start + len(text)


@pytest.fixture
def claim(article, reviewer, category) -> Claim:
    """SENTENCE, marked by rita."""
    start, end = span_of(article, SENTENCE)
    return services.tag_claim(user=reviewer, article=article, start=start, end=end, category=category)


@pytest.fixture
def review(claim, reviewer, rating_false) -> Review:
    """Rita's verdict on the claim: false, with RATIONALE."""
    return services.save_review(user=reviewer, claim=claim, rating=rating_false, rationale=RATIONALE, confidence=2)


@pytest.fixture
def evidence(review, reviewer) -> Evidence:
    return services.add_evidence(user=reviewer, review=review, url=EVIDENCE_URL, stance=Evidence.Stance.REFUTES)


@pytest.fixture
def own_review(claim, superuser, rating_false) -> Review:
    """Ada's verdict on rita's claim: what a superuser may change in the admin."""
    return services.save_review(user=superuser, claim=claim, rating=rating_false, rationale="ada's", confidence=3)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


HTMX = {"HTTP_HX_REQUEST": "true"}


def follow(client: Client, response) -> str:
    """The page a plain POST (or a refused admin change) redirected to, with the messages it left."""
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


# --- a browser's view of an admin form ----------------------------------------------------------


class _FormScraper(HTMLParser):
    """Collects what a browser would submit from the form with the given id."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: list[str] | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        name = attrs.get("name")
        if not self.inside or (tag != "option" and (not name or "__prefix__" in name)):
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea = [name, ""]
        elif tag == "select":
            self._select = {"name": name, "first": None, "selected": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["selected"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            # Browsers drop the newline right after <textarea>; Django's widget writes one.
            self.fields.append((name, value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["selected"] or ([self._select["first"]] if self._select["first"] is not None else [])
            self.fields.extend((self._select["name"], value) for value in chosen)
            self._select = None


def form_data(client: Client, url: str, model_name: str) -> dict:
    """The data the admin form at `url` would post unchanged."""
    response = client.get(url)
    assert response.status_code == 200
    scraper = _FormScraper(f"{model_name}_form")
    scraper.feed(response.content.decode())
    data: dict = {}
    for name, value in scraper.fields:
        if name in data:
            data[name] = (data[name] if isinstance(data[name], list) else [data[name]]) + [value]
        else:
            data[name] = value
    assert data, f"no form {model_name}_form at {url}"
    return data


def no_inline_rows(prefix: str, max_num: int = 0) -> dict[str, str]:
    """The management form of an admin inline posted with no rows, as an add page posts it."""
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": str(max_num),
    }


def row_counts() -> dict[str, int]:
    """How many articles, claims, reviews, evidence and audit events exist: for "nothing changed"."""
    return {
        "articles": Article.objects.count(),
        "claims": Claim.objects.count(),
        "reviews": Review.objects.count(),
        "evidence": Evidence.objects.count(),
        "events": AuditEvent.objects.count(),
    }
