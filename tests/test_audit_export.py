"""The audit export an outside party can check with SHA-256 alone, and the audit benchmark command."""

import hashlib
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from reviews import services
from reviews.models import AuditEvent, Review


def export_lines(*args: str) -> list[dict]:
    out = StringIO()
    call_command("export_audit", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.fixture
def trail(review, reviewer, moderator, reviewer2, claim, rating_mixed):
    """A few days of work: rita's verdict submitted and sent back, remy's comment."""
    services.submit_review(user=reviewer, review=review)
    services.decide_review(user=moderator, review=review, action="request_changes", reason="Name your source.")
    services.add_comment(user=reviewer2, claim=claim, body="The later bulletin says six.")
    return AuditEvent.objects.order_by("seq")


def test_every_exported_line_checks_with_sha256_alone_and_links_to_the_one_before(trail):
    lines = export_lines()

    assert [line["seq"] for line in lines] == list(range(1, trail.count() + 1))
    previous = "0" * 64
    for line in lines:
        assert hashlib.sha256(line["canonical"].encode("utf-8")).hexdigest() == line["hash"]
        assert line["prev_hash"] == previous
        fields = json.loads(line["canonical"])
        assert fields[0] == line["seq"]
        assert fields[1] == line["at"]
        assert fields[3:9] == [
            line["actor_label"],
            line["team_id"],
            line["action"],
            line["object_type"],
            line["object_id"],
            line["object_repr"],
        ]
        assert (fields[9], fields[10], fields[13], fields[14]) == (
            line["before"],
            line["after"],
            line["reason"],
            line["prev_hash"],
        )
        previous = line["hash"]
    sent_back = next(line for line in lines if line["after"] and line["after"].get("state") == "changes_requested")
    assert sent_back["reason"] == "Name your source."
    assert sent_back["actor_label"] == "user:mona"


def test_an_export_keeps_to_its_days_both_included(trail):
    today = timezone.now().date()

    assert len(export_lines("--since", str(today), "--until", str(today))) == trail.count()
    assert export_lines("--until", str(today - timedelta(days=1))) == []
    assert export_lines("--since", str(today + timedelta(days=1))) == []


def test_an_export_written_to_a_file_says_how_many_events_it_holds(trail, tmp_path):
    target = tmp_path / "audit.jsonl"
    err = StringIO()

    call_command("export_audit", "--output", str(target), stderr=err)

    assert len(target.read_text(encoding="utf-8").splitlines()) == trail.count()
    assert err.getvalue().strip() == f"{trail.count()} events written to {target}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "21.11.2026"], "not a date: '21.11.2026' (use YYYY-MM-DD)"),
        (["--since", "2026-11-22", "--until", "2026-11-20"], "--since is after --until"),
        (["--output", "/nonexistent-folder/audit.jsonl"], "cannot write /nonexistent-folder/audit.jsonl"),
    ],
    ids=["bad date", "since after until", "unwritable file"],
)
def test_bad_export_arguments_get_a_one_line_reason(db, args, message):
    with pytest.raises(CommandError) as refused:
        call_command("export_audit", *args, stdout=StringIO())

    assert str(refused.value).startswith(message)


def test_the_audit_benchmark_reports_both_medians_and_a_verified_chain_and_leaves_nothing_behind(trail):
    before = (AuditEvent.objects.count(), Review.objects.count())
    out = StringIO()

    call_command("benchmark_audit", "--saves", "3", "--events", "200", stdout=out)

    report = out.getvalue()
    assert "verdict save with its audit event     median" in report
    assert "verdict save without auditing        median" in report
    assert "(200 generated)" in report
    assert "chain intact" in report
    assert (AuditEvent.objects.count(), Review.objects.count()) == before


def test_events_are_dated_when_the_database_seals_them_so_seq_order_is_time_order(trail):
    moments = list(trail.values_list("at", flat=True))

    assert moments == sorted(moments)
