"""Create the two PostgreSQL roles the audit trail's guarantees rest on, and give each its rights.

- The owner role owns every table: migrations run as it. It is not a superuser, so the triggers of
  migration 0004 refuse it UPDATE, DELETE and TRUNCATE of audit events too.
- The application role may read and write the app's tables but only SELECT and INSERT audit events;
  it owns nothing, so it cannot switch a trigger off either.

Run it as a superuser (or a role with CREATEROLE that owns the tables) after migrating; it is
idempotent. The application then connects as the application role (DATABASE_URL) and migrations as
the owner role.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection, transaction

AUDIT_TABLE = "reviews_auditevent"


class Command(BaseCommand):
    help = (
        "PostgreSQL only: create the owner role (owns the tables, runs migrations) and the application role "
        "(reads and writes the app's tables, may only SELECT and INSERT audit events), and grant their rights."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner-role", default="factcheck_owner", help="default: %(default)s")
        parser.add_argument("--app-role", default="factcheck_app", help="default: %(default)s")
        parser.add_argument("--dry-run", action="store_true", help="print the SQL, change nothing")

    def handle(self, *args, owner_role: str, app_role: str, dry_run: bool, verbosity: int, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("database roles exist only on PostgreSQL; SQLite guards the audit table by triggers")
        for name in (owner_role, app_role):
            if not name.replace("_", "").isalnum() or not name.isascii() or name[0].isdigit():
                raise CommandError(f"not a plain role name: {name!r}")
        if owner_role == app_role:
            raise CommandError("the owner and the application need two different roles")
        statements = self._statements(owner_role, app_role)
        if dry_run:
            self.stdout.write(";\n".join(statements) + ";")
            return
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        except DatabaseError as exc:
            raise CommandError(f"could not set up the roles: {str(exc).strip().splitlines()[0]}") from None
        if verbosity >= 1:
            self.stdout.write(
                f"Roles ready: {owner_role} owns the tables and runs migrations; {app_role} runs the app and may "
                f"only SELECT and INSERT {AUDIT_TABLE}."
            )

    def _statements(self, owner: str, app: str) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            tables = sorted(row[0] for row in cursor.fetchall())
            cursor.execute(
                "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema()"
            )
            sequences = sorted(row[0] for row in cursor.fetchall())
        statements = [
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
            f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; END IF; END $$"
            for role in (owner, app)
        ]
        statements.append(f"ALTER ROLE {app} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS")
        statements.append(f"ALTER ROLE {owner} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS")
        statements.append(f"GRANT USAGE, CREATE ON SCHEMA {connection.ops.quote_name('public')} TO {owner}")
        statements.append(f"GRANT USAGE ON SCHEMA {connection.ops.quote_name('public')} TO {app}")
        for table in tables:
            quoted = connection.ops.quote_name(table)
            statements.append(f"ALTER TABLE {quoted} OWNER TO {owner}")
            statements.append(f"REVOKE ALL ON {quoted} FROM {app}")
            rights = "SELECT, INSERT" if table == AUDIT_TABLE else "SELECT, INSERT, UPDATE, DELETE"
            statements.append(f"GRANT {rights} ON {quoted} TO {app}")
        # So that later migrations, run as the owner, can replace the audit trail's trigger functions.
        statements.append(f"ALTER FUNCTION reviews_audit_seal() OWNER TO {owner}")
        statements.append(f"ALTER FUNCTION reviews_audit_refuse() OWNER TO {owner}")
        for sequence in sequences:
            statements.append(f"GRANT USAGE, SELECT ON SEQUENCE {connection.ops.quote_name(sequence)} TO {app}")
        # Tables later migrations create: the app gets the ordinary rights; an audit-like table needs its own line.
        statements.append(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}"
        )
        statements.append(f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} GRANT USAGE, SELECT ON SEQUENCES TO {app}")
        return statements
