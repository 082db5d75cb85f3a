"""Time the article reader page (/articles/<id>/) on whatever database DATABASE_URL names.

Everything the benchmark needs — a team, a reviewer, one long article, its claims, the reviewer's
verdicts and some evidence — is created inside one transaction that is rolled back at the end, so
the database is left exactly as it was. The page is requested through django.test.Client in the
same process and connection, so the figures are server time (middleware, view, queries, template)
without any network or browser.
"""

from __future__ import annotations

import gc
import logging
import math
import random
import statistics
import uuid
from dataclasses import dataclass
from itertools import count
from time import perf_counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, ProgrammingError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from reviews import services
from reviews.audit import system_actor
from reviews.management.commands._bench import not_negative, percentile, positive
from reviews.models import Article, Category, Claim, Evidence, Rating, Role

SMALL_CLAIMS = 5  # the comparison run: the query count must not depend on the number of claims
TARGET_MEDIAN_MS = 10.0
BODY_CHARS = 70_000  # a long article, 60-80 kB

_WORD_LIST = (
    "army regional officials ministry said according reports the of in and to a forces front line "
    "village town city shelling strike attack convoy prisoners civilians wounded killed displaced "
    "evacuated hospital shelter bridge road district governor spokesman agency statement claimed "
    "denied confirmed unverified footage video images satellite drone artillery battalion brigade "
    "soldiers captured exchange negotiations ceasefire humanitarian corridor water electricity "
    "on at by with from after before during overnight yesterday morning early late week since "
    "least more than about nearly dozens hundreds thousands some several many"
)
_WORDS = _WORD_LIST.split()
_NAMES = ("Volnovakha", "Mariupol", "Kharkiv", "Izium", "Bakhmut", "Kherson", "Zaporizhzhia", "Sumy")
_ATTRIBUTIONS = (
    "according to the regional governor",
    "a spokesman told reporters",
    "the ministry said in a statement",
    "local media reported, citing witnesses",
    "as “AP & Reuters” put it",  # quotes and an ampersand, so escaping is exercised
)


@dataclass
class Scenario:
    claims: int
    timings_ms: list[float]
    queries: list[int]
    last_sql: list[str]

    def percentile(self, fraction: float) -> float:
        return percentile(self.timings_ms, fraction)

    @property
    def median(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def query_label(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def build_body(seed: int = 1, target_chars: int = BODY_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """A long news-like article: a headline and paragraphs, with the offsets of every sentence."""
    rng = random.Random(seed)
    text = "Benchmark report: fighting around the front line, day by day\n\n"
    sentences: list[tuple[int, int]] = []
    length = len(text)
    while length < target_chars:
        paragraph = ""
        for _ in range(rng.randint(3, 7)):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 22))]
            words.insert(rng.randrange(len(words)), rng.choice(_NAMES))
            if rng.random() < 0.4:
                words.insert(rng.randrange(len(words)), str(rng.randint(2, 900)))
            sentence = " ".join(words)
            sentence = sentence[0].upper() + sentence[1:]
            if rng.random() < 0.35:
                sentence += ", " + rng.choice(_ATTRIBUTIONS)
            sentence += "."
            if paragraph:
                paragraph += " "
            start = length + len(paragraph)
            paragraph += sentence
            sentences.append((start, start + len(sentence)))
        length += len(paragraph) + 2
        text += paragraph + "\n\n"
    return text.rstrip("\n") + "\n", sentences


