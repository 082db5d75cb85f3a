"""Agreement statistics: alpha against published values, the pages, who may see them, their query budget."""

import math
import re

import krippendorff
import numpy as np
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reviews import agreement, services
from reviews.agreement import Verdict, ordinal_alpha, summarise
from reviews.audit import system_actor
from reviews.models import Claim, Rating, Review
from tests.conftest import client_for, make_user

# --- published reference values ---------------------------------------------------------------------
#
# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
# Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43
# The worked example "C": four observers code twelve units on values 1-5, with missing data (None).
# The paper's results: nominal alpha = 0.743, ordinal 0.815, interval 0.849, ratio 0.797.

PAPER = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}
PAPER_ALPHA = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


def paper_verdicts() -> list[Verdict]:
    """The paper's data as our rows: a unit is a claim, an observer a reviewer, a value a rating."""
    return [
        Verdict(claim_id=unit, reviewer_id=observer, rating_id=value, value=value, is_scored=True)
        for observer, values in enumerate(PAPER.values(), start=1)
        for unit, value in enumerate(values, start=1)
        if value is not None
    ]


def test_our_alpha_reproduces_the_papers_ordinal_value():
    result = summarise(paper_verdicts(), scored_values=[1, 2, 3, 4, 5])
    assert round(result.alpha, 3) == PAPER_ALPHA["ordinal"]
    assert result.reading == "reliable"


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_the_library_gives_the_papers_value_on_the_same_data_at_every_level(level):
    data = np.array([[np.nan if v is None else v for v in values] for values in PAPER.values()], dtype=float)
    assert round(krippendorff.alpha(reliability_data=data, level_of_measurement=level), 3) == PAPER_ALPHA[level]


def test_percent_agreement_on_the_papers_data_counts_agreeing_pairs_by_hand():
    # Units with 2+ values and their (agreeing pairs / pairs): 1: 3/3, 2: 3/6, 3: 6/6, 4: 6/6, 5: 6/6,
    # 6: 0/6, 7: 6/6, 8: 3/6, 9: 6/6, 10: 3/3, 11: 1/1; unit 12 has one value only. 43 of 55 pairs.
    result = summarise(paper_verdicts(), scored_values=[1, 2, 3, 4, 5])
    assert (result.agreeing_pairs, result.pairs) == (43, 55)
    assert result.percent == pytest.approx(100 * 43 / 55)
    assert (result.claims, result.paired_claims, result.verdicts, result.reviewers) == (12, 11, 41, 4)


def two_coders(*units: tuple[int, int]) -> list[Verdict]:
    return [
        Verdict(claim_id=unit, reviewer_id=coder, rating_id=value, value=value, is_scored=True)
        for unit, values in enumerate(units, start=1)
        for coder, value in enumerate(values, start=1)
    ]


def test_perfect_agreement_gives_alpha_1_and_100_percent():
    result = summarise(two_coders((1, 1), (3, 3), (6, 6)), scored_values=range(1, 7))
    assert result.alpha == 1.0
    assert result.percent == 100.0


def test_a_small_two_coder_case_gives_the_alpha_computed_by_hand():
    # Units (1,1), (2,2), (1,2): n = 6 pairable values, n_1 = n_2 = 3. Coincidences o_11 = o_22 = 2,
    # o_12 = o_21 = 1. Ordinal delta²(1,2) = (n_1 + n_2 - (n_1 + n_2)/2)² = 3² = 9.
    # alpha = 1 - (n - 1) * sum(o_ck delta²) / sum(n_c n_k delta²) = 1 - 5 * 18 / (2 * 3 * 3 * 9) = 1 - 5/9 = 4/9.
    result = summarise(two_coders((1, 1), (2, 2), (1, 2)), scored_values=[1, 2, 3])
    assert result.alpha == pytest.approx(4 / 9)
    assert (result.agreeing_pairs, result.pairs) == (2, 3)
    assert result.reading == "unreliable"


