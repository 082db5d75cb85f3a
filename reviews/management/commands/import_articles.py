from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from reviews import defaults, services
from reviews.audit import system_actor
from reviews.models import Team


class Command(BaseCommand):
    help = (
        "Import plain-text articles (.txt files, or folders of them) into a team. The same text imported "
        "again is reported as a duplicate; a bad file gets a one-line reason and the others still import."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help=".txt files or folders containing them")
        parser.add_argument(
            "--team", default=defaults.DEFAULT_TEAM_SLUG, help="slug of the team (default: %(default)s)"
        )
        parser.add_argument("--dry-run", action="store_true", help="report what would happen, change nothing")

    def handle(self, *args, paths: list[str], team: str, dry_run: bool, verbosity: int, **options) -> None:
        found = Team.objects.filter(slug=team).first()
        if found is None:
            raise CommandError(f"no team with slug {team!r}")
        # Each article is its own transaction; a dry run wraps them all in one that is rolled back.
        with system_actor("import_articles"), transaction.atomic() if dry_run else nullcontext():
            results = services.import_paths(team=found, paths=paths)
            if dry_run:
                transaction.set_rollback(True)
        for result in results:
            if result.failed:
                self.stderr.write(f"failed     {result.source}: {result.message}")
            elif verbosity >= 1:
                self.stdout.write(f"{result.status:<10} {result.source}: {result.message}")
        failed = sum(result.failed for result in results)
        imported = sum(result.status == "imported" for result in results)
        if verbosity >= 1:
            prefix = "dry run, nothing saved: " if dry_run else ""
            self.stdout.write(
                f"{prefix}{imported} imported, {len(results) - imported - failed} duplicate, {failed} failed"
            )
        if failed:
            raise CommandError(f"{failed} of {len(results)} files could not be imported")
