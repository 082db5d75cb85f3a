"""The audit trail's hash chain: sealed by the database, verified by `verify_audit`, guarded by triggers.

Tampering is done the way an attacker with the database superuser's rights would do it: switch the
guard triggers off, change rows with SQL, switch them on again (`tampered`). The test transaction
rolls all of it back, trigger switches included. The SQLite tests run manage.py in a subprocess
with a database file of their own.
"""

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse

from reviews import chain, services
from reviews.audit import AuditContextMiddleware, system_actor
from reviews.chain import GENESIS, PG_CANONICAL, digest
from reviews.models import AuditEvent, Claim, Comment, Evidence, Review
from tests.conftest import EVIDENCE_URL, seed_bytes

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60  # seconds, for threads and subprocesses: generous, each step takes far less

# A decision reason with non-ASCII text, curly and straight quotes and a backslash: the canonical
# JSON text must escape all of it the same way when sealing and when verifying.
REASON = 'Quelle fehlt: „Interfax“ nennt 7, nicht 9 — see "the report" \\ p. 2'
GUARDS = ("reviews_audit_no_change",)
SEAL = "reviews_audit_seal"


# --- helpers ------------------------------------------------------------------------------------


@contextmanager
def tampered(*, seal_off: bool = False) -> Iterator:
    """A cursor with the guard triggers off (and the sealing trigger too with `seal_off`), as an attacker
    with the superuser's rights would have it; the triggers are switched on again afterwards."""
    triggers = GUARDS + ((SEAL,) if seal_off else ())
    with connection.cursor() as cursor:
        for trigger in triggers:
            cursor.execute(f"ALTER TABLE reviews_auditevent DISABLE TRIGGER {trigger}")
        try:
            yield cursor
        finally:
            for trigger in triggers:
                cursor.execute(f"ALTER TABLE reviews_auditevent ENABLE TRIGGER {trigger}")


def chain_rows() -> list[tuple[int, str, str, str]]:
    """(seq, prev_hash, hash, the database's canonical text) of every event, in sequence order."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, prev_hash, hash, {PG_CANONICAL} FROM reviews_auditevent ORDER BY seq")
        return cursor.fetchall()


def stored_row(seq: int) -> dict:
    return AuditEvent.objects.filter(seq=seq).values().get()


def hash_of(seq: int) -> str:
    return AuditEvent.objects.values_list("hash", flat=True).get(seq=seq)


def reseal(cursor, seq: int) -> None:
    """Link event `seq` to the one before it and recompute its hash with the trigger's own expression."""
    cursor.execute(
        "UPDATE reviews_auditevent SET prev_hash = (SELECT hash FROM reviews_auditevent WHERE seq = %s) WHERE seq = %s",
        [seq - 1, seq],
    )
    cursor.execute(
        f"UPDATE reviews_auditevent SET hash = encode(sha256(convert_to({PG_CANONICAL}, 'UTF8')), 'hex')"
        " WHERE seq = %s",
        [seq],
    )