def test_an_unused_label_between_two_used_ones_does_not_change_ordinal_alpha():
    # Krippendorff's ordinal difference sums the frequencies of the values between two ranks; a label
    # nobody chose has frequency 0, so the scale's gaps do not count. The domain still fixes the order.
    units = [[1, 1], [3, 3], [1, 3], [5, 5]]
    assert ordinal_alpha(units, [1, 3, 5]) == ordinal_alpha(units, [1, 2, 3, 4, 5])
    assert ordinal_alpha(units, [1, 2, 3, 4, 5])[0] == pytest.approx(0.79)


def test_unscored_verdicts_count_in_percent_agreement_but_not_in_alpha():
    rows = [
        Verdict(1, 1, rating_id=6, value=6, is_scored=True),
        Verdict(1, 2, rating_id=6, value=6, is_scored=True),
        Verdict(2, 1, rating_id=1, value=1, is_scored=True),
        Verdict(2, 2, rating_id=1, value=1, is_scored=True),
        Verdict(3, 1, rating_id=7, value=0, is_scored=False),  # unverifiable, twice: agree
        Verdict(3, 2, rating_id=7, value=0, is_scored=False),
        Verdict(4, 1, rating_id=7, value=0, is_scored=False),  # unverifiable against false: disagree
        Verdict(4, 2, rating_id=1, value=1, is_scored=True),
    ]
    result = summarise(rows, scored_values=[1, 2, 3, 4, 5, 6])
    assert (result.agreeing_pairs, result.pairs, result.paired_claims) == (3, 4, 4)
    assert result.alpha == 1.0  # claims 1 and 2 only; 3 has no scored verdict, 4 just one
    assert result.alpha_claims == 2


@pytest.mark.parametrize(
    ("rows", "scored", "why"),
    [
        ([], [1, 2], "fewer than two claims"),
        (two_coders((1, 2)), [1, 2], "fewer than two claims"),
        (two_coders((2, 2), (2, 2), (2, 2)), [1, 2], "no variation"),
        (two_coders((1, 1), (1, 2)), [1], "fewer than two scored labels"),
    ],
    ids=["no verdicts", "one pairable claim", "everyone always agrees on one rating", "one-label scale"],
)
def test_alpha_is_none_with_a_reason_when_it_is_undefined(rows, scored, why):
    result = summarise(rows, scored_values=scored)
    assert result.alpha is None
    assert why in result.alpha_note
    assert result.reading == ""


def test_no_verdicts_give_no_percentage_rather_than_a_division_by_zero():
    result = summarise([], scored_values=[1, 2])
    assert result.percent is None
    assert (result.claims, result.pairs, result.verdicts, result.reviewers) == (0, 0, 0, 0)


# --- data built through the services ------------------------------------------------------------------


def rating(team, slug: str) -> Rating:
    return Rating.objects.get(team=team, slug=slug)


def make_claims(team, user, category, count: int, outlet: str = "", title: str = "Story") -> list[Claim]:
    """An article with `count` claims, one per sentence; outlet "" means none."""
    sentences = [f"Claim number {i} of {title} is checkable." for i in range(count)]
    body = f"{title}\n\n" + " ".join(sentences)
    with system_actor("tests"):
        article = services.import_article(
            team=team, data=body.encode(), source=f"{title}.txt", outlet_name=outlet
        ).article
    claims = []
    for sentence in sentences:
        start = article.body.index(sentence)
        claims.append(
            services.tag_claim(user=user, article=article, start=start, end=start + len(sentence), category=category)
        )
    return claims


def submit(user, claim, rating) -> Review:
    review = services.save_review(user=user, claim=claim, rating=rating, rationale="", confidence=2)
    return services.submit_review(user=user, review=review)


