"""The reader in a real browser: Chromium driven by Playwright against pytest-django's live server.

Selections are made with the mouse, the way a person makes them: the test finds where the wanted
characters are drawn and drags from the first to the last, and the page's own JavaScript turns the
selection into offsets. The database then has to hold exactly the text that was selected.

Run only these with `pytest -m browser`; skip them with `-m "not browser"`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from reviews import services
from reviews.audit import system_actor
from reviews.models import Article, Category, Claim, Evidence, Rating, Review, Role, Team
from tests.conftest import PASSWORD, SENTENCE, make_user, seed_bytes

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
VIEWPORT = {"width": 1440, "height": 900}

# Seed 001, besides SENTENCE (in conftest)
NBSP_SENTENCE = (
    "Most inhabitants in Volnovakha had evacuated, according to Pavlo Kyrylenko, the governor of the Donetsk "
    "region, but there was nothing remained of the city, The Sun\u00a0reported."
)
# Seed 002: curly double quotes, a curly apostrophe and an em dash
CURLY_PARAGRAPH = (
    "\u201cI gravely apologize for our treacherous invasion. To the generalship of our military units, I would "
    "like to say one thing \u2014 that they\u2019ve acted cowardly, that they acted traitorously to us,\u201d he said."
)


# --- browser ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Browser:
    # Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls
    # from the test body unless told that this is deliberate.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser, live_server) -> Page:
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Chromium reports every script, style or frame the Content-Security-Policy refuses on the console.
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not refused, f"the Content-Security-Policy refused something the page needs: {refused}"


# --- data (transactional: the live server reads it from another thread) -----------------------------


@pytest.fixture
def desk(transactional_db) -> Team:
    return services.create_team(name="Desk", slug="desk")


@pytest.fixture
def rita(desk):
    user = make_user("rita")
    services.add_member(team=desk, user=user, role=Role.REVIEWER)
    return user


def import_seed(team: Team, prefix: str) -> Article:
    with system_actor("tests"):
        return services.import_article(team=team, data=seed_bytes(prefix), source=f"{prefix}.txt").article


@pytest.fixture
def article(desk) -> Article:
    return import_seed(desk, "001")


# --- helpers ----------------------------------------------------------------------------------------


def log_in(page: Page, user) -> None:
    page.goto("/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/articles/$"))


def open_reader(page: Page, article: Article) -> None:
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#article-text")).to_be_visible()
    # The page shows the stored text exactly, character for character.
    assert page.locator("#article-text").evaluate("el => el.textContent") == article.body


# Where the first and the last character of body[start:end] are drawn, in viewport coordinates.
# Offsets are code points (Python string indices); the text nodes are walked independently of
# reader.js so that the test does not share the page's own offset arithmetic.
_CHAR_RECTS_JS = """
([start, end]) => {
  const root = document.getElementById("article-text");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const chars = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let i = 0;
    for (const ch of node.data) { chars.push([node, i, ch.length]); i += ch.length; }
  }
  function rect(cp) {
    const [node, i, n] = chars[cp];
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + n);
    const r = range.getClientRects()[0];
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  }
  let first = rect(start);
  window.scrollBy(0, first.top - 160);
  first = rect(start);
  const last = rect(end - 1);
  return { first, last, viewportHeight: window.innerHeight };
}
"""


def drag_select(page: Page, body: str, start: int, end: int) -> None:
    """Select body[start:end] by pressing the mouse before its first character and releasing after its last."""
    assert not body[start].isspace() and not body[end - 1].isspace(), "a drag starts and ends on a visible character"
    rects = page.evaluate(_CHAR_RECTS_JS, [start, end])
    first, last = rects["first"], rects["last"]
    assert first["top"] > 0 and last["bottom"] < rects["viewportHeight"], f"selection not on screen: {rects}"
    page.mouse.move(first["left"] + 1, (first["top"] + first["bottom"]) / 2)
    page.mouse.down()
    page.mouse.move(last["right"] - 1, (last["top"] + last["bottom"]) / 2, steps=8)
    page.mouse.up()


def select_and_tag(page: Page, body: str, start: int, end: int, category: str) -> None:
    drag_select(page, body, start, end)
    form = page.locator("#tag-form")
    expect(form).to_be_visible()
    # What the page will post, before posting it: offsets and quote must describe the same text.
    posted = form.evaluate(
        "f => ({start: f.elements.start.value, end: f.elements.end.value, quote: f.elements.quote.value})"
    )
    assert posted == {"start": str(start), "end": str(end), "quote": body[start:end]}
    form.locator("select[name=category]").select_option(label=category)
    form.locator("button[type=submit]").click()


def span_of(body: str, text: str) -> tuple[int, int]:
    start = body.index(text)
    assert body.count(text) == 1
    return start, start + len(text)


# --- tests ------------------------------------------------------------------------------------------


def test_tag_review_and_add_evidence_with_the_mouse(page: Page, rita, article):
    log_in(page, rita)
    page.get_by_role("link", name=article.title).click()
    expect(page).to_have_url(re.compile(rf"/articles/{article.pk}/$"))
    assert page.locator("#article-text").evaluate("el => el.textContent") == article.body
    page.evaluate("window.__sameDocument = true")

    start, end = span_of(article.body, SENTENCE)
    select_and_tag(page, article.body, start, end, "Casualty figures")

    mark = page.locator("#article-text mark.hl")
    expect(mark).to_have_count(1)
    expect(mark).to_have_text(SENTENCE)
    panel = page.locator("#claim-panel")
    expect(panel.locator("blockquote.quote")).to_have_text(SENTENCE)
    expect(page.locator("#tag-form")).to_be_hidden()
    assert page.evaluate("window.__sameDocument === true"), "tagging reloaded the page"

    claim = Claim.objects.get(article=article)
    assert claim.quote == article.body[claim.start : claim.end] == SENTENCE
    assert (claim.start, claim.end) == (start, end)
    assert claim.category.name == "Casualty figures"
    assert claim.created_by == rita
    expect(panel).to_have_attribute("data-claim", str(claim.pk))

    panel.locator("select[name=rating]").select_option(label="Mostly false")
    panel.locator("textarea[name=rationale]").fill("Only one source, and it is a tabloid.")
    panel.get_by_role("button", name="Save draft").click()
    expect(panel.locator(".review-form")).to_contain_text("Saved")

    panel.locator("input[name=url]").fill("https://example.org/report/seven-pilots")
    panel.locator("textarea[name=excerpt]").fill("Ukraine said six aircraft were downed that week.")
    panel.locator("select[name=stance]").select_option("refutes")
    panel.get_by_role("button", name="Add evidence").click()
    expect(panel.locator("ul.evidence li")).to_have_count(1)
    assert page.evaluate("window.__sameDocument === true"), "reviewing reloaded the page"

    page.reload()
    mark = page.locator("#article-text mark.hl")
    expect(mark).to_have_count(1)
    expect(mark).to_have_text(SENTENCE)
    expect(mark).to_have_attribute("data-verdict", re.compile("Mostly false"))
    expect(page.locator("#claim-panel")).not_to_have_attribute("data-claim", re.compile("."))

    mark.click()
    panel = page.locator("#claim-panel")
    expect(panel).to_have_attribute("data-claim", str(claim.pk))
    expect(panel.locator("blockquote.quote")).to_have_text(SENTENCE)
    rating = Rating.objects.get(team=article.team, label="Mostly false")
    expect(panel.locator("select[name=rating]")).to_have_value(str(rating.pk))
    expect(panel.locator("textarea[name=rationale]")).to_have_value("Only one source, and it is a tabloid.")
    evidence = panel.locator("ul.evidence li")
    expect(evidence).to_have_count(1)
    expect(evidence).to_contain_text("Refutes")
    expect(evidence.locator("a")).to_have_attribute("href", "https://example.org/report/seven-pilots")
    expect(evidence.locator("q")).to_have_text("Ukraine said six aircraft were downed that week.")
    expect(mark).to_have_class(re.compile(r"\bhl-selected\b"))

    review = Review.objects.get(claim=claim, reviewer=rita)
    assert review.rating == rating
    assert review.rationale == "Only one source, and it is a tabloid."
    item = Evidence.objects.get(review=review)
    assert (item.url, item.stance) == ("https://example.org/report/seven-pilots", Evidence.Stance.REFUTES)


def test_a_selection_with_a_non_breaking_space_keeps_it(page: Page, rita, article):
    assert "The Sun\u00a0reported" in article.body
    log_in(page, rita)
    open_reader(page, article)

    start, end = span_of(article.body, NBSP_SENTENCE)
    select_and_tag(page, article.body, start, end, "Attribution chain")
    expect(page.locator("#article-text mark.hl")).to_have_text(NBSP_SENTENCE)

    claim = Claim.objects.get(article=article)
    assert "\u00a0" in claim.quote
    assert claim.quote == article.body[claim.start : claim.end] == NBSP_SENTENCE


def test_a_selection_across_paragraphs_keeps_the_newlines(page: Page, rita, article):
    log_in(page, rita)
    open_reader(page, article)

    start = article.body.index(SENTENCE)
    end = article.body.index("To Stop the Violence") + len("To Stop")
    wanted = article.body[start:end]
    assert wanted.count("\n\n") == 1 and wanted.endswith("Russian Soldiers Urged Russia To Stop")
    select_and_tag(page, article.body, start, end, "Casualty figures")
    expect(page.locator("#article-text mark.hl")).not_to_have_count(0)
    expect(page.locator("#claim-panel blockquote.quote")).to_have_text(wanted)

    claim = Claim.objects.get(article=article)
    assert (claim.start, claim.end) == (start, end)
    assert claim.quote == article.body[claim.start : claim.end] == wanted
    assert "according to reports.\n\nRussian Soldiers" in claim.quote
    # The highlight covers exactly those characters, newlines included.
    marked = page.locator("#article-text mark.hl").evaluate_all("marks => marks.map(m => m.textContent).join('')")
    assert marked == wanted


def test_a_selection_with_curly_quotes(page: Page, rita, desk):
    article = import_seed(desk, "002")
    assert "\u201c" in CURLY_PARAGRAPH and "\u2019" in CURLY_PARAGRAPH and "\u201d" in CURLY_PARAGRAPH
    log_in(page, rita)
    open_reader(page, article)

    start, end = span_of(article.body, CURLY_PARAGRAPH)
    select_and_tag(page, article.body, start, end, "Geneva Convention concern")
    expect(page.locator("#article-text mark.hl")).to_have_text(CURLY_PARAGRAPH)

    claim = Claim.objects.get(article=article)
    assert claim.quote == article.body[claim.start : claim.end] == CURLY_PARAGRAPH


def test_tagging_the_same_span_twice_is_refused_in_the_popover(page: Page, rita, article):
    log_in(page, rita)
    open_reader(page, article)
    start, end = span_of(article.body, SENTENCE)

    select_and_tag(page, article.body, start, end, "Casualty figures")
    expect(page.locator("#article-text mark.hl")).to_have_text(SENTENCE)
    expect(page.locator("#tag-form")).to_be_hidden()

    # Now the sentence is a highlight; select it again, over the mark, in the same category.
    select_and_tag(page, article.body, start, end, "Casualty figures")
    error = page.locator("#tag-form #tag-error")
    expect(error).to_have_text("This exact span is already tagged as “Casualty figures”.")
    expect(page.locator("#tag-form")).to_be_visible()

    assert Claim.objects.filter(article=article).count() == 1
    expect(page.locator("#article-text mark.hl")).to_have_count(1)
    expect(page.locator(".claim-list .count")).to_have_text("1")


def test_screenshots_of_the_list_and_a_reader_with_several_claims(page: Page, rita, article):
    body = article.body
    casualty = Category.objects.get(team=article.team, slug="casualty-figures")
    attribution = Category.objects.get(team=article.team, slug="attribution-chain")
    geneva = Category.objects.get(team=article.team, slug="geneva-convention")
    ratings = {r.slug: r for r in Rating.objects.filter(team=article.team)}
    spans = [
        (SENTENCE, casualty, "mostly-false"),
        ("according to reports.", attribution, "unverifiable"),  # nested inside the first
        (NBSP_SENTENCE, attribution, None),
        (
            "Russian soldiers have also been accused of shooting women and children, as well as murdering seven "
            "people attempting to flee a town near Kyiv.",
            geneva,
            "mixed",
        ),
    ]
    claims = []
    for text, category, slug in spans:
        start, end = span_of(body, text)
        claim = services.tag_claim(user=rita, article=article, start=start, end=end, category=category, quote=text)
        if slug:
            services.save_review(user=rita, claim=claim, rating=ratings[slug], rationale="", confidence=2)
        claims.append(claim)
    review = Review.objects.get(claim=claims[0], reviewer=rita)
    services.add_evidence(
        user=rita, review=review, url="https://example.org/a", excerpt="Six, not seven.", stance="refutes"
    )
    import_seed(article.team, "002")

    ARTIFACTS.mkdir(exist_ok=True)
    log_in(page, rita)
    expect(page.locator("table.list tbody tr")).to_have_count(2)
    page.screenshot(path=str(ARTIFACTS / "article-list.png"), full_page=False)

    open_reader(page, article)
    expect(page.locator(".claim-list .count")).to_have_text(str(len(claims)))
    page.locator(f'#article-text mark[data-starts~="{claims[0].pk}"]').click()
    panel = page.locator("#claim-panel")
    expect(panel).to_have_attribute("data-claim", str(claims[0].pk))
    expect(panel.locator("ul.evidence li")).to_have_count(1)
    # Frame the claims: the first highlight near the top of the window, the sticky panel beside them.
    page.evaluate(
        "window.scrollTo(0, document.querySelector('#article-text mark.hl').getBoundingClientRect().top"
        " + window.scrollY - 140)"
    )
    page.screenshot(path=str(ARTIFACTS / "reader-with-claims.png"), full_page=False)
    assert (ARTIFACTS / "article-list.png").stat().st_size > 0
    assert (ARTIFACTS / "reader-with-claims.png").stat().st_size > 0


def test_removing_evidence_someone_already_removed_says_so_and_shows_no_stale_success(page: Page, rita, article):
    start, end = span_of(article.body, SENTENCE)
    claim = services.tag_claim(user=rita, article=article, start=start, end=end, category=desk_category(article))
    review = services.save_review(user=rita, claim=claim, rating=None, rationale="", confidence=2)
    evidence = services.add_evidence(user=rita, review=review, url="https://example.org/gone", stance="context")
    log_in(page, rita)
    page.goto(f"/articles/{article.pk}/?claim={claim.pk}")
    expect(page.locator("#claim-panel .evidence")).to_contain_text("https://example.org/gone")

    # Removed meanwhile, e.g. from another window; the open page still shows it.
    services.remove_evidence(user=rita, evidence=evidence)
    page.locator("#claim-panel .evidence button", has_text="Remove").click()

    expect(page.locator(".messages [role=alert]")).to_contain_text("no longer exists")
    assert not Evidence.objects.exists()


def desk_category(article: Article):
    return article.team.categories.get(slug="casualty-figures")


def test_a_verdict_and_evidence_can_be_given_with_javascript_switched_off(browser: Browser, live_server, rita, article):
    start, end = span_of(article.body, SENTENCE)
    claim = services.tag_claim(user=rita, article=article, start=start, end=end, category=desk_category(article))
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, rita)
        page.goto(f"/articles/{article.pk}/")
        # The claim list links are real links: they open the panel as a full page.
        page.locator(f'.claim-list a[data-claim="{claim.pk}"]').click()
        expect(page.locator("#claim-panel blockquote")).to_have_text(SENTENCE)

        page.select_option("#id_rating", label="Mostly false")
        page.fill("#id_rationale", "Posted as a plain form.")
        page.click("text=Save draft")
        expect(page.locator(".messages")).to_contain_text("Verdict saved.")

        page.fill("#id_url", "https://example.org/no-js")
        page.click("text=Add evidence")
        expect(page.locator(".messages")).to_contain_text("Evidence added.")
        expect(page.locator("#claim-panel .evidence")).to_contain_text("https://example.org/no-js")
        expect(page.locator(f'#article-text mark[data-claims~="{claim.pk}"][data-verdict]')).to_have_attribute(
            "data-verdict", "Mostly false"
        )
    finally:
        context.close()
    review = Review.objects.get(claim=claim, reviewer=rita)
    assert (review.rating.label, review.rationale) == ("Mostly false", "Posted as a plain form.")
    assert list(review.evidence.values_list("url", flat=True)) == ["https://example.org/no-js"]


# --- the desk: blind review, dispute, resolution -------------------------------------------------------


def page_for(browser: Browser, live_server, user) -> Page:
    """A separate browser (own cookies) for each person at the desk."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, user)
    return page


