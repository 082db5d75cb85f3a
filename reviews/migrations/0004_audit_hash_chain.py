"""Seal the audit trail in a hash chain and make it append-only in the database itself.

Existing events are chained in the order they were written. Then:
- PostgreSQL: a BEFORE INSERT trigger seals every new event (gapless seq, previous hash, own hash)
  under an advisory lock, so concurrent writers never fork the chain and no insert can choose its
  own place in it; triggers refuse UPDATE, DELETE and TRUNCATE of audit rows.
- SQLite: triggers refuse UPDATE and DELETE (the application seals events, see reviews/chain.py).
  A later migration that rebuilds this table on SQLite must create these triggers again.

The canonical text is written out here rather than imported, so this migration keeps meaning what
it meant when it ran; reviews/chain.py holds the same definition for verification.
"""

import hashlib
import json
from datetime import UTC

import django.utils.timezone
from django.db import migrations, models

GENESIS = "0" * 64

PG_CANONICAL_OF_ROW = """jsonb_build_array(
    {p}seq, to_char({p}at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), {p}actor_id, {p}actor_label,
    {p}team_id, {p}action, {p}object_type, {p}object_id, {p}object_repr, {p}"before", {p}"after",
    {p}request_id, host({p}client_address), {p}reason, {p}prev_hash
)::text"""

PG_INSTALL = f"""
CREATE OR REPLACE FUNCTION reviews_audit_seal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_hash text;
BEGIN
    -- One writer at a time extends the chain; the lock lasts until the writer's transaction ends.
    PERFORM pg_advisory_xact_lock(hashtext('reviews_auditevent_chain'));
    -- Dated when sealed: the order of seq is then the order of time, so a date range is a seq range.
    NEW.at := clock_timestamp();
    SELECT seq, hash INTO last_seq, last_hash FROM reviews_auditevent ORDER BY seq DESC LIMIT 1;
    IF last_seq IS NULL THEN
        last_seq := 0;
        last_hash := repeat('0', 64);
    END IF;
    NEW.seq := last_seq + 1;
    NEW.prev_hash := last_hash;
    NEW.hash := encode(sha256(convert_to({PG_CANONICAL_OF_ROW.format(p="NEW.")}, 'UTF8')), 'hex');
    RETURN NEW;
END
$$;

CREATE TRIGGER reviews_audit_seal BEFORE INSERT ON reviews_auditevent
    FOR EACH ROW EXECUTE FUNCTION reviews_audit_seal();

CREATE OR REPLACE FUNCTION reviews_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A superuser can switch any trigger off anyway; letting its TRUNCATE through is what lets a
    -- test runner empty the database between tests. Every other role is refused.
    IF TG_OP = 'TRUNCATE' AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % of audit events is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER reviews_audit_no_change BEFORE UPDATE OR DELETE ON reviews_auditevent
    FOR EACH ROW EXECUTE FUNCTION reviews_audit_refuse();
CREATE TRIGGER reviews_audit_no_truncate BEFORE TRUNCATE ON reviews_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_audit_refuse();
"""

PG_UNINSTALL = """
DROP TRIGGER IF EXISTS reviews_audit_no_truncate ON reviews_auditevent;
DROP TRIGGER IF EXISTS reviews_audit_no_change ON reviews_auditevent;
DROP TRIGGER IF EXISTS reviews_audit_seal ON reviews_auditevent;
DROP FUNCTION IF EXISTS reviews_audit_refuse();
DROP FUNCTION IF EXISTS reviews_audit_seal();
"""

SQLITE_INSTALL = [
    "CREATE TRIGGER reviews_audit_no_update BEFORE UPDATE ON reviews_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE of audit events is refused'); END",
    "CREATE TRIGGER reviews_audit_no_delete BEFORE DELETE ON reviews_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE of audit events is refused'); END",
]
SQLITE_UNINSTALL = ["DROP TRIGGER IF EXISTS reviews_audit_no_update", "DROP TRIGGER IF EXISTS reviews_audit_no_delete"]

FIELDS = [
    "seq", "at", "actor_id", "actor_label", "team_id", "action", "object_type", "object_id", "object_repr",
    "before", "after", "request_id", "client_address", "reason", "prev_hash",
]  # fmt: skip


def chain_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("reviews", "AuditEvent")
    connection = schema_editor.connection
    prev = GENESIS
    for seq, pk in enumerate(AuditEvent.objects.order_by("id").values_list("id", flat=True), start=1):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("UPDATE reviews_auditevent SET seq = %s, prev_hash = %s WHERE id = %s", [seq, prev, pk])
                cursor.execute(
                    f"UPDATE reviews_auditevent SET hash = encode(sha256(convert_to({PG_CANONICAL_OF_ROW.format(p='')},"
                    " 'UTF8')), 'hex') WHERE id = %s RETURNING hash",
                    [pk],
                )
                prev = cursor.fetchone()[0]
        else:
            values = AuditEvent.objects.filter(pk=pk).values(*FIELDS[1:-1]).get()
            values.update(seq=seq, prev_hash=prev)
            items = [values[name] for name in FIELDS]
            items[1] = items[1].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            canonical = json.dumps(items, ensure_ascii=False, separators=(", ", ": "), sort_keys=True)
            digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
            AuditEvent.objects.filter(pk=pk).update(seq=seq, prev_hash=prev, hash=digest)
            prev = digest


def install_guards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_INSTALL)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_INSTALL:
                cursor.execute(statement)


def remove_guards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_UNINSTALL)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_UNINSTALL:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_moderation_workflow"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True),
        ),
        migrations.RunPython(install_guards, remove_guards),
    ]