@pytest.fixture
def desk(team, moderator, owner, reviewer, reviewer2, category):
    """Daily Planet: three claims rated by rita and remy, all made final; one claim of an article without outlet.

    Verdicts (rita, remy): c1 false/false, c2 false/mixed, c3 true/true; c4 (no outlet) mixed by rita only.
    Rating values: true 6, mixed 4, false 1. Pairs: 2 of 3 agree, 66.7 %. Ordinal alpha on (1,1), (1,4),
    (6,6): n = 6 with n_1 = 3, n_4 = 1, n_6 = 2; delta²(1,4) = (4 - 2)² = 4, delta²(1,6) = (6 - 2.5)² = 12.25,
    delta²(4,6) = (3 - 1.5)² = 2.25; alpha = 1 - 5 * (2 * 4) / (2 * (3*1*4 + 3*2*12.25 + 1*2*2.25)) = 1 - 40/180
    = 0.778, "tentative".
    """
    false, mixed, true = rating(team, "false"), rating(team, "mixed"), rating(team, "true")
    c1, c2, c3 = make_claims(team, reviewer, category, 3, outlet="Daily Planet", title="Planet")
    (c4,) = make_claims(team, reviewer, category, 1, outlet="", title="Pamphlet")
    ritas = [submit(reviewer, c1, false), submit(reviewer, c2, false), submit(reviewer, c3, true)]
    submit(reviewer2, c1, false)
    submit(reviewer2, c2, mixed)
    submit(reviewer2, c3, true)
    submit(reviewer, c4, mixed)
    for review in ritas:
        services.decide_review(user=moderator, review=review, action="approve")
    return {"planet": c1.article, "pamphlet": c4.article, "claims": [c1, c2, c3, c4]}


@pytest.fixture
def mona(moderator) -> Client:
    return client_for(moderator)


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def hidden_table_row(html: str, name: str) -> list[str]:
    """The counts of an outlet's row in the table for screen readers, in scale order plus the total."""
    match = re.search(rf'<tr><th scope="row">{re.escape(name)}</th>(.*?)</tr>', html)
    assert match, f"no row for {name}"
    return re.findall(r"<td>(\d+)</td>", match.group(1))


def test_agreement_for_counts_only_submitted_and_approved_verdicts(team, desk, reviewer2, moderator):
    draft_claim = make_claims(team, reviewer2, desk["claims"][0].category, 1, outlet="", title="Drafts")[0]
    services.save_review(user=reviewer2, claim=draft_claim, rating=rating(team, "true"), rationale="", confidence=2)
    rejected = submit(reviewer2, desk["claims"][3], rating(team, "false"))
    services.decide_review(user=moderator, review=rejected, action="reject", reason="No evidence.")

    with CaptureQueriesContext(connection) as queries:
        result = agreement.agreement_for(Review.objects.for_team(team.pk), scored_values=range(1, 7))

    assert len(queries) == 1
    assert (result.verdicts, result.claims, result.paired_claims, result.reviewers) == (7, 4, 3, 2)
    assert round(result.alpha, 3) == 0.778


def test_a_moderator_sees_the_teams_agreement_figures(mona, desk):
    html = text_of(mona.get("/stats/"))

    assert "Agreement <small>· Desk</small>" in html
    assert '<dd class="value">3</dd>' in html  # claims with two or more submitted verdicts
    assert "of 4 claims with any; 7 submitted verdicts by 2 reviewers" in html
    assert "66.7%" in html
    assert "2 of 3 reviewer pairs chose the same rating" in html
    assert "0.778" in html
    assert '<span class="reading reading-tentative">tentative</span>' in html
    assert "From 0.8 up the verdicts are reliable" in html


