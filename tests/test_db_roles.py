"""The two PostgreSQL roles: what the application role and the owner role may do to audit events.

`setup_db_roles` runs inside each test's transaction, so the roles it creates and the ownership it
changes are rolled back with the test.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from reviews import chain, services
from reviews.models import AuditEvent

APP, OWNER = "factcheck_app", "factcheck_owner"


@pytest.fixture
def roles(review):
    """The roles set up on a database that already holds a few audit events."""
    with connection.cursor() as cursor:
        # Tables cannot change owner with the fixtures' deferred foreign-key checks still pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("setup_db_roles", stdout=StringIO())
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def run_as(role: str, sql: str) -> str:
    """Run one statement as the role; the database's refusal, or "" when it was allowed."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {role}")
            cursor.execute(sql)
    except DatabaseError as exc:
        return str(exc)
    return ""


def audit_rows() -> list[tuple]:
    return list(AuditEvent.objects.order_by("seq").values_list("seq", "reason", "hash"))


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE reviews_auditevent SET reason = 'rewritten'",
        "DELETE FROM reviews_auditevent",
        "TRUNCATE reviews_auditevent",
    ],
    ids=["update", "delete", "truncate"],
)
def test_the_application_role_may_not_change_audit_events(roles, sql):
    before = audit_rows()

    refusal = run_as(APP, sql)

    assert "permission denied for table reviews_auditevent" in refusal
    assert audit_rows() == before


def test_the_application_role_may_not_switch_the_guard_off(roles):
    for trigger in ("reviews_audit_no_change", "reviews_audit_seal"):
        refusal = run_as(APP, f"ALTER TABLE reviews_auditevent DISABLE TRIGGER {trigger}")
        assert "must be owner of table reviews_auditevent" in refusal


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE reviews_auditevent SET reason = 'rewritten'",
        "DELETE FROM reviews_auditevent",
        "TRUNCATE reviews_auditevent",
    ],
    ids=["update", "delete", "truncate"],
)
def test_even_the_owner_role_is_refused_by_the_trigger(roles, sql):
    before = audit_rows()

    refusal = run_as(OWNER, sql)

    assert "the audit trail is append-only" in refusal
    assert audit_rows() == before


def test_the_application_role_writes_the_app_and_its_sealed_events(roles, reviewer, claim):
    before = AuditEvent.objects.count()

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP}")
        services.add_comment(user=reviewer, claim=claim, body="Written as the application role.")
        assert AuditEvent.objects.count() == before + 1
        verdict = chain.verify()

    assert verdict.ok
    assert verdict.head_seq == before + 1


def test_the_roles_command_prints_its_sql_on_a_dry_run_and_changes_nothing(db):
    out = StringIO()

    call_command("setup_db_roles", "--dry-run", stdout=out)

    sql = out.getvalue()
    assert 'GRANT SELECT, INSERT ON "reviews_auditevent" TO factcheck_app;' in sql
    assert 'ALTER TABLE "reviews_auditevent" OWNER TO factcheck_owner;' in sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'reviews_auditevent'")
        assert cursor.fetchone()[0] != OWNER


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--app-role", "app; DROP TABLE x"], "not a plain role name: 'app; DROP TABLE x'"),
        (["--app-role", "same", "--owner-role", "same"], "the owner and the application need two different roles"),
    ],
    ids=["injection", "one role for both"],
)
def test_the_roles_command_refuses_bad_role_names(db, args, message):
    with pytest.raises(CommandError) as refused:
        call_command("setup_db_roles", *args, stdout=StringIO())

    assert str(refused.value) == message
