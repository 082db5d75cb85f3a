"""The benchmark commands at tiny sizes, and the synthetic corpus they run on. No timing is asserted."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reviews import services
from reviews.audit import system_actor
from reviews.detect import ATTRIBUTION, CASUALTY, GENEVA, detect
from reviews.detect.match import match_key
from reviews.detect.synthetic import claim_event_count, generate_articles, generate_claim_sentences
from reviews.management.commands.benchmark_match import TEAM_SLUG
from reviews.models import AuditEvent, Claim, Team


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_generator_is_deterministic_and_seeded():
    assert generate_articles(3, seed=7) == generate_articles(3, seed=7)
    assert generate_articles(3, seed=7) != generate_articles(3, seed=8)
    assert generate_claim_sentences(50, seed=7) == generate_claim_sentences(50, seed=7)
    assert generate_claim_sentences(50, seed=7) != generate_claim_sentences(50, seed=8)


def test_articles_are_news_sized_and_the_detector_finds_all_three_categories_in_each():
    for text in generate_articles(20, seed=3):
        assert 2_500 <= len(text.encode("utf-8")) <= 7_500
        assert "\n\n" in text
        assert {candidate.category for candidate in detect(text)} == {CASUALTY, GENEVA, ATTRIBUTION}


def test_articles_carry_the_kinds_of_text_asked_for():
    corpus = "\n".join(generate_articles(50, seed=4))
    lowered = corpus.lower()
    for phrase in ("at least", "some", "dozens of", "thousands of", "tens of thousands of", "according to", "as per"):
        assert phrase in lowered, phrase
    for phrase in (" reported", "“", "Source: ", " to "):
        assert phrase in corpus, phrase
    assert "Read more:" in corpus or "Related Articles" in corpus
    assert "Photo" in corpus and "is a senior correspondent for" in corpus
    assert "prisoners of war" in corpus or "Geneva" in corpus


def test_claim_sentences_hold_the_requested_share_of_near_paraphrases():
    sentences = generate_claim_sentences(1_000, seed=2, paraphrase_share=0.25)
    assert len(sentences) == 1_000
    assert claim_event_count(1_000, 0.25) == 750
    assert len(set(sentences)) > 900  # restated, mostly in other words
    assert all(len(match_key(sentence).split()) >= 3 for sentence in sentences)
    assert claim_event_count(1_000, 0.0) == 1_000
    with pytest.raises(ValueError):
        generate_claim_sentences(10, paraphrase_share=1.0)


def test_benchmark_detect_reports_its_figures():
    output = run("benchmark_detect", "--articles", "20", "--warmup", "2")
    assert "Detector on 20 synthetic articles" in output
    for figure in ("articles/s", "kB/s", "median", "p95", "candidates", "casualty", "geneva", "attribution"):
        assert figure in output, figure
    quiet = run("benchmark_detect", "--articles", "5", "--warmup", "0", "-v", "0")
    assert quiet.startswith("articles=5 articles_per_s=")


@pytest.mark.django_db
def test_benchmark_match_builds_reuses_and_rebuilds_its_claims():
    events_before = AuditEvent.objects.count()
    output = run("benchmark_match", "--claims", "300", "--articles", "5", "--warmup", "1", "--loads", "1")
    assert "Matching against 300 claims" in output and "built in" in output
    for figure in ("(a) cold load", "(b) matching", "(c) with detection", "median", "p95", "matches per article"):
        assert figure in output, figure
    team = Team.objects.get(slug=TEAM_SLUG)
    assert Claim.objects.for_team(team.pk).count() == 300
    assert not Claim.objects.for_team(team.pk).filter(match_key="").exists()
    # The bulk load itself adds no audit events (only creating the team and its defaults does).
    added = AuditEvent.objects.count() - events_before
    assert added < 50

    again = run("benchmark_match", "--claims", "300", "--articles", "3", "--warmup", "0", "--loads", "1")
    assert "reused from an earlier run" in again

    fresh = run("benchmark_match", "--claims", "310", "--articles", "3", "--warmup", "0", "--loads", "1", "--fresh")
    assert "Matching against 310 claims" in fresh and "built in" in fresh
    assert Claim.objects.for_team(team.pk).count() == 310
    assert AuditEvent.objects.count() - events_before == added


@pytest.mark.django_db
def test_benchmark_match_refuses_a_database_with_other_teams_articles(team):
    with system_actor("tests"):
        services.import_article(team=team, data=b"Headline\n\nSome text about the town.", source="a.txt")
    with pytest.raises(CommandError, match="articles of other teams"):
        run("benchmark_match", "--claims", "30", "--articles", "1")
    assert not Team.objects.filter(slug=TEAM_SLUG).exists()
