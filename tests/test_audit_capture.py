"""Every write to an audited table leaves exactly one event, whichever way it reached the database.

Model saves and deletes are recorded by the application (who, why, from which request); queryset
updates, bulk creates and raw SQL are recorded by PostgreSQL itself (migration 0005), as done by the
database role with no application actor.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from reviews import chain, services
from reviews.models import AuditEvent, Category, Claim, Comment, Review, Suggestion


def last_id() -> int:
    last = AuditEvent.objects.order_by("-seq").first()
    return last.seq if last else 0


def events_since(mark: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=mark).order_by("seq"))


def test_a_model_save_leaves_one_event_by_the_application(claim, reviewer):
    mark = last_id()

    claim.note = "Saved through the model."
    claim.save()

    (event,) = events_since(mark)
    assert (event.action, event.object_type, event.after) == (
        "update",
        "reviews.claim",
        {"note": "Saved through the model."},
    )
    assert not event.actor_label.startswith("database:")


def test_a_queryset_update_leaves_one_event_per_row_recorded_by_the_database(team, claim, review):
    mark = last_id()

    changed = Review.objects.filter(pk=review.pk).update(rationale="Changed in bulk.")

    (event,) = events_since(mark)
    assert changed == 1
    assert (event.action, event.object_type, event.object_id) == ("update", "reviews.review", str(review.pk))
    assert (event.actor, event.actor_label) == (None, "database:postgres")
    assert event.before == {"rationale": review.rationale}
    assert event.after == {"rationale": "Changed in bulk."}
    assert event.team_id == team.pk


def test_a_bulk_create_leaves_one_create_event_per_row(team, claim, reviewer):
    mark = last_id()

    Comment.objects.bulk_create([Comment(claim=claim, author=reviewer, body=f"Bulk {n}") for n in range(3)])

    events = events_since(mark)
    assert [(e.action, e.object_type, e.after["body"], e.team_id) for e in events] == [
        ("create", "reviews.comment", f"Bulk {n}", team.pk) for n in range(3)
    ]
    assert {e.actor_label for e in events} == {"database:postgres"}


def test_raw_sql_by_the_applications_connection_is_recorded_with_no_application_actor(team, claim):
    mark = last_id()

    with connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_claim SET note = %s WHERE id = %s", ["raw", claim.pk])

    (event,) = events_since(mark)
    assert (event.actor_id, event.actor_label, event.after, event.team_id) == (
        None,
        "database:postgres",
        {"note": "raw"},
        team.pk,
    )


def test_a_queryset_delete_leaves_one_event_per_row_not_two(claim, reviewer, review, evidence):
    mark = last_id()

    Claim.objects.filter(pk=claim.pk).delete()

    events = events_since(mark)
    assert sorted((e.action, e.object_type) for e in events) == [
        ("delete", "reviews.claim"),
        ("delete", "reviews.evidence"),
        ("delete", "reviews.review"),
    ]
    assert {e.actor_label for e in events} != {"database:postgres"}


def test_deleting_a_whole_team_leaves_one_event_per_row_not_two(team, owner, claim, review):
    audited_rows = (
        team.articles.count()
        + Claim.objects.filter(article__team=team).count()
        + Review.objects.filter(claim__article__team=team).count()
        + team.memberships.count()
        + team.categories.count()
        + team.ratings.count()
        + Suggestion.objects.filter(article__team=team).count()
        + team.clusters.count()
    )
    mark = last_id()

    team.delete()

    events = events_since(mark)
    assert len(events) == audited_rows
    assert {e.action for e in events} == {"delete"}
    assert not [e for e in events if e.actor_label.startswith("database:")]


def test_an_update_of_only_the_timestamp_is_no_event(review):
    mark = last_id()

    Review.objects.filter(pk=review.pk).update(updated_at=timezone.now())

    assert events_since(mark) == []


def test_after_a_failed_save_the_databases_own_recording_still_works_in_the_same_transaction(team, category, claim):
    mark = last_id()
    with transaction.atomic():
        try:
            with transaction.atomic():
                Category.objects.create(team=team, name="Same slug", slug=category.slug)
        except IntegrityError:
            pass
        Claim.objects.filter(pk=claim.pk).update(note="after the failure")

    (event,) = events_since(mark)
    assert (event.actor_label, event.after) == ("database:postgres", {"note": "after the failure"})


def test_the_chain_holds_events_from_both_recorders(claim, reviewer, review):
    Review.objects.filter(pk=review.pk).update(rationale="bulk")
    services.add_comment(user=reviewer, claim=claim, body="through the app")
    get_user_model().objects.filter(pk=reviewer.pk).update(first_name="Rita")  # not audited: no event

    verdict = chain.verify()

    assert verdict.ok
    assert AuditEvent.objects.filter(actor_label="database:postgres").count() == 1