def claim_spans(body: str, sentences: list[tuple[int, int]], total: int, categories: int) -> list[tuple[int, int, int]]:
    """`total` distinct (start, end, category index) spans spread over the body, in groups of five.

    Each group holds a whole sentence, a claim nested in it, one crossing into the next sentence,
    the same sentence again in another category, and the next sentence: flat, nested, crossing and
    identical overlaps, as reviewers produce them. Later rounds, needed only for many claims, shift
    the categories and then drop leading words, so every span is new.
    """
    groups = max(1, math.ceil(total / 5))
    last = len(sentences) - 1
    seen: set[tuple[int, int, int]] = set()
    spans: list[tuple[int, int, int]] = []

    def skip_words(position: int, words: int, limit: int) -> int:
        for _ in range(words):
            position = body.find(" ", position, limit) + 1
            if position == 0:
                return limit
        return position

    for round_ in count():
        shift, skip = round_ % categories, round_ // categories
        added = 0
        for group in range(groups):
            k = group * last // groups
            (s0, e0), (s1, e1) = sentences[k], sentences[k + 1]
            half = body.rfind(" ", s0, (s0 + e0) // 2)
            middle = body.find(" ", (s0 + e0) // 2, e0)
            candidates = [
                (s0, e0, 0),
                (s0, half if half > s0 else e0 - 1, 1),
                (middle + 1 if middle != -1 else s0 + 1, e1, 2),
                (s0, e0, 1),
                (s1, e1, 2),
            ]
            for start, end, category in candidates:
                start = skip_words(start, skip, end)
                key = (start, end, (group + category + shift) % categories)
                if start < end and body[start:end].strip() and key not in seen:
                    seen.add(key)
                    spans.append(key)
                    added += 1
                    if len(spans) == total:
                        return spans
        if not added and skip > 40:
            raise CommandError(f"could not place {total} distinct claims in the generated article")
    raise AssertionError("unreachable")


class Command(BaseCommand):
    help = (
        "Measure the server time of the article reader page: build a team, a reviewer and one long "
        "article with --claims claims, each reviewed with a rating (plus some evidence), request "
        "/articles/<id>/ --requests times after warm-up, and print the median, 95th percentile, min and "
        f"max in ms and the queries per request; the same for {SMALL_CLAIMS} claims, to show the query count "
        "does not grow with claims. Uses DATABASE_URL; everything is created in a transaction that is "
        "rolled back, so nothing is left behind."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--claims", type=positive, default=300, help="claims in the article (default: %(default)s)")
        parser.add_argument(
            "--requests", type=positive, default=200, help="timed requests per run (default: %(default)s)"
        )
        parser.add_argument(
            "--warmup", type=not_negative, default=5, help="untimed requests before each run (default: %(default)s)"
        )

    def handle(self, *args, claims: int, requests: int, warmup: int, verbosity: int, **options) -> None:
        self.verbosity = verbosity
        hosts = list(settings.ALLOWED_HOSTS)
        request_log = logging.getLogger("django.request")
        muted = request_log.disabled
        # A failing request is reported in one line below; its log entry only from verbosity 2.
        request_log.disabled = muted or verbosity < 2
        try:
            # The test client calls itself "testserver"; allow it for this process only.
            with override_settings(ALLOWED_HOSTS=[*hosts, "testserver"]), transaction.atomic():
                try:
                    results = self._run(claims, requests, warmup)
                finally:
                    transaction.set_rollback(True)
        except ProgrammingError as exc:  # e.g. a missing table
            raise CommandError(f"database error: {_first_line(exc)} (run manage.py migrate first?)") from exc
        except DatabaseError as exc:
            raise CommandError(f"database error: {_first_line(exc)}") from exc
        finally:
            request_log.disabled = muted
        self._report(results, requests, warmup)

    # --- set-up ---------------------------------------------------------------------------------

    def _progress(self, message: str) -> None:
        if self.verbosity >= 2:
            self.stdout.write(message)

    def _run(self, total: int, requests: int, warmup: int) -> list[Scenario]:
        started = perf_counter()
        suffix = uuid.uuid4().hex[:10]
        with system_actor("benchmark_reader"):
            team = services.create_team(name=f"Benchmark {suffix}", slug=f"benchmark-{suffix}")
            user = get_user_model().objects.create_user(username=f"benchmark-{suffix}")
            services.add_member(team=team, user=user, role=Role.REVIEWER)
            body, sentences = build_body()
            result = services.import_article(team=team, data=body.encode("utf-8"), source="benchmark_reader.txt")
            if result.failed or result.article is None:
                raise CommandError(f"the generated article could not be imported: {result.message}")
            article = result.article
        categories = list(Category.objects.filter(team=team).order_by("position", "pk"))
        ratings = list(Rating.objects.filter(team=team))
        if not categories or not ratings:
            raise CommandError("the new team has no categories or ratings; is the database migrated?")
        sizes = sorted({SMALL_CLAIMS, total})
        spans = claim_spans(body, sentences, max(sizes), len(categories))
        self._progress(
            f"Set up team {team.slug}, user {user.get_username()} and article #{article.pk} "
            f"({len(body.encode('utf-8')) / 1000:.1f} kB, {len(sentences)} sentences) "
            f"in {perf_counter() - started:.2f} s"
        )

        client = Client()
        client.force_login(user)
        url = f"/articles/{article.pk}/"
        results: list[Scenario] = []
        created = 0
        for size in sizes:
            started = perf_counter()
            with system_actor("benchmark_reader"):
                for index in range(created, size):
                    self._add_reviewed_claim(user, article, index, spans[index], categories, ratings)
            created = size
            self._progress(f"Created claims and reviews up to {size} in {perf_counter() - started:.2f} s")
            if connection.vendor == "postgresql":
                # What autovacuum does for a live database: without fresh statistics the planner takes
                # the just-inserted (uncommitted) rows for a handful and joins them row by row.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE reviews_claim, reviews_review, reviews_rating, reviews_category")
            results.append(self._measure(client, url, size, requests, warmup))
        return results

    def _add_reviewed_claim(self, user, article: Article, index: int, span, categories, ratings) -> None:
        start, end, category_index = span
        try:
            claim = services.tag_claim(
                user=user,
                article=article,
                start=start,
                end=end,
                category=categories[category_index],
                note=f"benchmark claim {index}" if index % 3 == 0 else "",
                quote=article.body[start:end],
                origin=Claim.Origin.SUGGESTED if index % 4 == 0 else Claim.Origin.MANUAL,
            )
            review = services.save_review(
                user=user,
                claim=claim,
                rating=ratings[index % len(ratings)],
                rationale=f"Checked against the sources for claim {index}.",
                confidence=index % 3 + 1,
            )
            if index % 4 == 0:
                stances = Evidence.Stance.values
                services.add_evidence(
                    user=user,
                    review=review,
                    url=f"https://example.org/sources/{index}",
                    excerpt="An excerpt of the source that backs the verdict.",
                    stance=stances[index % len(stances)],
                )
        except services.ActionRefused as exc:
            raise CommandError(f"setting up claim {index} ({start}-{end}) was refused: {exc}") from None

    # --- measuring --------------------------------------------------------------------------------

    def _get(self, client: Client, url: str, claims: int):
        try:
            response = client.get(url)
        except Exception as exc:  # the view raised; the client re-raises it (see --traceback)
            raise CommandError(f"GET {url} raised {type(exc).__name__}: {_first_line(exc)} ({claims} claims)") from exc
        if response.status_code != 200:
            where = f" to {response['Location']}" if response.has_header("Location") else ""
            raise CommandError(f"GET {url} answered {response.status_code}{where} instead of 200 ({claims} claims)")
        return response

    def _measure(self, client: Client, url: str, claims: int, requests: int, warmup: int) -> Scenario:
        for _ in range(warmup):
            self._get(client, url, claims)
        gc.collect()
        scenario = Scenario(claims=claims, timings_ms=[], queries=[], last_sql=[])
        response = None
        for _ in range(requests):
            with CaptureQueriesContext(connection) as captured:
                started = perf_counter()
                response = self._get(client, url, claims)
                elapsed = perf_counter() - started
            scenario.timings_ms.append(elapsed * 1000)
            scenario.queries.append(len(captured.captured_queries))
            scenario.last_sql = [query["sql"] for query in captured.captured_queries]
        listed = response.content.count(b'data-claim="') if response is not None else claims
        if listed != claims:
            raise CommandError(f"the page lists {listed} claims instead of {claims}; not the page meant to be measured")
        return scenario

    # --- report -----------------------------------------------------------------------------------

    def _report(self, results: list[Scenario], requests: int, warmup: int) -> None:
        if self.verbosity == 0:
            for r in results:
                self.stdout.write(
                    f"claims={r.claims} median_ms={r.median:.2f} p95_ms={r.percentile(0.95):.2f} "
                    f"min_ms={min(r.timings_ms):.2f} max_ms={max(r.timings_ms):.2f} queries={r.query_label}"
                )
            return
        db = connection.settings_dict
        where = f"{connection.vendor} {db['NAME']}" + (f" at {db['HOST']}" if db.get("HOST") else "")
        self.stdout.write(
            f"Reader page /articles/<id>/ on {where}, DEBUG={settings.DEBUG}: "
            f"{requests} timed requests after {warmup} warm-up, per run"
        )
        self.stdout.write(f"{'claims':>7} {'median':>9} {'p95':>9} {'min':>9} {'max':>9} {'queries':>8}")
        for r in results:
            self.stdout.write(
                f"{r.claims:>7} {r.median:>6.2f} ms {r.percentile(0.95):>6.2f} ms "
                f"{min(r.timings_ms):>6.2f} ms {max(r.timings_ms):>6.2f} ms {r.query_label:>8}"
            )
        small, large = results[0], results[-1]
        if len(results) > 1:
            if set(small.queries) == set(large.queries) and len(set(large.queries)) == 1:
                self.stdout.write(
                    f"Queries per request: {large.query_label}, the same with {small.claims} and {large.claims} claims."
                )
            else:
                self.stdout.write(
                    self.style.WARNING(
                        f"Queries per request are not fixed: {small.query_label} with {small.claims} claims, "
                        f"{large.query_label} with {large.claims}."
                    )
                )
        met = large.median <= TARGET_MEDIAN_MS
        verdict = f"Median with {large.claims} claims: {large.median:.2f} ms, target ≤ {TARGET_MEDIAN_MS:g} ms: " + (
            "met." if met else "not met."
        )
        self.stdout.write(self.style.SUCCESS(verdict) if met else self.style.WARNING(verdict))
        if self.verbosity >= 2:
            self.stdout.write(f"Queries of the last request with {large.claims} claims:")
            for number, sql in enumerate(large.last_sql, 1):
                self.stdout.write(f"  {number:>2}. {sql if len(sql) <= 300 else sql[:299] + '…'}")
        self.stdout.write("All benchmark data was rolled back.")