def open_claim(page: Page, article: Article, claim: Claim) -> None:
    page.goto(f"/articles/{article.pk}/")
    page.locator(f'.claim-list a[data-claim="{claim.pk}"]').click()
    expect(page.locator("#claim-panel")).to_have_attribute("data-claim", str(claim.pk))


def submit_verdict(page: Page, label: str, rationale: str) -> None:
    panel = page.locator("#claim-panel")
    panel.locator("select[name=rating]").select_option(label=label)
    panel.locator("textarea[name=rationale]").fill(rationale)
    panel.get_by_role("button", name="Submit verdict").click()
    expect(panel.locator(".my-verdict .state")).to_have_text("Submitted")


def test_two_reviewers_disagree_and_a_moderator_resolves_the_dispute(
    browser: Browser, live_server, desk, rita, article
):
    remy, mona = make_user("remy"), make_user("mona")
    services.add_member(team=desk, user=remy, role=Role.REVIEWER)
    services.add_member(team=desk, user=mona, role=Role.MODERATOR)
    start, end = span_of(article.body, SENTENCE)
    claim = services.tag_claim(user=rita, article=article, start=start, end=end, category=desk_category(article))
    pages = [page_for(browser, live_server, user) for user in (rita, remy, mona)]
    rita_page, remy_page, mona_page = pages
    try:
        open_claim(rita_page, article, claim)
        submit_verdict(rita_page, "False", "The pilots were not army scouts; Interfax says six.")

        # Remy reviews blind: rita's verdict is not on his page until he has submitted his own.
        open_claim(remy_page, article, claim)
        remy_panel = remy_page.locator("#claim-panel")
        expect(remy_panel).to_contain_text("1 other reviewer reviewed this claim")
        expect(remy_panel).not_to_contain_text("Interfax says six")
        submit_verdict(remy_page, "Mostly true", "Several outlets repeat the figure.")
        expect(remy_panel.locator(".other-review")).to_contain_text("Interfax says six")
        expect(remy_panel.locator(".status")).to_have_text("Disputed")

        # The moderator finds the dispute in the queue, sees both verdicts side by side and decides.
        mona_page.goto("/articles/")
        expect(mona_page.locator("#nav-moderation-count")).to_have_text("1")
        mona_page.get_by_role("link", name=re.compile("Moderation")).click()
        row = mona_page.locator("tr.row-dispute")
        expect(row).to_contain_text("Disputed")
        row.get_by_role("link").click()
        panel = mona_page.locator("#claim-panel")
        expect(panel).to_have_attribute("data-claim", str(claim.pk))
        expect(panel.locator(".other-review")).to_have_count(2)
        ARTIFACTS.mkdir(exist_ok=True)
        panel.scroll_into_view_if_needed()
        mona_page.screenshot(path=str(ARTIFACTS / "dispute-side-by-side.png"), full_page=False)
        panel.locator(".resolve-form select[name=rating]").select_option(label="False")
        panel.locator(".resolve-form textarea[name=reason]").fill("Interfax and the General Staff both say six.")
        panel.get_by_role("button", name="Make final").click()
        expect(panel.locator(".final-verdict")).to_contain_text("Final: False")
        expect(panel.locator(".final-verdict")).to_contain_text("decided by mona")
        # The header's count follows without a reload: nothing waits for a decision any more.
        expect(mona_page.locator("#nav-moderation-count")).to_have_text("0")

        # Everyone's reader now shows the team's final verdict on the claim.
        rita_page.goto(f"/articles/{article.pk}/")
        mark = rita_page.locator(f'#article-text mark[data-claims~="{claim.pk}"][data-verdict]')
        expect(mark).to_have_attribute("data-verdict", "Final: False")
        expect(rita_page.locator(".claim-list")).to_contain_text("Final: False")
        rita_page.screenshot(path=str(ARTIFACTS / "reader-final-verdict.png"), full_page=False)
    finally:
        for page in pages:
            page.context.close()
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating.label, claim.decided_by) == ("final", "False", mona)
    assert claim.decision_reason == "Interfax and the General Staff both say six."


