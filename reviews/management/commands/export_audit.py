import json
from datetime import UTC, date, datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews import chain


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Write the audit trail as JSON Lines, one event a line with its chain fields (seq, prev_hash, hash) "
        "and its canonical text, so that anyone can check it with SHA-256 alone. --since and --until are "
        "UTC days, both included."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="first day, YYYY-MM-DD (UTC)")
        parser.add_argument("--until", help="last day, YYYY-MM-DD (UTC), included")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, since: str | None, until: str | None, output: str | None, **options) -> None:
        start = datetime.combine(_day(since), time.min, UTC) if since else None
        last = _day(until) if until else None
        end = datetime.combine(last + timedelta(days=1), time.min, UTC) if last and last < date.max else None
        if start and end and start >= end:
            raise CommandError("--since is after --until")
        try:
            stream = open(output, "w", encoding="utf-8") if output else self.stdout  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from None
        count = 0
        try:
            for event in chain.export(start, end):
                stream.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
        finally:
            if output:
                stream.close()
        if output:
            self.stderr.write(f"{count} events written to {output}")
