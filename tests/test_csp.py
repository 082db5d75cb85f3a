"""Content-Security-Policy: every response carries it, with a fresh nonce and nothing inline allowed."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import HTMX, client_for


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def pages_without_arguments() -> list[str]:
    """Every GET page of the site that takes no argument (the admin's index included)."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith("admin/"):
                    found.append("/admin/")
                    continue
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "^" not in route:
                found.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def assert_strict(response) -> None:
    policy = directives(response)
    script = policy["script-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert any(value.startswith("'nonce-") for value in script)
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("logged_in", [False, True])
def test_every_page_without_arguments_carries_a_strict_policy(logged_in, owner, superuser, article):
    client = client_for(superuser) if logged_in else Client()
    for url in pages_without_arguments():
        response = client.get(url)
        assert "Content-Security-Policy" in response, url
        policy = directives(response)
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], url
        assert "'unsafe-inline'" not in policy["script-src"], url


def test_the_reader_uses_the_nonce_of_its_own_response_and_a_new_one_each_time(reviewer, article):
    client = client_for(reviewer)
    first, second = client.get(f"/articles/{article.pk}/"), client.get(f"/articles/{article.pk}/")
    assert_strict(first)
    nonce = next(v for v in directives(first)["script-src"] if v.startswith("'nonce-"))[7:-1]
    assert f'<style nonce="{nonce}">' in first.content.decode()
    assert re.search(r"<script(?![^>]*\bsrc=)(?![^>]*nonce=)", first.content.decode()) is None  # no bare inline script
    assert directives(second)["script-src"] != directives(first)["script-src"]


def test_htmx_fragments_and_refusals_carry_the_policy_too(reviewer, outsider, claim):
    fragment = client_for(reviewer).get(f"/claims/{claim.pk}/", **HTMX)
    refused = client_for(outsider).get(f"/claims/{claim.pk}/", **HTMX)
    assert fragment.status_code == 200 and refused.status_code == 404
    assert "frame-ancestors 'none'" in fragment["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in refused["Content-Security-Policy"]