def test_a_stale_decision_gets_409_and_shows_the_current_state(browser: Browser, live_server, desk, rita, article):
    mona, max_ = make_user("mona"), make_user("max")
    for moderator in (mona, max_):
        services.add_member(team=desk, user=moderator, role=Role.MODERATOR)
    start, end = span_of(article.body, SENTENCE)
    claim = services.tag_claim(user=rita, article=article, start=start, end=end, category=desk_category(article))
    false = Rating.objects.get(team=desk, slug="false")
    review = services.save_review(user=rita, claim=claim, rating=false, rationale="Six, not seven.", confidence=3)
    services.submit_review(user=rita, review=review)
    page = page_for(browser, live_server, mona)
    try:
        open_claim(page, article, claim)
        panel = page.locator("#claim-panel")
        expect(panel.locator(".decide-form")).to_have_count(1)
        # Another moderator approves while mona's page still shows the review as submitted.
        services.decide_review(user=max_, review=review, action="approve")
        with page.expect_response(re.compile(r"/reviews/\d+/decide/$")) as answer:
            panel.locator(".decide-form textarea").fill("Needs a second source.")
            panel.get_by_role("button", name="Reject").click()
        assert answer.value.status == 409
        expect(page.locator(".messages")).to_contain_text("changed this meanwhile")
        expect(panel).to_contain_text("changed by someone else meanwhile")
        expect(panel.locator(".other-review .state")).to_have_text("Approved")
        expect(panel.locator(".decide-form")).to_have_count(0)
    finally:
        page.context.close()
    review.refresh_from_db()
    assert (review.state, review.decided_by) == ("approved", max_)


