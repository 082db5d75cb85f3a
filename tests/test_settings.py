"""Settings come from the environment; a bad value stops start-up with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "HTTPS")}
    environment.update(env)
    environment["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'])"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DEBUG": "maybe", "SECRET_KEY": "k"}, "DEBUG"),
        ({"DATABASE_URL": "mysql://localhost/db", "SECRET_KEY": "k"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://localhost:notaport/db", "SECRET_KEY": "k"}, "DATABASE_URL"),
        ({"DEBUG": "0"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": " , ", "SECRET_KEY": "k"}, "ALLOWED_HOSTS"),
        ({"HSTS_SECONDS": "a year", "SECRET_KEY": "k"}, "HSTS_SECONDS"),
        ({"HTTPS": "sometimes", "SECRET_KEY": "k"}, "HTTPS"),
    ],
)
def test_it_refuses_to_start_with_a_bad_value_and_names_the_variable(env, variable):
    result = start_django(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]


def test_it_uses_sqlite_when_no_database_url_is_set():
    result = start_django(SECRET_KEY="k")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_it_uses_postgres_when_database_url_says_so():
    result = start_django(SECRET_KEY="k", DATABASE_URL="postgres://postgres@127.0.0.1:5432/anything")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_debug_is_off_unless_set():
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG",)}
    environment.update(SECRET_KEY="k", DJANGO_SETTINGS_MODULE="factcheck.settings")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert result.stdout.strip() == "False"


# The production environment the README documents.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-of-more-than-fifty-random-characters-0123456789",
    "ALLOWED_HOSTS": "factcheck.example.org",
    "DATABASE_URL": "postgres://factcheck_app@127.0.0.1:5432/factcheck",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "HTTPS")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_the_documented_production_environment_passes_check_deploy_at_warning_level():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_turning_https_off_in_production_is_flagged_by_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, HTTPS="0")
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr and "SESSION_COOKIE_SECURE" in result.stderr
