from contextlib import nullcontext
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from reviews import defaults, services
from reviews.audit import system_actor
from reviews.models import Article, Membership, Role, Team
from reviews.services.assist import suggest_claims

SEEDS = Path(settings.BASE_DIR) / "data" / "seeds"

# username, role, is_admin. Demo accounts only: make run prints these logins.
DEMO_USERS = [
    ("rita", Role.REVIEWER, False),
    ("remy", Role.REVIEWER, False),
    ("mona", Role.MODERATOR, False),
    ("admin", Role.OWNER, True),
]
DEMO_PASSWORD = "factcheck-demo"


class Command(BaseCommand):
    help = "Set up the demo desk: the default team, four demo logins and the five seed articles. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="report what would happen, change nothing")

    def handle(self, *args, dry_run: bool, verbosity: int, **options) -> None:
        User = get_user_model()
        # As in import_articles: each seed article is its own transaction; a dry run wraps all in one, rolled back.
        with system_actor("load_demo"), transaction.atomic() if dry_run else nullcontext():
            with transaction.atomic():
                team = Team.objects.filter(slug=defaults.DEFAULT_TEAM_SLUG).first()
                if team is None:
                    team = services.create_team(name=defaults.DEFAULT_TEAM_NAME, slug=defaults.DEFAULT_TEAM_SLUG)
                created_users = []
                for username, role, is_admin in DEMO_USERS:
                    user, created = User.objects.get_or_create(username=username)
                    if created:
                        user.set_password(DEMO_PASSWORD)
                        user.is_staff = user.is_superuser = is_admin
                        user.save()
                        created_users.append(username)
                    if not Membership.objects.filter(team=team, user=user).exists():  # roles changed since stay
                        services.add_member(team=team, user=user, role=role)
            results = services.import_paths(team=team, paths=[str(SEEDS)])
            # Seed articles imported before the detector existed get their suggestions now.
            for article in Article.objects.filter(team=team, suggestions=None):
                suggest_claims(article=article)
            if dry_run:
                transaction.set_rollback(True)
        if verbosity < 1:
            return
        imported = sum(result.status == "imported" for result in results)
        self.stdout.write(
            f"Team “{team.name}”: {imported} seed articles imported, {len(results) - imported} already there."
        )
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for username, role, is_admin in DEMO_USERS:
            note = " (new)" if username in created_users else ""
            extra = ", Django admin" if is_admin else ""
            self.stdout.write(f"  {username:<6} {Role(role).label.lower()}{extra}{note}")