def verify_audit(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def refusal_of_verify_audit(*args: str) -> str:
    with pytest.raises(CommandError) as refused:
        verify_audit(*args)
    return str(refused.value)


def checkpoint() -> str:
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    return out.getvalue().strip()


def fresh(review: Review) -> Review:
    return Review.objects.select_related("claim__article__team").get(pk=review.pk)


@pytest.fixture
def trail(claim, review, reviewer, reviewer2, moderator, rating_mixed) -> int:
    """A claim's whole story through the services; returns how many events the trail holds."""
    services.add_evidence(user=reviewer, review=review, url=EVIDENCE_URL, stance=Evidence.Stance.REFUTES)
    services.submit_review(user=reviewer, review=fresh(review))
    other = services.save_review(
        user=reviewer2, claim=claim, rating=rating_mixed, rationale="Partly true — “mixed”.", confidence=1
    )
    services.submit_review(user=reviewer2, review=fresh(other))
    services.decide_review(user=moderator, review=fresh(other), action="request_changes", reason=REASON)
    services.decide_review(user=moderator, review=fresh(review), action="approve")
    services.add_comment(user=moderator, claim=claim, body="Final: the pilots were not scouts.")
    count = AuditEvent.objects.count()
    assert count >= 10
    assert chain.verify().ok
    return count


# --- the chain as the services write it ----------------------------------------------------------


def test_a_trail_written_through_the_services_is_a_gapless_chain_that_python_and_the_database_agree_on(trail):
    rows = chain_rows()

    assert [seq for seq, _, _, _ in rows] == list(range(1, trail + 1))
    assert rows[0][1] == GENESIS
    for (_, _, previous_hash, _), (seq, prev_hash, _, _) in zip(rows, rows[1:], strict=False):
        assert prev_hash == previous_hash, f"event {seq} does not link to the event before it"
    for seq, _, stored, canonical in rows:
        assert digest(canonical) == stored, f"event {seq}: Python's SHA-256 differs from the trigger's"
    assert len({stored for _, _, stored, _ in rows}) == trail
    # The awkward reason went through the sealing trigger and the check.
    assert AuditEvent.objects.filter(reason=REASON).exists()

    verdict = chain.verify()
    assert verdict.ok, verdict.problem
    assert (verdict.events, verdict.head_seq, verdict.head_hash) == (trail, trail, rows[-1][2])
    assert chain.head() == (trail, rows[-1][2])


def test_an_event_saved_with_a_made_up_place_in_the_chain_gets_the_place_the_trigger_gives_it(trail):
    head_seq, head_hash = chain.head()
    forged = AuditEvent(
        seq=1,
        prev_hash="a" * 64,
        hash="b" * 64,
        actor_label="system:forger",
        action=AuditEvent.Action.DELETE,
        object_type="reviews.claim",
        object_id="1",
        reason="I choose my own place",
    )
    forged.save(force_insert=True)

    row = AuditEvent.objects.filter(pk=forged.pk).values("seq", "prev_hash", "hash").get()
    assert row["seq"] == head_seq + 1
    assert row["prev_hash"] == head_hash
    assert row["hash"] != "b" * 64
    assert chain_rows()[-1][2] == row["hash"]
    assert digest(chain_rows()[-1][3]) == row["hash"]
    assert chain.verify().ok


def test_several_events_inserted_in_one_statement_take_consecutive_places(trail):
    AuditEvent.objects.bulk_create(
        AuditEvent(seq=0, prev_hash="", hash="", actor_label="system:bulk", action="create", object_type="x")
        for _ in range(3)
    )

    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, trail + 4))
    verdict = chain.verify()
    assert verdict.ok, verdict.problem
    assert verdict.head_seq == trail + 3


# --- verify_audit finds each kind of tampering -------------------------------------------------------


def test_verify_audit_passes_an_intact_trail_and_the_checkpoint_audit_checkpoint_printed(trail):
    point = checkpoint()
    assert point == f"{trail}:{hash_of(trail)}"

    assert f"audit trail intact: {trail} events, head {point}" in verify_audit()
    output = verify_audit("--checkpoint", point)
    assert f"audit trail intact: {trail} events, head {point}, checkpoint {trail} found" in output
    # An older checkpoint is still part of the chain.
    assert "checkpoint 3 found" in verify_audit(f"--checkpoint=3:{hash_of(3)}")


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("reason", "overlay(reason placing 'q' from 1 for 1)"),  # one byte: 'Q' of "Quelle" becomes 'q'
        ("object_repr", "overlay(object_repr placing '#' from 1 for 1)"),
        ("at", "at - interval '1 microsecond'"),
        ("actor_id", "coalesce(actor_id, 0) + 1"),
        ("actor_label", "actor_label || 'x'"),
        ("team_id", "coalesce(team_id, 0) + 1"),
        ("action", "CASE WHEN action = 'delete' THEN 'create' ELSE 'delete' END"),
        ("object_type", "object_type || 's'"),
        ("object_id", "object_id || '0'"),
        ("before", """coalesce("before", '{}'::jsonb) || '{"rating_id": 1}'"""),
        ("after", """coalesce("after", '{}'::jsonb) || '{"rating_id": 1}'"""),
        ("request_id", "request_id || 'x'"),
        ("client_address", "'192.0.2.1'"),
        ("hash", "md5(hash) || md5(hash)"),
        ("prev_hash", "md5(prev_hash) || md5(prev_hash)"),
    ],
)
def test_verify_audit_names_the_event_whose_field_was_edited(trail, field, change):
    target = AuditEvent.objects.filter(reason=REASON).order_by("seq").values_list("seq", flat=True).first()
    assert target is not None and 1 < target < trail
    original = stored_row(target)[field]

    with tampered() as cursor:
        cursor.execute(f'UPDATE reviews_auditevent SET "{field}" = {change} WHERE seq = %s', [target])
    assert stored_row(target)[field] != original, "the tampering changed nothing"

    assert f"audit trail broken at event {target}: " in refusal_of_verify_audit()
    assert chain.verify().bad_seq == target


