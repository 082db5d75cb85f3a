"""PostgreSQL: the database records every change to an audited table the application does not record.

The application writes the audit event of each model save and delete itself (reviews/audit.py), with
the person, the reason and the request, and marks those writes with the transaction-local setting
`factcheck.app_write`. Any other write — a queryset update, a bulk create, raw SQL, a data
migration, a psql session — is recorded here by an AFTER row trigger, as done by the database role
(`database:<role>`), with no application actor. Events are then sealed in the chain like any other.
"""

from django.db import migrations

# table, object type, how to find its team
AUDITED = [
    ("reviews_article", "reviews.article", "team"),
    ("reviews_claim", "reviews.claim", "article"),
    ("reviews_review", "reviews.review", "claim"),
    ("reviews_evidence", "reviews.evidence", "review"),
    ("reviews_comment", "reviews.comment", "claim"),
    ("reviews_assignment", "reviews.assignment", "team"),
    ("reviews_membership", "reviews.membership", "team"),
    ("reviews_category", "reviews.category", "team"),
    ("reviews_rating", "reviews.rating", "team"),
]

FUNCTION = """
CREATE OR REPLACE FUNCTION reviews_audit_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    row_ jsonb;
    before_ jsonb;
    after_ jsonb;
    key_ text;
    team_ bigint;
    action_ text;
BEGIN
    IF coalesce(current_setting('factcheck.app_write', true), '') = 'on' THEN
        RETURN NULL;  -- the application records this change itself, with who and why
    END IF;
    IF TG_OP = 'INSERT' THEN
        row_ := to_jsonb(NEW) - 'version';
        after_ := row_;
        action_ := 'create';
    ELSIF TG_OP = 'DELETE' THEN
        row_ := to_jsonb(OLD) - 'version';
        before_ := row_;
        action_ := 'delete';
    ELSE
        old_row := to_jsonb(OLD) - 'version';
        new_row := to_jsonb(NEW) - 'version';
        row_ := new_row;
        action_ := 'update';
        before_ := '{}'::jsonb;
        after_ := '{}'::jsonb;
        FOR key_ IN SELECT jsonb_object_keys(new_row) LOOP
            IF old_row -> key_ IS DISTINCT FROM new_row -> key_ THEN
                before_ := before_ || jsonb_build_object(key_, old_row -> key_);
                after_ := after_ || jsonb_build_object(key_, new_row -> key_);
            END IF;
        END LOOP;
        IF after_ - 'updated_at' = '{}'::jsonb THEN
            RETURN NULL;  -- nothing a person did changed
        END IF;
    END IF;
    team_ := CASE TG_ARGV[1]
        WHEN 'team' THEN (row_ ->> 'team_id')::bigint
        WHEN 'article' THEN (SELECT a.team_id FROM reviews_article a WHERE a.id = (row_ ->> 'article_id')::bigint)
        WHEN 'claim' THEN (
            SELECT a.team_id FROM reviews_claim c JOIN reviews_article a ON a.id = c.article_id
            WHERE c.id = (row_ ->> 'claim_id')::bigint)
        WHEN 'review' THEN (
            SELECT a.team_id FROM reviews_review r JOIN reviews_claim c ON c.id = r.claim_id
            JOIN reviews_article a ON a.id = c.article_id WHERE r.id = (row_ ->> 'review_id')::bigint)
    END;
    INSERT INTO reviews_auditevent (
        seq, prev_hash, hash, at, actor_id, actor_label, team_id, action, object_type, object_id, object_repr,
        "before", "after", request_id, client_address, reason)
    VALUES (
        0, '', '', clock_timestamp(), NULL, 'database:' || current_user, team_, action_, TG_ARGV[0], row_ ->> 'id',
        left(coalesce(row_ ->> 'title', row_ ->> 'quote', row_ ->> 'body', row_ ->> 'label', row_ ->> 'name', ''), 200),
        before_, after_, '', NULL, '');
    RETURN NULL;
END
$$;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        for table, object_type, team_path in AUDITED:
            cursor.execute(
                f"CREATE TRIGGER reviews_audit_capture AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION reviews_audit_capture('{object_type}', '{team_path}')"
            )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, _, _ in AUDITED:
            cursor.execute(f"DROP TRIGGER IF EXISTS reviews_audit_capture ON {table}")
        cursor.execute("DROP FUNCTION IF EXISTS reviews_audit_capture()")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0004_audit_hash_chain"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
