"""The cast: a team with an owner, a moderator and two reviewers; an outsider in another team."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from reviews import services
from reviews.audit import system_actor
from reviews.models import Article, Category, Rating, Role, Team

SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"
PASSWORD = "a-long-test-password-1"


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


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


HTMX = {"HTTP_HX_REQUEST": "true"}