def test_verify_audit_names_a_deleted_event_as_missing(trail):
    target = trail // 2
    with tampered() as cursor:
        cursor.execute("DELETE FROM reviews_auditevent WHERE seq = %s", [target])

    message = refusal_of_verify_audit()
    assert f"audit trail broken at event {target}: event {target} is missing" in message
    assert f"({target - 1} events before it are intact)" in message


def test_verify_audit_names_the_first_of_two_swapped_events(trail):
    target = trail // 2
    with tampered() as cursor:
        cursor.execute("UPDATE reviews_auditevent SET seq = -1 WHERE seq = %s", [target])
        cursor.execute("UPDATE reviews_auditevent SET seq = %s WHERE seq = %s", [target, target + 1])
        cursor.execute("UPDATE reviews_auditevent SET seq = %s WHERE seq = -1", [target + 1])
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, trail + 1))

    assert f"audit trail broken at event {target}: " in refusal_of_verify_audit()


def insert_forged_event(cursor, seq: int) -> None:
    """Make room at `seq` (later events move one place on) and put a forged event there, linked to seq - 1."""
    cursor.execute("UPDATE reviews_auditevent SET seq = -seq WHERE seq >= %s", [seq])
    cursor.execute("UPDATE reviews_auditevent SET seq = 1 - seq WHERE seq < 0")
    cursor.execute(
        "INSERT INTO reviews_auditevent (seq, prev_hash, hash, at, actor_id, actor_label, team_id, action,"
        ' object_type, object_id, object_repr, "before", "after", request_id, client_address, reason)'
        " SELECT %s, hash, %s, at, actor_id, actor_label, team_id, 'delete', object_type, object_id,"
        " object_repr, \"before\", NULL, request_id, client_address, 'forged'"
        " FROM reviews_auditevent WHERE seq = %s",
        [seq, "f" * 64, seq - 1],
    )


def test_verify_audit_names_an_event_inserted_in_the_middle(trail):
    target = trail // 2
    with tampered(seal_off=True) as cursor:
        insert_forged_event(cursor, target)
    assert AuditEvent.objects.get(seq=target).reason == "forged"
    assert AuditEvent.objects.count() == trail + 1

    assert f"audit trail broken at event {target}: " in refusal_of_verify_audit()


def test_verify_audit_names_the_event_after_a_well_sealed_forgery_inserted_in_the_middle(trail):
    # The forged event itself is sealed correctly, so the chain breaks where the real event follows it.
    target = trail // 2
    with tampered(seal_off=True) as cursor:
        insert_forged_event(cursor, target)
        reseal(cursor, target)
    assert digest(chain_rows()[target - 1][3]) == hash_of(target)

    message = refusal_of_verify_audit()
    assert f"audit trail broken at event {target + 1}: it does not link to the event before it" in message


def test_a_chain_recomputed_from_an_edited_event_on_passes_alone_but_fails_its_published_checkpoint(trail):
    published = checkpoint()
    older = f"{trail // 2 - 1}:{hash_of(trail // 2 - 1)}"
    target = trail // 2
    with tampered() as cursor:
        cursor.execute("UPDATE reviews_auditevent SET reason = 'nothing happened' WHERE seq = %s", [target])
        for seq in range(target, trail + 1):
            reseal(cursor, seq)
    assert AuditEvent.objects.get(seq=target).reason == "nothing happened"
    assert checkpoint() != published

    # Without a checkpoint the rewrite cannot be told from the truth: that is what checkpoints are for.
    assert chain.verify().ok
    assert f"audit trail intact: {trail} events" in verify_audit()
    # The part before the rewrite still holds.
    assert f"checkpoint {trail // 2 - 1} found" in verify_audit("--checkpoint", older)

    message = refusal_of_verify_audit("--checkpoint", published)
    assert f"audit trail broken at event {trail}: it differs from the published checkpoint" in message


def test_a_trail_cut_short_after_a_checkpoint_fails_that_checkpoint(trail):
    published = checkpoint()
    with tampered() as cursor:
        cursor.execute("DELETE FROM reviews_auditevent WHERE seq > %s", [trail - 3])
    assert chain.verify().ok  # nothing inside the remaining chain is wrong

    message = refusal_of_verify_audit("--checkpoint", published)
    assert f"audit trail broken at event {trail - 2}: the chain ends before the checkpoint" in message