def test_the_page_has_a_row_per_category_with_the_same_figures(mona, desk):
    html = text_of(mona.get("/stats/"))
    row = re.search(r"<td>Casualty figures</td>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r'<td class="num">(.*?)</td>', row) == ["3", "7", "66.7%", "0.778"]
    assert re.search(r"<td>Geneva Convention concern</td>\s*<td class=\"num\">0</td>", html)


def test_an_owner_sees_the_statistics_too(owner, desk):
    assert "66.7%" in text_of(client_for(owner).get("/stats/"))
    assert "66.7%" in text_of(client_for(owner).get(f"/articles/{desk['planet'].pk}/stats/"))


def test_the_verdict_mix_shows_final_verdicts_per_outlet_by_default(mona, desk):
    html = text_of(mona.get("/stats/"))

    # Scale order: true, mostly true, mixed, misleading, mostly false, false, unverifiable; then the total.
    assert hidden_table_row(html, "Daily Planet") == ["1", "0", "0", "0", "0", "2", "0", "3"]
    assert "No outlet" not in html  # the pamphlet's only claim is not final
    assert "<title>Daily Planet: False, 2 of 3 (67%)</title>" in html
    assert '<rect class="v-false" x="33.333%" y="0" width="66.667%" height="24"/>' in html
    assert '<a href="?basis=final" aria-current="page">Final verdicts</a>' in html


def test_the_basis_switch_counts_every_submitted_verdict(mona, desk):
    html = text_of(mona.get("/stats/?basis=submitted"))

    assert hidden_table_row(html, "Daily Planet") == ["2", "0", "1", "0", "0", "3", "0", "6"]
    assert hidden_table_row(html, "No outlet") == ["0", "0", "1", "0", "0", "0", "0", "1"]
    assert html.index(">Daily Planet<") < html.index(">No outlet<")
    assert '<a href="?basis=submitted" aria-current="page">Submitted verdicts</a>' in html
    assert "66.7%" in html  # agreement is always measured on submitted verdicts


def test_an_unknown_basis_falls_back_to_final_verdicts(mona, desk):
    html = text_of(mona.get("/stats/?basis=everything"))
    assert '<a href="?basis=final" aria-current="page">Final verdicts</a>' in html


def test_the_article_page_counts_only_that_articles_claims_and_links_back(mona, desk):
    planet = desk["planet"]
    html = text_of(mona.get(f"/articles/{planet.pk}/stats/"))

    assert f'<a href="/articles/{planet.pk}/">← Back to the article</a>' in html
    assert "of 3 claims with any; 6 submitted verdicts by 2 reviewers" in html
    assert "0.778" in html
    pamphlet = text_of(mona.get(f"/articles/{desk['pamphlet'].pk}/stats/?basis=submitted"))
    assert "No claim has two or more submitted verdicts yet (1 verdict on 1 claim so far)" in pamphlet
    assert hidden_table_row(pamphlet, "No outlet")[-1] == "1"
    assert "Daily Planet" not in pamphlet


def test_a_reviewer_is_refused_both_pages_with_a_reason(reviewer, desk):
    rita = client_for(reviewer)
    for url in ["/stats/", f"/articles/{desk['planet'].pk}/stats/"]:
        response = rita.get(url)
        assert response.status_code == 403, url
        html = response.content.decode()
        assert "Only moderators and owners see agreement statistics" in html
        assert "66.7%" not in html and "Daily Planet" not in html


def test_an_outsider_gets_404_for_another_teams_article_stats(outsider, desk):
    assert client_for(outsider).get(f"/articles/{desk['planet'].pk}/stats/").status_code == 404


def test_an_outsider_sees_only_their_own_team_on_the_stats_page(outsider, desk):
    html = text_of(client_for(outsider).get("/stats/"))
    assert "Agreement <small>· Elsewhere</small>" in html
    assert "Desk" not in html and "Daily Planet" not in html and "66.7%" not in html
    assert "No claim has two or more submitted verdicts yet." in html
    assert "No claim has a final verdict yet." in html


def test_a_user_without_a_team_is_refused_with_a_reason(db):
    response = client_for(make_user("nobody")).get("/stats/")
    assert response.status_code == 403
    assert "not a member of any team" in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(desk):
    for url in ["/stats/", f"/articles/{desk['planet'].pk}/stats/"]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_the_pages_answer_get_only(mona, desk):
    assert mona.post("/stats/").status_code == 405
    assert mona.post(f"/articles/{desk['planet'].pk}/stats/").status_code == 405


def test_an_undefined_alpha_renders_its_reason_instead_of_a_number(mona, team, reviewer, reviewer2, category):
    (claim,) = make_claims(team, reviewer, category, 1, outlet="Gazette", title="Lonely")
    submit(reviewer, claim, rating(team, "false"))
    submit(reviewer2, claim, rating(team, "true"))

    html = text_of(mona.get("/stats/"))

    assert "Not defined yet: fewer than two claims have two or more scored verdicts." in html
    assert "0.0%" in html  # one pair, disagreeing
    assert "nan" not in html.lower()


def test_a_team_that_always_agrees_has_no_alpha_and_says_why(mona, team, reviewer, reviewer2, category):
    for claim in make_claims(team, reviewer, category, 3, outlet="Gazette", title="Unanimous"):
        submit(reviewer, claim, rating(team, "false"))
        submit(reviewer2, claim, rating(team, "false"))

    html = text_of(mona.get("/stats/"))

    assert "100.0%" in html
    assert "Not defined yet: every scored verdict is the same rating" in html
    assert "nan" not in html.lower()


def test_an_empty_team_page_reads_well(mona, team):
    html = text_of(mona.get("/stats/"))
    assert "No claim has two or more submitted verdicts yet." in html
    assert "No claim has a final verdict yet." in html
    assert '<a href="?basis=submitted">Show the submitted verdicts</a>' in html
    assert "No submitted verdicts yet." in text_of(mona.get("/stats/?basis=submitted"))


def test_the_page_has_no_inline_styles_or_scripts_and_links_its_stylesheet(mona, desk):
    html = text_of(mona.get("/stats/"))
    assert "style=" not in html
    assert all(" src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert 'href="/static/reviews/stats.css"' in html


def outlets_with_verdicts(team, moderator, reviewer, reviewer2, category, numbers: range) -> None:
    """An outlet per number, each with one article of one claim that two reviewers rated and a moderator made final."""
    false, mixed = rating(team, "false"), rating(team, "mixed")
    for i in numbers:
        (claim,) = make_claims(team, reviewer, category, 1, outlet=f"Outlet {i}", title=f"Story {i}")
        review = submit(reviewer, claim, false)
        submit(reviewer2, claim, mixed if i % 2 else false)
        services.decide_review(user=moderator, review=review, action="approve")


def query_counts(client: Client, article_id: int) -> list[int]:
    counts = []
    for url in ["/stats/", "/stats/?basis=submitted", f"/articles/{article_id}/stats/"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    return counts


def test_the_query_count_does_not_grow_with_claims_and_outlets(mona, team, moderator, reviewer, reviewer2, category):
    outlets_with_verdicts(team, moderator, reviewer, reviewer2, category, range(2))
    article_id = Claim.objects.for_team(team.pk).first().article_id
    few = query_counts(mona, article_id)

    outlets_with_verdicts(team, moderator, reviewer, reviewer2, category, range(2, 6))
    html = text_of(mona.get("/stats/"))
    assert html.count('<span class="bar-name">Outlet') == 6
    assert few == query_counts(mona, article_id)


def test_systematic_disagreement_gives_a_negative_alpha_computed_by_hand():
    # Units (1,2), (2,1): n = 4, n_1 = n_2 = 2, o_12 = o_21 = 2, delta²(1,2) = (4 - 2)² = 4.
    # alpha = 1 - (n - 1) * (2 + 2) * 4 / (2 * 2 * 2 * 4) = 1 - 3 * 16 / 32 = -0.5.
    result = summarise(two_coders((1, 2), (2, 1)), scored_values=[1, 2])
    assert result.alpha == pytest.approx(-0.5)
    assert not math.isnan(result.alpha)
