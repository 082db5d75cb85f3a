"""Login brute force (django-axes), password rules, logout by POST, and the security log."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from tests.conftest import PASSWORD, client_for

LIMIT = 5


def log_in(client: Client, username: str, password: str, address: str, url: str = "/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(client: Client, username: str, address: str, times: int = LIMIT, url: str = "/login/") -> None:
    for _ in range(times):
        response = log_in(client, username, "wrong password", address, url)
        assert response.status_code in (200, 429)


def test_the_right_password_logs_in(reviewer):
    client = Client()
    response = log_in(client, "rita", PASSWORD, "10.0.0.1")
    assert response.status_code == 302 and logged_in(client)


def test_after_five_failures_even_the_right_password_is_refused_with_a_lockout_page(reviewer):
    client = Client()
    fail(client, "rita", "10.0.0.1")
    response = log_in(client, "rita", PASSWORD, "10.0.0.1")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert not logged_in(client)


def test_four_failures_do_not_lock_and_a_success_starts_the_count_again(reviewer):
    client = Client()
    fail(client, "rita", "10.0.0.1", times=LIMIT - 1)
    assert log_in(client, "rita", PASSWORD, "10.0.0.1").status_code == 302
    client.post("/logout/")
    fail(client, "rita", "10.0.0.1", times=LIMIT - 1)
    assert log_in(client, "rita", PASSWORD, "10.0.0.1").status_code == 302


def test_a_locked_user_name_is_locked_from_every_address(reviewer):
    fail(Client(), "rita", "10.0.0.1")
    elsewhere = Client()
    assert log_in(elsewhere, "rita", PASSWORD, "10.0.0.2").status_code == 429
    assert not logged_in(elsewhere)


def test_a_locked_address_is_locked_for_every_user_name(reviewer, reviewer2):
    fail(Client(), "someone-guessing", "10.0.0.3")
    client = Client()
    assert log_in(client, "remy", PASSWORD, "10.0.0.3").status_code == 429
    assert not logged_in(client)
    assert log_in(Client(), "remy", PASSWORD, "10.0.0.4").status_code == 302  # others are not affected


def test_the_admin_login_is_locked_out_the_same_way(superuser):
    fail(Client(), "ada", "10.0.0.5", url="/admin/login/")
    client = Client()
    response = log_in(client, "ada", PASSWORD, "10.0.0.5", url="/admin/login/")
    assert response.status_code == 429 and not logged_in(client)


@pytest.mark.parametrize("password", ["password", "12345678", "rita", "short"])
def test_weak_passwords_are_refused_by_djangos_validators(reviewer, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=reviewer)


def test_logging_out_takes_a_post_and_a_get_changes_nothing(reviewer):
    client = client_for(reviewer)
    assert client.get("/logout/").status_code == 405
    assert logged_in(client)
    assert client.post("/logout/").status_code == 302
    assert not logged_in(client)


def test_refused_requests_are_written_to_the_security_log(outsider, article, caplog):
    with caplog.at_level(logging.WARNING, logger="factcheck.security"):
        response = client_for(outsider).get(f"/articles/{article.pk}/", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 404
    records = [r for r in caplog.records if r.name == "factcheck.security"]
    assert len(records) == 1
    message = records[0].getMessage()
    assert f"GET /articles/{article.pk}/" in message and "otto" in message and "10.0.0.9" in message
    assert "not found" in message


def test_a_lockout_is_written_to_the_security_log(reviewer, caplog):
    with caplog.at_level(logging.WARNING, logger="factcheck.security"):
        fail(Client(), "rita", "10.0.0.7", times=LIMIT + 1)
    assert any("locked out" in r.getMessage() for r in caplog.records if r.name == "factcheck.security")


@pytest.mark.parametrize(("status", "url"), [(404, "/articles/999999999/"), (404, "/no-such-page/")])
def test_with_debug_off_a_missing_page_is_the_sites_own_and_leaks_nothing(settings, reviewer, status, url):
    settings.DEBUG = False
    response = client_for(reviewer).get(url)
    body = response.content.decode()
    assert response.status_code == status
    assert "Traceback" not in body and "urlpatterns" not in body and "DEBUG" not in body
    assert "Factcheck Review" in body


def test_with_debug_off_a_server_error_is_the_sites_own_page_and_leaks_nothing(settings, reviewer, monkeypatch):
    settings.DEBUG = False

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("reviews.views.current_membership", broken, raising=True)
    client = client_for(reviewer)
    client.raise_request_exception = False
    response = client.get("/articles/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body and "secret internal detail" not in body and "Traceback" not in body