def test_a_checkpoint_beyond_the_end_of_the_chain_fails(trail):
    message = refusal_of_verify_audit("--checkpoint", f"{trail + 1}:{'a' * 64}")
    assert "the chain ends before the checkpoint" in message


@pytest.mark.parametrize(
    "value",
    [
        "",
        "12",
        "12:",
        f"x12:{'a' * 64}",
        f"-1:{'a' * 64}",
        f"12:{'a' * 63}",
        f"12:{'a' * 65}",
        f"12:{'g' * 64}",
        f"12 {'a' * 64}",
        f"²:{'a' * 64}",  # a digit to str.isdigit(), not to int()
    ],
)
def test_a_malformed_checkpoint_is_refused_with_a_clear_message(trail, value):
    message = refusal_of_verify_audit(f"--checkpoint={value}")
    assert "a checkpoint is SEQ:HASH" in message


# --- the guards ----------------------------------------------------------------------------------


def test_the_superuser_cannot_update_or_delete_an_audit_row_while_the_guards_are_on(trail):
    target = trail // 2
    before = stored_row(target)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (True,)
        for statement in (
            "UPDATE reviews_auditevent SET reason = 'rewritten' WHERE seq = %s",
            "DELETE FROM reviews_auditevent WHERE seq = %s",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(statement, [target])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=target).update(reason="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=target).delete()

    assert stored_row(target) == before
    assert AuditEvent.objects.count() == trail
    assert chain.verify().ok


def test_a_role_with_every_privilege_on_the_table_cannot_truncate_it_or_switch_its_guards_off(trail):
    target = trail // 2
    before = stored_row(target)
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE fc_audit_probe NOLOGIN")
        cursor.execute("GRANT ALL ON reviews_auditevent TO fc_audit_probe")
        cursor.execute("SET LOCAL ROLE fc_audit_probe")
        try:
            cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone() == ("fc_audit_probe", False)
            refusals = [
                ("TRUNCATE reviews_auditevent", "append-only: TRUNCATE"),
                ("UPDATE reviews_auditevent SET reason = 'rewritten'", "append-only: UPDATE"),
                ("DELETE FROM reviews_auditevent", "append-only: DELETE"),
                ("ALTER TABLE reviews_auditevent DISABLE TRIGGER reviews_audit_no_change", "must be owner"),
                ("ALTER TABLE reviews_auditevent DISABLE TRIGGER reviews_audit_no_truncate", "must be owner"),
                ("DROP TRIGGER reviews_audit_no_change ON reviews_auditevent", "must be owner"),
                ("SET session_replication_role = replica", "permission denied"),
            ]
            for statement, refusal in refusals:
                with pytest.raises(DatabaseError, match=refusal), transaction.atomic():
                    cursor.execute(statement)
        finally:
            cursor.execute("RESET ROLE")
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == ("postgres",)

    assert stored_row(target) == before
    assert AuditEvent.objects.count() == trail
    assert chain.verify().ok


# --- concurrent writers --------------------------------------------------------------------------

THREADS = 4
CALLS = 10
HOLD = 0.02  # seconds each writer's transaction stays open after writing its event


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_extend_one_gapless_chain(team, category, owner, moderator, reviewer, reviewer2):
    # One claim in each of four articles: a claim's lock also locks its article's row (the query
    # joins it), so writers on claims of one article would take turns before reaching the chain.
    people = [owner, moderator, reviewer, reviewer2]
    claims = []
    with system_actor("tests"):
        for prefix in ("001", "002", "003", "004"):
            article = services.import_article(team=team, data=seed_bytes(prefix), source=f"{prefix}.txt").article
            first_line = article.body.splitlines()[0]
            claims.append(
                services.tag_claim(user=reviewer, article=article, start=0, end=len(first_line), category=category)
            )
    claims = list(Claim.objects.select_related("article__team").filter(pk__in=[c.pk for c in claims]))
    assert len({claim.article_id for claim in claims}) == THREADS
    events_before = AuditEvent.objects.count()
    start_together = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def write(person, claim: Claim) -> None:
        try:
            start_together.wait(TIMEOUT)
            for number in range(CALLS):
                # A slow request: its transaction stays open a moment after its event was written.
                with transaction.atomic():
                    services.add_comment(user=person, claim=claim, body=f"{person.username}'s note {number}")
                    time.sleep(HOLD)
        except BaseException as exc:  # reported to the test, which asserts on it
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=write, args=(person, claim), daemon=True)
        for person, claim in zip(people, claims, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    assert Comment.objects.count() == THREADS * CALLS
    total = AuditEvent.objects.count()
    assert total == events_before + THREADS * CALLS
    assert AuditEvent.objects.filter(object_type="reviews.comment", action="create").count() == THREADS * CALLS
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, total + 1))
    verdict = chain.verify()
    assert verdict.ok, verdict.problem
    assert verdict.head_seq == total


