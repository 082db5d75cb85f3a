"""A fresh install has one team, with the default categories and rating scale."""

from django.db import migrations

from reviews import defaults


def create_default_team(apps, schema_editor):
    Team = apps.get_model("reviews", "Team")
    Category = apps.get_model("reviews", "Category")
    Rating = apps.get_model("reviews", "Rating")
    if Team.objects.exists():
        return
    team = Team.objects.create(name=defaults.DEFAULT_TEAM_NAME, slug=defaults.DEFAULT_TEAM_SLUG)
    for position, (slug, name, colour, description) in enumerate(defaults.CATEGORIES):
        Category.objects.create(
            team=team, slug=slug, name=name, colour=colour, description=description, position=position
        )
    for slug, label, value, is_scored in defaults.RATINGS:
        Rating.objects.create(team=team, slug=slug, label=label, value=value, is_scored=is_scored)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(create_default_team, migrations.RunPython.noop)]
