"""Claim assistance: suggestions, detector quality, claims linked across articles, verdict adoption."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews import services
from reviews.audit import system_actor
from reviews.detect import CATEGORIES, detect, detector
from reviews.detect.anchors import AnchoredPattern, words_in
from reviews.detect.synthetic import generate_articles
from reviews.models import AuditEvent, Claim, Review, Suggestion
from reviews.services import assist
from tests.conftest import HTMX, client_for, seed_bytes

SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"


def _import(team, text: str, source: str):
    with system_actor("tests"):
        return services.import_article(team=team, data=text.encode(), source=source).article


# --- the detector's quality on hand-labelled sets ----------------------------------------------------

DATA = Path(__file__).parent / "data"
# (texts, labels, the least recall and the least precision per category). Eight sets, each labelled by
# someone who had not seen the detector. The seeds and the first held-out set were then used to develop
# it and must meet the aim; the others were measured blind first (the closing notes give those figures),
# then used for development too, so they guard against regressions at the level reached.
LABELLED_SETS = {
    "seeds": (SEEDS, DATA / "seed_labels.json", 0.9, 0.75),
    "heldout": (DATA / "heldout", DATA / "heldout_labels.json", 0.9, 0.75),
    "blind": (DATA / "blind", DATA / "blind_labels.json", 0.85, 0.7),
    "final": (DATA / "final", DATA / "final_labels.json", 0.75, 0.75),
    "fresh": (DATA / "fresh", DATA / "fresh_labels.json", 0.85, 0.75),
    "sixth": (DATA / "sixth", DATA / "sixth_labels.json", 0.7, 0.75),
    "seventh": (DATA / "seventh", DATA / "seventh_labels.json", 0.7, 0.75),
    "eighth": (DATA / "eighth", DATA / "eighth_labels.json", 0.75, 0.75),
}


def scores(folder: Path, labels_path: Path) -> dict[str, tuple[float, float]]:
    """Precision and recall per category: a span counts when it overlaps a labelled one of its category."""
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    found = {category: [0, 0, 0, 0] for category in CATEGORIES}  # hits, candidates, labels found, labels
    for path in sorted(folder.glob("*.txt")):
        candidates = detect(path.read_text(encoding="utf-8"))
        labelled = [label for label in labels if label["file"] == path.name]
        for category in CATEGORIES:
            mine = [c for c in candidates if c.category == category]
            theirs = [label for label in labelled if label["category"] == category]
            hits = [c for c in mine if any(c.start < t["end"] and t["start"] < c.end for t in theirs)]
            seen = [t for t in theirs if any(c.start < t["end"] and t["start"] < c.end for c in mine)]
            for index, value in enumerate((len(hits), len(mine), len(seen), len(theirs))):
                found[category][index] += value
    return {cat: (hits / max(cands, 1), seen / max(total, 1)) for cat, (hits, cands, seen, total) in found.items()}


@pytest.mark.parametrize("name", LABELLED_SETS)
def test_detector_recall_and_precision_per_category_on_the_labelled_sets(name):
    folder, labels, least_recall, least_precision = LABELLED_SETS[name]
    for category, (precision, recall) in scores(folder, labels).items():
        assert recall >= least_recall, f"{name} {category} recall {recall:.2f}"
        assert precision >= least_precision, f"{name} {category} precision {precision:.2f}"


@pytest.mark.parametrize("name", LABELLED_SETS)
def test_every_label_quotes_exactly_what_sits_at_its_offsets(name):
    folder, labels, _, _ = LABELLED_SETS[name]
    for label in json.loads(labels.read_text(encoding="utf-8")):
        text = (folder / label["file"]).read_text(encoding="utf-8")
        assert text[label["start"] : label["end"]] == label["quote"]


def test_anchored_patterns_find_exactly_what_a_plain_search_finds():
    texts = [path.read_text(encoding="utf-8") for path in [*sorted(DATA.glob("*/*.txt")), *sorted(SEEDS.glob("*.txt"))]]
    texts += generate_articles(40, seed=7)
    patterns = (
        detector._GENEVA,
        detector._UNQUANTIFIED,
        detector._ATTACK_ON_OBJECT,
        detector._AGGREGATOR,
        detector._TOLL,
    )
    for pattern in (*patterns, detector._ACCORDING, detector._SPEECH):
        anchored = AnchoredPattern(pattern)
        assert anchored.words is not None, "the pattern no longer tells which words it can start with"
        for text in texts:
            words = words_in(text, 0, len(text))
            assert [m.span() for m in anchored.finditer(text, 0, len(text), words)] == [
                m.span() for m in pattern.finditer(text)
            ]


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?=\w)\b(?:bombed|shelled (?:the|a) school|ill-treated)\b",  # split by branch
        r"\b(?:(?:has|had) )*(?:said|told)\b",  # a repeated first group: not split
        r"\b((?:very|so) )+(?:bad|sad)\b",  # the first alternation inside a repeated group: not split
    ],
)
def test_an_anchored_pattern_finds_what_the_pattern_finds_however_its_alternatives_are_grouped(pattern):
    compiled = re.compile(pattern, re.IGNORECASE)
    text = "It had said so; has had told. The army bombed and shelled the school, very so very sad, ill-treated."
    words = words_in(text, 0, len(text))
    found = [m.span() for m in AnchoredPattern(compiled).finditer(text, 0, len(text), words)]
    assert found == [m.span() for m in compiled.finditer(text)]
    assert found


@pytest.mark.parametrize(
    ("sentence", "low", "high", "qualifier", "counted"),
    [
        ("At least 43 people were killed in the strike.", 43, None, "at least", "killed"),
        ("Some 2,000 residents were displaced by the floods of war.", 2000, 2000, "about", "displaced"),
        ("Police said they would detain 10-20,000 people.", 10_000, 20_000, "", "arrested"),
        ("He claimed that 15,000 had died.", 15_000, 15_000, "", "dead"),
        ("Seven reconnaissance soldiers were captured by the army.", 7, 7, "", "captured"),
        ("Dozens were wounded in the shelling.", 24, 99, "", "wounded"),
        ("Tens of thousands of people fled the city.", 20_000, 99_999, "", "displaced"),
    ],
)
def test_figures_are_normalised_to_a_value_or_range_with_what_is_counted(sentence, low, high, qualifier, counted):
    figures = [c.figure for c in detect(sentence) if c.figure is not None]
    assert figures, sentence
    assert (figures[0].low, figures[0].high, figures[0].qualifier, figures[0].counted) == (
        low,
        high,
        qualifier,
        counted,
    )


def test_ages_dates_units_and_view_counts_are_not_casualty_figures():
    text = (
        "The 34-year-old soldier of the 126th brigade spoke on March 7, 2022. "
        "The video has been seen over 600,000 times."
    )
    assert [c for c in detect(text) if c.category == "casualty"] == []


def test_boilerplate_is_not_a_source_of_suggestions():
    text = (
        "Officials said 12 people were killed.\n\nRead More:\n\n"
        "Ten Killed In Crash As Bus Plunges Off Bridge\n\nJane Roe is an award-winning journalist "
        "who writes about conflict and currently works as a reporter at a news agency."
    )
    candidates = detect(text)
    assert candidates
    assert all(c.end <= text.index("Read More") for c in candidates)


# --- the commands on files ------------------------------------------------------------------------------


def test_detect_claims_prints_one_json_object_per_candidate_with_offsets_into_the_file():
    out = StringIO()
    call_command("detect_claims", str(SEEDS / "003_24b84148c221d217.txt"), "--jsonl", stdout=out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    text = (SEEDS / "003_24b84148c221d217.txt").read_text(encoding="utf-8")
    assert {r["category"] for r in records} == {"casualty", "geneva", "attribution"}
    assert all(text[r["start"] : r["end"]] == r["quote"] for r in records)
    died = next(r for r in records if "15,000 had died" in r["quote"])
    assert died["figure"]["low"] == 15_000 and died["figure"]["counted"] == "dead"


def test_match_claims_pairs_the_seven_reconnaissance_troops_across_three_outlets():
    out = StringIO()
    call_command("match_claims", str(SEEDS), "--jsonl", stdout=out)
    pairs = [json.loads(line) for line in out.getvalue().splitlines()]
    reconnaissance = [
        p for p in pairs if "reconnaissance" in p["left"]["quote"] and "reconnaissance" in p["right"]["quote"]
    ]
    files = {Path(side["file"]).name[:3] for p in reconnaissance for side in (p["left"], p["right"])}
    assert files == {"000", "001", "002"}
    assert all(p["score"] >= 70 and p["figures_disagree"] is False for p in reconnaissance)


@pytest.mark.parametrize("command", ["detect_claims", "match_claims"])
def test_a_command_piped_into_a_reader_that_stops_early_ends_quietly(command, tmp_path):
    # Four copies of the seeds: more output than a pipe holds, so the command is still writing when the
    # reader leaves.
    for copy in range(4):
        for seed in SEEDS.glob("*.txt"):
            (tmp_path / f"{copy}_{seed.name}").write_bytes(seed.read_bytes())
    process = subprocess.Popen(
        [sys.executable, "manage.py", command, str(tmp_path), "--jsonl"],
        cwd=SEEDS.parent.parent,
        env={**os.environ, "DEBUG": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert json.loads(process.stdout.readline())  # the reader takes one record, like `| head -1`, and leaves
    process.stdout.close()
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 0, errors
    assert b"Traceback" not in errors


def test_an_attributions_source_never_ends_on_a_joining_word():
    text = "The seven troops were shot down last week, according to sources, and the captured pilots spoke."
    according = next(c for c in detect(text) if c.quote.startswith("according to"))
    assert (according.quote, according.source) == ("according to sources", "sources")


def test_match_claims_flags_figures_that_disagree(tmp_path):
    (tmp_path / "a.txt").write_text("At least 40 people were killed in the missile strike on the Odesa market.\n")
    (tmp_path / "b.txt").write_text("The missile strike on the Odesa market killed 43 people, officials said.\n")
    out = StringIO()
    call_command("match_claims", str(tmp_path), "--jsonl", stdout=out)
    pairs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(pairs) == 1 and pairs[0]["figures_disagree"] is True


# --- suggestions in the database ------------------------------------------------------------------------


def test_import_finds_pending_suggestions_of_all_three_kinds(article):
    kinds = set(article.suggestions.pending().values_list("kind", flat=True))
    assert kinds == {"casualty", "geneva", "attribution"}
    as_per = article.suggestions.get(quote__startswith="as per Newsweek")
    assert [hop["name"] for hop in as_per.details["hops"]][:2] == ["MSN", "Newsweek"]


def test_accepting_a_suggestion_makes_a_claim_recorded_as_suggested_and_audits_both(article, reviewer):
    suggestion = article.suggestions.get(quote="murdering seven people", kind="casualty")
    before = AuditEvent.objects.count()
    claim = assist.accept_suggestion(user=reviewer, suggestion=suggestion)
    suggestion.refresh_from_db()
    assert claim.origin == Claim.Origin.SUGGESTED and claim.quote == "murdering seven people"
    assert claim.category.slug == "casualty-figures" and claim.figure["low"] == 7
    assert (suggestion.status, suggestion.claim_id, suggestion.decided_by) == ("accepted", claim.pk, reviewer)
    events = AuditEvent.objects.filter(pk__gt=0).order_by("-seq")[: AuditEvent.objects.count() - before]
    assert {(e.object_type, e.actor_id) for e in events} >= {
        ("reviews.claim", reviewer.pk),
        ("reviews.suggestion", reviewer.pk),
    }


def test_a_suggestion_cannot_be_accepted_twice(article, reviewer, reviewer2):
    suggestion = article.suggestions.get(quote="murdering seven people", kind="casualty")
    assist.accept_suggestion(user=reviewer, suggestion=suggestion)
    with pytest.raises(services.ActionRefused, match="already accepted by rita"):
        assist.accept_suggestion(user=reviewer2, suggestion=suggestion)
    assert Claim.objects.filter(quote="murdering seven people").count() == 1


def test_dismissing_needs_a_reason_and_keeps_it_in_the_audit_trail(article, reviewer):
    suggestion = article.suggestions.pending().first()
    client = client_for(reviewer)
    response = client.post(f"/suggestions/{suggestion.pk}/dismiss/", {"reason": "  "}, **HTMX)
    assert response.status_code == 200 and "Say why" in response.content.decode()
    assert Suggestion.objects.get(pk=suggestion.pk).status == "pending"
    response = client.post(f"/suggestions/{suggestion.pk}/dismiss/", {"reason": "A quote, not a claim."}, **HTMX)
    assert response.status_code == 204 and "claimsChanged" in response["HX-Trigger"]
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reason) == ("dismissed", "A quote, not a claim.")
    event = AuditEvent.objects.filter(object_type="reviews.suggestion", object_id=str(suggestion.pk)).latest("seq")
    assert (event.reason, event.actor_id, event.after["status"]) == ("A quote, not a claim.", reviewer.pk, "dismissed")


def test_an_oversized_dismissal_reason_is_refused_and_changes_nothing(article, reviewer):
    suggestion = article.suggestions.pending().first()
    response = client_for(reviewer).post(f"/suggestions/{suggestion.pk}/dismiss/", {"reason": "x" * 1001}, **HTMX)
    assert (response["HX-Retarget"], response["HX-Reswap"]) == (f"#suggestion-error-{suggestion.pk}", "innerHTML")
    assert "too long" in response.content.decode()
    assert Suggestion.objects.get(pk=suggestion.pk).status == "pending"


def test_the_reader_shows_suggestions_apart_from_claims_at_a_constant_query_count(article, reviewer, claim):
    client = client_for(reviewer)
    with CaptureQueriesContext(connection) as few:
        html = client.get(f"/articles/{article.pk}/").content.decode()
    assert 'class="sg"' in html and "Suggested claims" in html and "Accept as claim" in html
    for suggestion in list(article.suggestions.pending())[:5]:
        assist.accept_suggestion(user=reviewer, suggestion=suggestion)
    with CaptureQueriesContext(connection) as more:
        client.get(f"/articles/{article.pk}/")
    assert len(more) == len(few)


def test_looking_again_keeps_decided_suggestions_and_adds_none_twice(article, reviewer):
    suggestion = article.suggestions.pending().first()
    assist.dismiss_suggestion(user=reviewer, suggestion=suggestion, reason="not a claim")
    count = article.suggestions.count()
    assert assist.suggest_claims(article=article, user=reviewer) == 0
    assert article.suggestions.count() == count
    assert Suggestion.objects.get(pk=suggestion.pk).status == "dismissed"


def test_an_outsider_cannot_look_for_suggestions_in_another_teams_article(article, outsider):
    response = client_for(outsider).post(f"/articles/{article.pk}/suggest/", **HTMX)
    assert response.status_code == 404


# --- the same claim across articles ---------------------------------------------------------------------


def _claim(team, user, article, quote: str, category_slug: str = "casualty-figures") -> Claim:
    start = article.body.index(quote)
    category = team.categories.get(slug=category_slug)
    return services.tag_claim(
        user=user, article=article, start=start, end=start + len(quote), category=category, quote=quote
    )


def test_claims_stating_the_same_thing_in_other_articles_join_one_cluster(team, reviewer):
    sun = _import(team, seed_bytes("000").decode(), "000.txt")
    times = _import(team, seed_bytes("001").decode(), "001.txt")
    post = _import(team, seed_bytes("002").decode(), "002.txt")
    first = _claim(team, reviewer, sun, "seven military reconnaissance troops were shot down")
    second = _claim(team, reviewer, times, "seven army reconnaissance personnel were shot down")
    third = _claim(team, reviewer, post, "Seven reconnaissance soldiers were captured")
    for claim in (first, second, third):
        claim.refresh_from_db()
    assert first.cluster_id is not None and first.cluster_id == second.cluster_id == third.cluster_id
    assert not assist.cluster_figures_disagree([first, second, third])


def test_a_cluster_whose_figures_disagree_is_flagged_in_the_panel(team, reviewer):
    one = _import(team, "At least 40 people were killed in the missile strike on the Odesa market, police said.\n", "a")
    two = _import(team, "The missile strike on the Odesa market killed 43 people, officials said.\n", "b")
    _claim(team, reviewer, one, "At least 40 people were killed")
    claim = _claim(team, reviewer, two, "killed 43 people")
    html = client_for(reviewer).get(f"/claims/{claim.pk}/", **HTMX).content.decode()
    assert "Figures disagree" in html
    assert "at least 40 killed" in html and "43 killed" in html


def test_unlinking_takes_a_claim_out_of_its_cluster(team, reviewer):
    one = _import(team, "At least 40 people were killed in the missile strike on the Odesa market, police said.\n", "a")
    two = _import(team, "The missile strike on the Odesa market killed 43 people, officials said.\n", "b")
    first = _claim(team, reviewer, one, "At least 40 people were killed")
    second = _claim(team, reviewer, two, "killed 43 people")
    response = client_for(reviewer).post(f"/claims/{second.pk}/unlink/", **HTMX)
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.cluster_id is None and second.cluster_id is None


def test_a_verdict_approved_on_one_member_is_offered_and_adopted_only_on_request(
    team, reviewer, reviewer2, moderator, rating_false
):
    one = _import(team, "At least 40 people were killed in the missile strike on the Odesa market, police said.\n", "a")
    two = _import(team, "The missile strike on the Odesa market killed 43 people, officials said.\n", "b")
    source = _claim(team, reviewer, one, "At least 40 people were killed")
    target = _claim(team, reviewer, two, "killed 43 people")
    review = services.save_review(user=reviewer, claim=source, rating=rating_false, rationale="Footage", confidence=3)
    review = services.submit_review(user=reviewer, review=review)
    services.decide_review(user=moderator, review=review, action="approve")
    assert not Review.objects.filter(claim=target).exists()  # never applied silently

    client = client_for(reviewer2)
    html = client.get(f"/claims/{target.pk}/", **HTMX).content.decode()
    assert "Adopt this verdict" in html
    response = client.post(f"/claims/{target.pk}/adopt/", {"source": source.pk}, **HTMX)
    assert response.status_code == 200
    adopted = Review.objects.get(claim=target, reviewer=reviewer2)
    assert (adopted.rating, adopted.state) == (rating_false, Review.State.SUBMITTED)
    assert f"Adopted from claim #{source.pk}" in adopted.rationale
    event = AuditEvent.objects.filter(object_type="reviews.review", object_id=str(adopted.pk)).earliest("seq")
    assert event.reason == f"adopted the verdict approved on claim #{source.pk}"


def test_adopting_from_a_claim_that_is_not_linked_is_refused(team, reviewer, claim, article):
    other = _claim(team, reviewer, article, "a whole city was wiped out")
    response = client_for(reviewer).post(f"/claims/{claim.pk}/adopt/", {"source": other.pk}, **HTMX)
    assert "not linked" in response.content.decode()
    assert (
        not Review.objects.filter(claim=claim, reviewer=reviewer)
        .exclude(rationale="")
        .filter(rationale__startswith="Adopted")
        .exists()
    )


# --- sources --------------------------------------------------------------------------------------------


def test_the_article_sources_page_draws_its_chains(article, reviewer):
    html = client_for(reviewer).get(f"/articles/{article.pk}/sources/").content.decode()
    assert "<svg" in html and "Newsweek" in html and "MSN" in html


def test_the_team_sources_page_flags_a_single_source_story(team, reviewer):
    _import(team, "Ten people were killed, according to Reuters. Reuters reported that 12 were wounded.\n", "a")
    html = client_for(reviewer).get("/sources/").content.decode()
    assert "Single source" in html and "Reuters" in html


def test_the_team_sources_page_flags_circular_citations(team, reviewer):
    with system_actor("tests"):
        services.import_article(
            team=team,
            data=b"Ten people were killed, according to Daily Beacon.\n",
            source="a",
            outlet_name="Morning Star",
        )
        services.import_article(
            team=team,
            data=b"Nine people were wounded, according to Morning Star.\n",
            source="b",
            outlet_name="Daily Beacon",
        )
    html = client_for(reviewer).get("/sources/").content.decode()
    assert "Circular citation" in html


def test_a_new_articles_suggestions_name_the_claims_elsewhere_that_state_the_same(team, reviewer):
    sun = _import(team, seed_bytes("000").decode(), "000.txt")
    claim = _claim(team, reviewer, sun, "seven military reconnaissance troops were shot down")
    later = _import(team, seed_bytes("001").decode(), "001.txt")
    suggestion = later.suggestions.get(quote="seven army reconnaissance personnel were shot down")
    assert suggestion.details["matches"] == [claim.pk]
    html = client_for(reviewer).get(f"/articles/{later.pk}/").content.decode()
    assert f"?claim={claim.pk}#claim-panel" in html and "Same claim as" in html


def test_the_admin_accepts_selected_suggestions_through_the_same_service(ada, superuser, article):
    chosen = list(article.suggestions.filter(kind="casualty").values_list("pk", flat=True)[:2])
    response = ada.post(
        "/admin/reviews/suggestion/", {"action": "accept_selected", "_selected_action": chosen}, follow=True
    )
    assert "2 suggestion(s) accepted as claims." in response.content.decode()
    claims = Claim.objects.filter(suggestions__pk__in=chosen)
    assert claims.count() == 2 and {c.origin for c in claims} == {"suggested"}
    assert {c.created_by for c in claims} == {superuser}


def test_the_admin_refuses_the_whole_batch_when_one_suggestion_was_already_decided(ada, superuser, article):
    first, second = article.suggestions.filter(kind="casualty")[:2]
    assist.dismiss_suggestion(user=superuser, suggestion=second, reason="not a claim")
    claims_before = Claim.objects.count()
    response = ada.post(
        "/admin/reviews/suggestion/",
        {"action": "accept_selected", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "Nothing was changed" in response.content.decode()
    assert Claim.objects.count() == claims_before
    assert Suggestion.objects.get(pk=first.pk).status == "pending"


def test_the_claim_panel_query_count_does_not_grow_with_the_claims_linked_to_it(
    team, reviewer, moderator, rating_false
):
    sentence = "At least 40 people were killed in the missile strike on the Odesa market, police said.\n"
    first = _claim(team, reviewer, _import(team, sentence, "a"), "At least 40 people were killed")
    client = client_for(reviewer)

    def panel_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert "The same claim in other articles" in client.get(f"/claims/{first.pk}/", **HTMX).content.decode()
        return len(queries)

    _claim(
        team, reviewer, _import(team, sentence.replace("police", "officials"), "b"), "At least 40 people were killed"
    )
    few = panel_queries()
    for number, outlet in enumerate(["witnesses", "the mayor", "the army"]):
        copy = _claim(
            team,
            reviewer,
            _import(team, sentence.replace("police", outlet), f"c{number}"),
            "At least 40 people were killed",
        )
        review = services.save_review(user=reviewer, claim=copy, rating=rating_false, rationale="x", confidence=2)
        services.decide_review(
            user=moderator, review=services.submit_review(user=reviewer, review=review), action="approve"
        )
    assert panel_queries() == few


def test_a_claims_sources_are_drawn_from_its_own_sentence_only(team, reviewer, article):
    claim = _claim(team, reviewer, article, "Melitopol residents have routinely resisted Russian soldiers")
    html = client_for(reviewer).get(f"/articles/{article.pk}/sources/?claim={claim.pk}").content.decode()
    assert "Where this claim comes from" in html and "<svg" in html
    assert "Newsweek" in html and "MSN" in html
    assert "Daily Mail" not in html  # cited elsewhere in the article, not in this claim's sentence


def test_the_claims_table_finds_claims_whose_figures_disagree_elsewhere(team, reviewer):
    one = _import(team, "At least 40 people were killed in the missile strike on the Odesa market, police said.\n", "a")
    two = _import(team, "The missile strike on the Odesa market killed 43 people, officials said.\n", "b")
    _claim(team, reviewer, one, "At least 40 people were killed")
    _claim(team, reviewer, two, "killed 43 people")
    lonely = _claim(team, reviewer, one, "missile strike on the Odesa market", "geneva-convention")
    html = client_for(reviewer).get("/claims/?linked=disagree").content.decode()
    assert "At least 40 people were killed" in html and "killed 43 people" in html
    assert "figures disagree elsewhere" in html
    assert f"?claim={lonely.pk}#" not in html
