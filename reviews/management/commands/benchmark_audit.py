"""What the audit trail costs: a verdict save with and without its audit event, and chain verification speed.

Everything it creates (a team, a user, a claim, the saves, a generated chain of events) is made
inside one transaction that is rolled back, so the database is left as it was.
"""

from __future__ import annotations

import statistics
import uuid
from contextlib import contextmanager
from time import perf_counter

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from reviews import chain, services
from reviews.audit import APP_WRITE_SQL, Audited, _on_delete, _on_save, system_actor
from reviews.models import AuditEvent, Category, Rating, Role


@contextmanager
def auditing_off():
    """A save without any auditing work (this process and transaction only): the audit handlers
    disconnected, and on PostgreSQL the database's own recording told once that it need not record."""
    from django.apps import apps

    models = [m for m in apps.get_app_config("reviews").get_models() if issubclass(m, Audited)]
    for model in models:
        post_save.disconnect(_on_save, sender=model, dispatch_uid=f"audit-save-{model._meta.label}")
        post_delete.disconnect(_on_delete, sender=model, dispatch_uid=f"audit-delete-{model._meta.label}")
    marked = connection.vendor == "postgresql"
    if marked:
        with connection.cursor() as cursor:
            cursor.execute(APP_WRITE_SQL, ["on"])
        connection._audit_app_writes = 1  # so that saves skip marking their writes one by one
    try:
        yield
    finally:
        if marked:
            connection._audit_app_writes = 0
            with connection.cursor() as cursor:
                cursor.execute(APP_WRITE_SQL, [""])
        for model in models:
            post_save.connect(_on_save, sender=model, dispatch_uid=f"audit-save-{model._meta.label}")
            post_delete.connect(_on_delete, sender=model, dispatch_uid=f"audit-delete-{model._meta.label}")


class Command(BaseCommand):
    help = (
        "Measure what auditing costs: the median time of a verdict save with and without writing its audit "
        "event, and how many events per second verify_audit checks on a generated chain. Rolls everything back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--saves", type=int, default=300, help="timed saves per variant (default %(default)s)")
        parser.add_argument("--events", type=int, default=100_000, help="events in the generated chain")

    def handle(self, *args, saves: int, events: int, **options) -> None:
        if saves < 1 or events < 1:
            raise CommandError("--saves and --events must be at least 1")
        try:
            with transaction.atomic():
                try:
                    with_audit, without_audit = self._time_saves(saves)
                    generated, seconds, verdict = self._time_verification(events)
                finally:
                    transaction.set_rollback(True)
        except DatabaseError as exc:
            raise CommandError(f"database error: {str(exc).strip().splitlines()[0]} (migrated?)") from exc
        self.stdout.write(f"Audit cost on {connection.vendor}, {saves} saves each, all rolled back:")
        self.stdout.write(f"  verdict save with its audit event     median {with_audit:.2f} ms")
        self.stdout.write(f"  verdict save without auditing        median {without_audit:.2f} ms")
        self.stdout.write(f"  difference                                  {with_audit - without_audit:+.2f} ms")
        state = "intact" if verdict.ok else f"BROKEN at {verdict.bad_seq}: {verdict.problem}"
        self.stdout.write(
            f"Verification: {verdict.events:,} events ({generated:,} generated) in {seconds:.2f} s = "
            f"{verdict.events / seconds:,.0f} events/s, chain {state}"
        )

    def _time_saves(self, saves: int) -> tuple[float, float]:
        suffix = uuid.uuid4().hex[:10]
        with system_actor("benchmark_audit"):
            team = services.create_team(name=f"Audit bench {suffix}", slug=f"audit-bench-{suffix}")
            user = get_user_model().objects.create_user(username=f"audit-bench-{suffix}")
            services.add_member(team=team, user=user, role=Role.REVIEWER)
            body = "Audit benchmark\n\nThe ministry said 40 people were evacuated from the town on Monday."
            article = services.import_article(team=team, data=body.encode(), source="bench.txt").article
            claim = services.tag_claim(
                user=user, article=article, start=17, end=len(body), category=Category.objects.filter(team=team)[0]
            )
        ratings = list(Rating.objects.filter(team=team))

        def run(count: int) -> list[float]:
            timings = []
            for index in range(count):
                started = perf_counter()
                services.save_review(
                    user=user,
                    claim=claim,
                    rating=ratings[index % len(ratings)],
                    rationale=f"Rationale number {index}",
                    confidence=2,
                )
                timings.append((perf_counter() - started) * 1000)
            return timings

        run(20)  # warm-up
        # Interleaved blocks, so that a machine getting busier or quieter weighs on both alike.
        audited: list[float] = []
        unaudited: list[float] = []
        blocks = min(10, saves)
        for block in range(blocks):
            size = saves // blocks + (1 if block < saves % blocks else 0)
            audited += run(size)
            with auditing_off():
                unaudited += run(size)
        return statistics.median(audited), statistics.median(unaudited)

    def _time_verification(self, events: int) -> tuple[int, float, chain.Verdict]:
        now = timezone.now()
        if connection.vendor == "postgresql":
            # One INSERT per event, each sealed by the database's own trigger, as real writes are.
            # A DO block cannot take parameters; both values are ours (an int and a timestamp).
            sql = f"""
                DO $$
                BEGIN
                    FOR i IN 1..{int(events)} LOOP
                        INSERT INTO reviews_auditevent (seq, prev_hash, hash, at, actor_label, action, object_type,
                            object_id, object_repr, "after", request_id, reason)
                        VALUES (0, '', '', '{now.isoformat()}'::timestamptz, 'system:benchmark_audit', 'update',
                            'reviews.review', i::text, 'Review #' || i,
                            jsonb_build_object('rationale', 'generated ' || i), md5(i::text), '');
                    END LOOP;
                END
                $$;
            """
            with connection.cursor() as cursor:
                cursor.execute(sql)
        else:
            for index in range(events):
                event = AuditEvent(
                    at=now,
                    actor_label="system:benchmark_audit",
                    action="update",
                    object_type="reviews.review",
                    object_id=str(index),
                    object_repr=f"Review #{index}",
                    after={"rationale": f"generated {index}"},
                )
                chain.seal(event)
                event.save(force_insert=True)
        started = perf_counter()
        verdict = chain.verify()
        return events, perf_counter() - started, verdict