def test_a_suggestion_is_underlined_shown_in_the_list_accepted_and_another_dismissed(page: Page, rita, article):
    log_in(page, rita)
    open_reader(page, article)
    hint = page.locator("#article-text [data-sg]", has_text="murdering seven people").first
    expect(hint).to_have_class(re.compile(r"\bsg\b"))
    hint.click()
    item = page.locator("li.suggestion.sg-focus")
    expect(item).to_contain_text("murdering seven people")

    item.get_by_role("button", name="Accept as claim").click()
    expect(page.locator("#claim-panel blockquote.quote")).to_have_text("murdering seven people")
    expect(page.locator("#claim-panel")).to_contain_text("suggested by the detector")
    expect(page.locator("#article-text mark.hl", has_text="murdering seven people")).to_have_count(1)
    claim = Claim.objects.get(article=article, quote="murdering seven people")
    assert claim.origin == Claim.Origin.SUGGESTED and claim.created_by == rita

    other = page.locator("li.suggestion", has_text="according to Daily Mail").first
    other.get_by_placeholder("Why not a claim?").fill("Attribution already covered by a claim.")
    other.get_by_role("button", name="Dismiss").click()
    expect(page.locator("li.suggestion", has_text="according to Daily Mail")).to_have_count(0)
    dismissed = article.suggestions.get(quote="according to Daily Mail")
    assert (dismissed.status, dismissed.reason) == ("dismissed", "Attribution already covered by a claim.")
