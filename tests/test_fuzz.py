"""Bad input, property-based: the importer and every form fed with random bytes, huge lines, control
characters, mixed encodings and oversized fields answer with a clear refusal, never a 500 and never a
partial write.

Every database-touching example runs in its own savepoint that is rolled back afterwards, so each one
starts from the fixtures' state and the row counts before and after a request can be compared.
"""

from __future__ import annotations

import contextlib
import unicodedata
import uuid
from collections.abc import Callable

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.db import transaction
from django.test.signals import template_rendered
from django.utils.html import escape
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from template_partials.templatetags.partials import TemplateProxy

from reviews import services
from reviews.models import Article, AuditEvent, Claim, Comment, Evidence, Review, Suggestion
from reviews.text import MAX_ARTICLE_BYTES, TextRefused, decode_article
from tests.conftest import HTMX, client_for, row_counts

# No example database: the runs leave nothing behind in the working tree. Health checks are off because
# the function-scoped fixtures are shared by a test's examples on purpose (each rolls back) and the
# oversized inputs are deliberate.
QUICK = settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
DB = settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
FEW = settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))

# --- strategies ---------------------------------------------------------------------------------------

UNICODE = st.characters(exclude_categories=["Cs"])  # anything a browser can send: no lone surrogates
CONTROL = st.characters(categories=["Cc"])  # includes NUL, CR, LF, ESC, DEL, C1 controls
ODD = st.sampled_from("\x00\r\n\t\x0b\x0c\x1b\x7f\x85\u2028\u2029\u200b\u200e\u202e\ufeff\ufffd")

TEXT = st.one_of(
    st.text(UNICODE, max_size=200),
    st.text(st.one_of(CONTROL, ODD), max_size=40),
    st.text(st.one_of(UNICODE, CONTROL, ODD), max_size=300),
    st.text(UNICODE, max_size=20_000),
    # Just over (and at) each limit the forms and services enforce: note, reason, comment, excerpt, rationale.
    st.sampled_from([500, 501, 1000, 1001, 2001, 4000, 4001, 5000, 5001, 10_000, 10_001, 20_001]).map(
        lambda n: "é" * n
    ),
    st.just("x" * 100_001),
    st.just("\x00"),
    st.just("   \t  "),
)

NUMBERISH = st.one_of(
    st.integers(min_value=-5, max_value=400).map(str),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from(
        [
            "",
            "-1",
            "0",
            "2147483648",
            "9223372036854775808",
            "1e3",
            "0x10",
            "１２",  # fullwidth digits: int() accepts them
            "٣",
            " 7 ",
            "1.5",
            "NaN",
            "inf",
            "1\x00",
            "9" * 5000,  # more digits than int() converts
        ]
    ),
)
INTISH = st.one_of(NUMBERISH, TEXT)


SEARCH_TEXT = st.one_of(
    st.text(st.one_of(UNICODE, CONTROL, ODD), max_size=300),
    st.sampled_from([199, 200, 201, 2999]).map(lambda n: "q" * n),
    st.sampled_from(["'", '"', "!", "-", "&|", "a:*", "\\", "%", "_", "\x00", "<script>", "' OR 1=1 --"]),
)
# Text a form accepts as it is (NUL is the one character every CharField refuses).
FAIR_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=300)


def mostly(valid, junk=TEXT):
    """The valid value two times in three, junk otherwise: enough of both to reach every branch."""
    if not isinstance(valid, st.SearchStrategy):
        valid = st.just(str(valid))
    return st.integers(0, 2).flatmap(lambda pick: junk if pick == 0 else valid)


def _with_line_endings(lines: list[str], endings: list[str]) -> str:
    return "".join(line + endings[i % len(endings)] for i, line in enumerate(lines))


LINES = st.lists(st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=80), min_size=1, max_size=20)
ARTICLE_TEXT = st.builds(
    _with_line_endings, LINES, st.lists(st.sampled_from(["\n", "\r\n", "\r", "\n\r"]), min_size=1, max_size=4)
)
LATIN1 = st.text(
    st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E), st.characters(min_codepoint=0xA0, max_codepoint=0xFF)
    )
)