# --- SQLite --------------------------------------------------------------------------------------


def manage(database: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY")}
    environment.update(DATABASE_URL=f"sqlite:///{database}", DEBUG="1", DJANGO_SETTINGS_MODULE="factcheck.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 5,
    )


def run_python(database: Path, code: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY")}
    environment.update(DATABASE_URL=f"sqlite:///{database}", DEBUG="1", DJANGO_SETTINGS_MODULE="factcheck.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=TIMEOUT
    )


def test_on_sqlite_the_application_seals_the_chain_and_triggers_refuse_changes(tmp_path):
    database = tmp_path / "db.sqlite3"
    for command in (["migrate", "--noinput"], ["load_demo"]):
        result = manage(database, *command)
        assert result.returncode == 0, result.stderr
    result = manage(database, "audit_checkpoint")
    assert result.returncode == 0, result.stderr
    point = result.stdout.strip()
    head_seq = int(point.partition(":")[0])
    assert head_seq >= 5  # four memberships and five seed articles

    result = manage(database, "verify_audit", "--checkpoint", point)
    assert result.returncode == 0, result.stderr
    assert f"audit trail intact: {head_seq} events, head {point}, checkpoint {head_seq} found" in result.stdout

    target = head_seq // 2
    db = sqlite3.connect(database)
    try:
        rows = db.execute("SELECT seq, prev_hash, hash FROM reviews_auditevent ORDER BY seq").fetchall()
        assert [seq for seq, _, _ in rows] == list(range(1, head_seq + 1))
        assert rows[0][1] == GENESIS
        assert all(row[1] == previous[2] for previous, row in zip(rows, rows[1:], strict=False))
        for statement in (
            "UPDATE reviews_auditevent SET reason = 'rewritten' WHERE seq = ?",
            "DELETE FROM reviews_auditevent WHERE seq = ?",
        ):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(statement, [target])
            db.rollback()
        assert db.execute("SELECT count(*) FROM reviews_auditevent").fetchone() == (head_seq,)

        db.execute("DROP TRIGGER reviews_audit_no_update")
        db.execute("UPDATE reviews_auditevent SET reason = reason || '.' WHERE seq = ?", [target])
        db.commit()
    finally:
        db.close()

    result = manage(database, "verify_audit")
    assert result.returncode == 1
    assert f"audit trail broken at event {target}: its content does not match its hash" in result.stderr


# A valid address as a client or proxy may write it; the database stores it as 2001:db8::1.
UNCOMPRESSED_IPV6 = "2001:0DB8:0000:0000:0000:0000:0000:0001"


def test_an_event_from_a_request_with_an_uncompressed_ipv6_address_verifies(claim, moderator, rf):
    def view(request):
        services.add_comment(user=moderator, claim=claim, body="Sent over IPv6.")
        return HttpResponse()

    AuditContextMiddleware(view)(rf.post("/", REMOTE_ADDR=UNCOMPRESSED_IPV6))

    assert AuditEvent.objects.get(object_type="reviews.comment").client_address == "2001:db8::1"
    verdict = chain.verify()
    assert verdict.ok, verdict.problem


def test_on_sqlite_an_event_from_a_request_with_an_uncompressed_ipv6_address_verifies(tmp_path):
    database = tmp_path / "db.sqlite3"
    result = manage(database, "migrate", "--noinput")
    assert result.returncode == 0, result.stderr
    code = f"""
import django
django.setup()
from django.http import HttpResponse
from django.test import RequestFactory
from reviews import services
from reviews.audit import AuditContextMiddleware
from reviews.models import AuditEvent

def view(request):
    services.create_team(name="Desk", slug="desk")
    return HttpResponse()

AuditContextMiddleware(view)(RequestFactory().post("/", REMOTE_ADDR={UNCOMPRESSED_IPV6!r}))
print(sorted(set(AuditEvent.objects.values_list("client_address", flat=True))))
"""
    result = run_python(database, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['2001:db8::1']"

    result = manage(database, "verify_audit")
    assert result.returncode == 0, result.stderr
    assert "audit trail intact" in result.stdout