FILE_BYTES = st.one_of(
    st.binary(max_size=4096),
    ARTICLE_TEXT.map(lambda t: t.encode("utf-8")),
    ARTICLE_TEXT.map(lambda t: "\ufeff" + t).map(lambda t: t.encode("utf-8")),
    ARTICLE_TEXT.map(lambda t: t.encode("utf-16")),  # with a byte order mark
    ARTICLE_TEXT.map(lambda t: t.encode("utf-16-le")),
    LATIN1.map(lambda t: t.encode("latin-1")),
    st.tuples(ARTICLE_TEXT, st.binary(min_size=1, max_size=8)).map(lambda p: p[0].encode() + b"\x00" + p[1]),
    st.tuples(ARTICLE_TEXT, st.sampled_from([b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xc0\xaf"])).map(
        lambda p: p[0].encode() + p[1]
    ),
    st.tuples(ARTICLE_TEXT, LATIN1).map(lambda p: p[0].encode("utf-8") + p[1].encode("latin-1")),  # mixed
    st.tuples(ARTICLE_TEXT, st.text(CONTROL, min_size=1, max_size=5)).map(lambda p: (p[0] + p[1]).encode()),
    st.sampled_from(
        [
            b"",
            b"\n\r\n\t ",
            b"\xef\xbb\xbf",
            b"\xef\xbb\xbf\xef\xbb\xbfDouble BOM\n",
            b"A line\r\nanother\ranother\n\rlast\n",
            b"x" * MAX_ARTICLE_BYTES,
            b"x" * (MAX_ARTICLE_BYTES + 1),
            b"y" * 2_000_000,  # a 2 MB single line
            "é".encode() * (MAX_ARTICLE_BYTES // 2) + b"\xc3",  # cut in the middle of a character
        ]
    ),
)


# --- helpers ------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def partial_contexts(monkeypatch):
    """Let the test client see the context of htmx fragments too.

    The client captures contexts through the signal Django's instrumented `Template._render` sends;
    fragments rendered by django-template-partials bypass it, so send the same signal for them.
    """
    original = TemplateProxy._render

    def instrumented(self, context):
        template_rendered.send(sender=self, template=self, context=context)
        return original(self, context)

    monkeypatch.setattr(TemplateProxy, "_render", instrumented)


@contextlib.contextmanager
def rolled_back():
    """Run one example in a savepoint that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    return {
        **row_counts(),
        "comments": Comment.objects.count(),
        "pending_suggestions": Suggestion.objects.filter(status=Suggestion.Status.PENDING).count(),
    }


def post(client, url: str, data: dict, htmx: bool):
    client.cookies.pop("messages", None)  # only this request's messages count
    return client.post(url, data, **(HTMX if htmx else {}))


def refusal_reasons(response) -> list[str]:
    """What the response says was wrong; empty when it reports a change."""
    reasons = [str(m.message) for m in get_messages(response.wsgi_request) if m.level == message_levels.ERROR]
    context = getattr(response, "context", None)
    if context is not None:
        for key in ("panel_error", "error", "suggestion_error"):
            if key in context and context[key]:
                reasons.append(str(context[key]))
        for key in ("review_form", "evidence_form", "comment_form"):
            form = context.get(key)
            if form is not None and form.is_bound and form.errors:
                reasons.extend(str(e) for errors in form.errors.values() for e in errors)
    return reasons


def check_refusal_or_change(response, before: dict[str, int], changed: Callable[[], None]) -> bool:
    """Assert the common contract; return True when the request was refused."""
    assert response.status_code < 500
    reasons = refusal_reasons(response)
    if reasons:
        assert response.status_code in (200, 302, 409), response.status_code
        assert all(reason.strip() for reason in reasons), reasons
        assert counts() == before, f"refused ({reasons}) but rows changed"
        event(f"refused with {response.status_code}")
        return True
    assert response.status_code in (200, 204, 302), response.status_code
    changed()
    event(f"changed with {response.status_code}")
    return False


def single_line(message: str) -> bool:
    return bool(message.strip()) and "\n" not in message and "\r" not in message


# --- 1. decoding -------------------------------------------------------------------------------------


@QUICK
@given(data=FILE_BYTES)
def test_decoding_any_bytes_gives_clean_text_or_a_one_line_refusal(data):
    try:
        text = decode_article(data)
    except TextRefused as exc:
        assert single_line(str(exc)), repr(str(exc))
        event("refused")
        return
    event("decoded")
    assert isinstance(text, str)
    assert len(data) <= MAX_ARTICLE_BYTES
    assert text.strip()
    # What Python's own reading gives: one byte order mark dropped, every line ending a "\n".
    assert text == data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    assert not [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"]


# --- 2. the importer service --------------------------------------------------------------------------


@DB
@given(data=FILE_BYTES)
def test_importing_any_bytes_imports_reports_a_duplicate_or_fails_without_writing(team, owner, article, data):
    with rolled_back():
        before = counts()
        result = services.import_article(team=team, data=data, source="fuzz.txt", actor=owner)
        after = counts()
        assert result.status in ("imported", "duplicate", "failed")
        event(result.status)
        assert single_line(result.message), repr(result.message)
        if result.status == "failed":
            assert result.article is None
            assert after["articles"] == before["articles"]
            assert after["events"] == before["events"]
            assert after == before
        elif result.status == "duplicate":
            assert after == before
            assert result.article.body == decode_article(data)
        else:
            assert after["articles"] == before["articles"] + 1
            assert after["events"] > before["events"]
            stored = Article.objects.get(pk=result.article.pk)
            assert stored.body == decode_article(data)
            assert stored.team == team


# --- 3. the import page -----------------------------------------------------------------------------

FILE_NAMES = st.one_of(
    st.just("article.txt"),
    st.text(UNICODE, min_size=1, max_size=60),
    st.text(UNICODE, min_size=1, max_size=30).map(lambda s: s + ".txt"),
    st.integers(min_value=200, max_value=900).map(lambda n: "n" * n + ".txt"),
    st.just("m" * 2000 + ".txt"),
    st.sampled_from(
        [
            "../../etc/passwd",
            "..\\..\\windows\\win.ini",
            "/absolute/path/article.txt",
            "C:\\Users\\me\\article.txt",
            "dir/sub/",
            "ünïcödé — 文章 😀.txt",
            ".txt",
            ".",
            "..",
            " ",
            'quote " in name.txt',
            "semi;colon=.txt",
            "tab\there.txt",
            "nul\x00byte.txt",
            "line\r\nbreak.txt",
            "&quot;entity&#47;.txt",
            "\u202etxt.exe",
        ]
    ),
)


def multipart(files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    """A browser's multipart body for the files: names escaped as browsers escape them, no basename applied."""
    boundary = f"----fuzz{uuid.uuid4().hex}"
    parts = []
    for name, content in files:
        quoted = name.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        parts.append(
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="files"; filename="{quoted}"\r\n'
            "Content-Type: text/plain\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


# Upload contents: mostly text an importer should take, else anything FILE_BYTES makes.
UPLOAD_BYTES = mostly(ARTICLE_TEXT.map(lambda t: t.encode("utf-8")), FILE_BYTES)
UPLOADS = st.lists(st.tuples(FILE_NAMES, UPLOAD_BYTES), min_size=1, max_size=4)


@FEW
@given(
    files=st.one_of(UPLOADS, UPLOADS.map(lambda files: files + files[:1])),  # ... or the same file twice
    htmx=st.booleans(),
)
def test_the_import_page_imports_or_shows_a_failure_line_for_any_upload_and_never_writes_part_of_one(
    owner, article, files, htmx
):
    client = client_for(owner)
    body, content_type = multipart(files)
    with rolled_back():
        before = counts()
        response = client.post("/articles/import/", body, content_type=content_type, **(HTMX if htmx else {}))
        after = counts()
        assert response.status_code < 500
        if response.status_code != 200:
            assert response.status_code == 400  # a malformed upload (e.g. a header over 1 kB) is a bad request
            assert after == before
            event("bad request")
            return
        results = response.context["results"]
        form = response.context["form"]
        page = response.content.decode()
        if not results:
            assert form.errors, "nothing imported and no reason given"
            assert after == before
            for error in form.errors["files"]:
                assert escape(error) in page
            event("form refused")
            return
        assert len(results) <= len(files)
        assert {r.status for r in results} <= {"imported", "duplicate", "failed"}
        event("statuses: " + ",".join(sorted({r.status for r in results})))
        imported = [r for r in results if r.status == "imported"]
        assert after["articles"] == before["articles"] + len(imported)
        if not imported:
            assert after == before
        for result in results:
            assert single_line(result.message), repr(result.message)
            assert escape(result.message) in page
            if result.status == "failed":
                assert result.article is None
            else:
                assert Article.objects.filter(pk=result.article.pk).exists()


# --- 4. the forms ---------------------------------------------------------------------------------------


@DB
@given(data=st.data(), htmx=st.booleans())
def test_tagging_a_claim_with_any_input_tags_it_or_refuses_with_a_reason_and_changes_nothing(
    reviewer, article, category, data, htmx
):
    body = article.body
    start = data.draw(mostly(st.integers(0, len(body) - 1), st.integers(-(2**70), 2**70)), label="start")
    end = data.draw(
        mostly(st.integers(max(start, 0) + 1, max(start, 0) + 300), st.integers(-(2**70), 2**70)), label="end"
    )
    fields = data.draw(
        st.fixed_dictionaries(
            {
                "start": mostly(start, INTISH),
                "end": mostly(end, INTISH),
                "category": mostly(category.pk, INTISH),
            },
            optional={"quote": mostly(body[max(start, 0) : max(end, 0)]), "note": mostly(FAIR_TEXT)},
        ),
        label="fields",
    )
    client = client_for(reviewer)
    with rolled_back():
        before = counts()
        response = post(client, f"/articles/{article.pk}/claims/", fields, htmx)

        def tagged():
            assert counts()["claims"] == before["claims"] + 1
            claim = Claim.objects.latest("pk")
            assert (claim.start, claim.end) == (int(fields["start"]), int(fields["end"]))
            assert claim.quote == body[claim.start : claim.end]
            assert claim.quote.strip()

        check_refusal_or_change(response, before, tagged)


def review_fields(rating, version: int):
    return st.fixed_dictionaries(
        {
            "rating": mostly(st.sampled_from([str(rating.pk), ""]), INTISH),
            "confidence": mostly(st.sampled_from(["1", "2", "3"]), INTISH),
        },
        optional={
            "rationale": mostly(FAIR_TEXT),
            "version": mostly(st.sampled_from([str(version), ""]), INTISH),
            "action": mostly(st.sampled_from(["", "save", "submit"])),
        },
    )


def _save_review(client, claim, reviewer, fields, htmx):
    with rolled_back():
        before = counts()
        response = post(client, f"/claims/{claim.pk}/review/", fields, htmx)

        def saved():
            review = Review.objects.get(claim=claim, reviewer=reviewer)
            assert review.rationale == fields.get("rationale", "").strip()
            assert review.confidence == int(fields["confidence"])
            assert counts()["reviews"] == 1

        check_refusal_or_change(response, before, saved)


@DB
@given(data=st.data(), htmx=st.booleans())
def test_saving_a_first_verdict_with_any_input_saves_it_or_refuses_with_a_reason_and_changes_nothing(
    reviewer, claim, rating_mixed, data, htmx
):
    fields = data.draw(review_fields(rating_mixed, 0), label="fields")
    _save_review(client_for(reviewer), claim, reviewer, fields, htmx)


@DB
@given(data=st.data(), htmx=st.booleans())
def test_changing_a_draft_verdict_with_any_input_saves_it_or_refuses_with_a_reason_and_changes_nothing(
    reviewer, review, rating_mixed, data, htmx
):
    fields = data.draw(review_fields(rating_mixed, review.version), label="fields")
    _save_review(client_for(reviewer), review.claim, reviewer, fields, htmx)


URLS = st.one_of(
    st.just("https://example.org/a"),
    st.text(UNICODE, max_size=50).map(lambda s: "https://example.org/" + s),
    st.sampled_from(
        ["javascript:alert(1)", "ftp://x.org", "https://", "http://[::1", "//x.org", "https://ex ample.org"]
    ),
    st.integers(1990, 2100).map(lambda n: "https://e.org/" + "a" * n),
    TEXT,
)


@DB
@given(
    fields=st.fixed_dictionaries(
        {"stance": mostly(st.sampled_from(["supports", "refutes", "context"]))},
        optional={
            "url": mostly(st.just("https://example.org/report"), URLS),
            "document_ref": mostly(FAIR_TEXT),
            "excerpt": mostly(FAIR_TEXT),
        },
    ),
    htmx=st.booleans(),
)
def test_adding_evidence_with_any_input_adds_it_or_refuses_with_a_reason_and_changes_nothing(
    reviewer, review, fields, htmx
):
    client = client_for(reviewer)
    with rolled_back():
        before = counts()
        response = post(client, f"/claims/{review.claim_id}/evidence/", fields, htmx)

        def added():
            assert counts()["evidence"] == before["evidence"] + 1
            evidence = Evidence.objects.latest("pk")
            assert evidence.review_id == review.pk
            assert evidence.stance == fields["stance"]

        check_refusal_or_change(response, before, added)


@DB
@given(fields=st.fixed_dictionaries({}, optional={"body": mostly(FAIR_TEXT)}), htmx=st.booleans())
def test_commenting_with_any_input_adds_the_comment_or_refuses_with_a_reason_and_changes_nothing(
    reviewer, claim, fields, htmx
):
    client = client_for(reviewer)
    with rolled_back():
        before = counts()
        response = post(client, f"/claims/{claim.pk}/comments/", fields, htmx)

        def commented():
            assert counts()["comments"] == before["comments"] + 1
            assert Comment.objects.latest("pk").body == fields["body"].strip()

        check_refusal_or_change(response, before, commented)


@DB
@given(data=st.data(), htmx=st.booleans())
def test_dismissing_a_suggestion_with_any_input_dismisses_it_or_refuses_with_a_reason_and_changes_nothing(
    reviewer, article, data, htmx
):
    suggestion = article.suggestions.pending().first()
    assert suggestion is not None, "seed 001 should yield a suggestion"
    fields = data.draw(
        st.fixed_dictionaries(
            {}, optional={"reason": mostly(FAIR_TEXT), "version": mostly(st.just(str(suggestion.version)), INTISH)}
        ),
        label="fields",
    )
    client = client_for(reviewer)
    with rolled_back():
        before = counts()
        response = post(client, f"/suggestions/{suggestion.pk}/dismiss/", fields, htmx)

        def dismissed():
            suggestion.refresh_from_db()
            assert suggestion.status == Suggestion.Status.DISMISSED
            assert suggestion.reason == " ".join(fields["reason"].split())
            assert counts()["pending_suggestions"] == before["pending_suggestions"] - 1

        check_refusal_or_change(response, before, dismissed)


OUT_OF_RANGE_IDS = st.one_of(
    st.sampled_from([0, 2**31, 2**63 - 1, 2**63, 2**64, 10**30]), st.integers(min_value=2**31, max_value=10**40)
)


@FEW
@given(
    pk=OUT_OF_RANGE_IDS,
    path=st.sampled_from(
        [
            "/articles/{}/claims/",
            "/claims/{}/review/",
            "/claims/{}/evidence/",
            "/claims/{}/comments/",
            "/suggestions/{}/dismiss/",
            "/claims/{}/delete/",
            "/evidence/{}/delete/",
        ]
    ),
    htmx=st.booleans(),
)
def test_posting_to_an_id_beyond_any_integer_column_answers_not_found_and_changes_nothing(
    reviewer, claim, pk, path, htmx
):
    client = client_for(reviewer)
    with rolled_back():
        before = counts()
        response = post(client, path.format(pk), {"body": "x", "reason": "x", "start": "0", "end": "1"}, htmx)
        assert response.status_code == 404
        assert counts() == before


SEARCH_INTS = st.one_of(NUMBERISH, SEARCH_TEXT)


@DB
@given(
    q=SEARCH_TEXT,
    status=mostly(st.sampled_from(["", *Claim.Status.values]), SEARCH_TEXT),
    category=SEARCH_INTS,
    linked=mostly(st.sampled_from(["", "elsewhere", "disagree"]), SEARCH_TEXT),
    page=SEARCH_INTS,
    htmx=st.booleans(),
)
def test_searching_articles_and_claims_with_any_text_answers_a_page_and_writes_nothing(
    owner, claim, q, status, category, linked, page, htmx
):
    client = client_for(owner)
    extra = HTMX if htmx else {}
    with rolled_back():
        before = counts()
        articles = client.get("/articles/", {"q": q, "page": page}, **extra)
        claims = client.get(
            "/claims/", {"q": q, "status": status, "category": category, "linked": linked, "page": page}, **extra
        )
        assert articles.status_code == 200
        assert claims.status_code == 200
        assert counts() == before


DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["0001-01-01", "9999-12-31", "2025-02-30", "10000-01-01", "2025-13-01", "31/12/2025", "today"]),
    SEARCH_TEXT,
)


@DB
@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "actor": mostly(st.sampled_from(["", "user:olga", "user:rita", "system:tests"]), SEARCH_TEXT),
            "action": mostly(st.sampled_from(["", *AuditEvent.Action.values]), SEARCH_TEXT),
            "object_type": SEARCH_TEXT,
            "date_from": DATES,
            "date_to": DATES,
            "page": SEARCH_INTS,
        },
    ),
    htmx=st.booleans(),
)
def test_filtering_the_activity_feed_with_any_text_answers_a_page_and_writes_nothing(owner, claim, params, htmx):
    client = client_for(owner)
    with rolled_back():
        before = counts()
        response = client.get("/activity/", params, **(HTMX if htmx else {}))
        assert response.status_code == 200
        assert counts() == before
        form = response.context["form"]
        event("refused filters" if form.errors else "filtered")
        if form.errors:
            assert all(str(e).strip() for errors in form.errors.values() for e in errors)
            assert response.context["page"] is None


@pytest.mark.parametrize(
    "data",
    [b"\xef\xbb\xbf\xef\xbb\xbf", "\u200b\u200b".encode(), "\u2800 \u3164\n".encode(), b" \t\n"],
    ids=["two byte order marks", "zero-width spaces", "blank fillers", "white space"],
)
def test_a_file_that_prints_as_nothing_is_refused_as_empty(data):
    with pytest.raises(TextRefused, match="file is empty"):
        decode_article(data)
