"""Time cross-article matching against a team's existing claims (100,000 by default).

The claims live in a team of their own, `benchmark-match`, in articles built from synthetic claim
sentences (`reviews.detect.synthetic`). They are kept, so a rerun with the same --claims and --seed
measures at once; --fresh rebuilds them. The command refuses a database holding articles of other
teams unless --force is given: it leaves its data behind, unlike the other benchmarks.
"""

from __future__ import annotations

import gc
import re
import statistics
from dataclasses import dataclass
from time import perf_counter

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, ProgrammingError, connection, models, transaction

from reviews import services
from reviews.audit import system_actor
from reviews.detect.match import MatchIndex, Statement, statements
from reviews.detect.match import match_key as key_of
from reviews.detect.synthetic import (
    GENERATOR_VERSION,
    claim_event_count,
    generate_articles,
    generate_claim_sentences,
)
from reviews.management.commands._bench import not_negative, percentile, positive
from reviews.models import PREFIX_SUFFIX_LENGTH, Article, Category, Claim, Team
from reviews.text import content_hash

TEAM_SLUG = "benchmark-match"
TEAM_NAME = "Benchmark: matching"
CLAIMS_PER_ARTICLE = 25
SENTENCES_PER_PARAGRAPH = 3
PARAPHRASE_SHARE = 0.2  # of the stored claims, restating an earlier claim's event in other words
KNOWN_SHARE = 0.3  # of the events in a new article, drawn from those the stored claims describe
NEW_ARTICLE_ID = 0  # the new articles are not stored; no stored claim belongs to article 0
TARGET_MS = 100.0
_GENEVA_WORDS = re.compile(
    r"prisoner|POW|captive|captured|surrender|Geneva|war crime|humanitarian law|crimes against humanity|tortur"
    r"|paraded|detainee|sheltering",
    re.IGNORECASE,
)


@dataclass
class Data:
    team: Team
    claims: int
    articles: int
    built: bool
    seconds: float
    note: str


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _category_slug(sentence: str) -> str:
    """A keyword rule standing in for a reviewer's choice; matching does not look at categories."""
    if _GENEVA_WORDS.search(sentence):
        return "geneva-convention"
    if sentence.startswith("According to") or " reported that " in sentence:
        return "attribution-chain"
    return "casualty-figures"


def _body(number: int, sentences: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """An article made of the sentences, three to a paragraph, with the span of each."""
    text = f"Benchmark dispatch {number}: {sentences[0][:80].rstrip(' ,.')}\n\n"
    spans: list[tuple[int, int]] = []
    for index, sentence in enumerate(sentences):
        if index and index % SENTENCES_PER_PARAGRAPH == 0:
            text += "\n\n"
        elif index:
            text += " "
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence
    return text + "\n", spans


def _rows_pointing_at(model: type[models.Model], lookup: dict) -> list[str]:
    """Names of the other models with rows that point at the model's rows selected by `lookup`."""
    found = []
    for relation in model._meta.get_fields(include_hidden=True):
        reverse = relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
        if not reverse or relation.related_model in (Article, Claim):
            continue
        related = relation.related_model
        prefixed = {f"{relation.field.name}__{key}": value for key, value in lookup.items()}
        if related._default_manager.filter(**prefixed).exists():
            found.append(str(related._meta.verbose_name_plural))
    return found


class Command(BaseCommand):
    help = (
        "Measure matching a new article against a team's existing claims: (a) the cold load of the team's "
        "in-memory match index (reviews.services.assist.team_index), (b) matching one new synthetic article, "
        "i.e. index.query() for each of its statements (found beforehand), and (c) the same including "
        "statements(), which runs the detector; median and 95th percentile over --articles new articles, and the "
        "matches found per article. The --claims claims (default 100,000) are kept in the team 'benchmark-match' "
        "and reused by the next run with the same --claims and --seed; --fresh rebuilds them. They are bulk "
        "inserted in one transaction; on PostgreSQL that transaction sets session_replication_role = replica "
        "(which needs a superuser, or the SET privilege on that parameter), so the database's audit trigger does "
        "not record each generated row. Without that right the trigger records them all, which is slower and adds "
        "an audit event per row. Refuses a database that holds articles of other teams unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--claims", type=positive, default=100_000, help="stored claims to match against (default: %(default)s)"
        )
        parser.add_argument(
            "--articles", type=positive, default=200, help="new articles matched, timed (default: %(default)s)"
        )
        parser.add_argument(
            "--warmup", type=not_negative, default=10, help="untimed new articles first (default: %(default)s)"
        )
        parser.add_argument(
            "--loads", type=positive, default=3, help="cold loads of the index, timed (default: %(default)s)"
        )
        parser.add_argument("--seed", type=int, default=1, help="seed of the generated text (default: %(default)s)")
        parser.add_argument(
            "--fresh", action="store_true", help="delete the stored benchmark claims and build them again"
        )
        parser.add_argument(
            "--force", action="store_true", help="run even though the database holds articles of other teams"
        )

    def handle(
        self,
        *args,
        claims: int,
        articles: int,
        warmup: int,
        loads: int,
        seed: int,
        fresh: bool,
        force: bool,
        verbosity: int,
        **options,
    ) -> None:
        self.verbosity = verbosity
        try:
            data = self._data(claims, seed, fresh=fresh, force=force)
            load_ms, index, warm_ms = self._load(data.team, claims, loads)
        except ProgrammingError as exc:  # e.g. a missing table
            raise CommandError(f"database error: {_first_line(exc)} (run manage.py migrate first?)") from exc
        except DatabaseError as exc:
            raise CommandError(f"database error: {_first_line(exc)}") from exc
        results = self._match(index, claims, seed, articles, warmup)
        self._report(data, index, load_ms, warm_ms, results, articles, warmup, seed)

    # --- the stored claims ------------------------------------------------------------------------

    def _say(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(message)

    def _data(self, claims: int, seed: int, *, fresh: bool, force: bool) -> Data:
        others = Article.objects.exclude(team__slug=TEAM_SLUG).count()
        if others and not force:
            raise CommandError(
                f"This database holds {others:,} articles of other teams. benchmark_match keeps {claims:,} generated "
                f"claims in a team of its own ('{TEAM_SLUG}'); run it on a database of its own, or pass --force."
            )
        marker = f"benchmark_match v{GENERATOR_VERSION} seed={seed} claims={claims}"
        team = Team.objects.filter(slug=TEAM_SLUG).first()
        if team is None:
            with system_actor("benchmark_match"):
                team = services.create_team(name=TEAM_NAME, slug=TEAM_SLUG)
        stored = Claim.objects.for_team(team.pk).count()
        ours = Article.objects.filter(team=team, source=marker).count()
        total = Article.objects.filter(team=team).count()
        if not fresh and stored == claims and ours == total > 0:
            return Data(team, stored, total, built=False, seconds=0.0, note="reused from an earlier run")
        started = perf_counter()
        with transaction.atomic():
            note = self._quiet_capture()
            if total:
                self._delete(team)
            written = self._insert(team, claims, seed, marker)
            if connection.vendor == "postgresql" and note.startswith("audit trigger off"):
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = origin")
        if connection.vendor == "postgresql":
            # What autovacuum does for a live database soon after: without statistics the planner takes the
            # new rows for a handful, and the index's top-up query walks every article of the team.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Article._meta.db_table}, {Claim._meta.db_table}")
        return Data(team, claims, written, built=True, seconds=perf_counter() - started, note=note)

    def _quiet_capture(self) -> str:
        """On PostgreSQL, keep the audit trigger from recording the bulk load, where the role may."""
        if connection.vendor != "postgresql":
            return f"{connection.vendor}: no audit trigger"
        try:
            with transaction.atomic(), connection.cursor() as cursor:  # a savepoint: a refusal leaves the rest
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError as exc:
            self.stderr.write(
                self.style.WARNING(
                    f"Cannot set session_replication_role ({_first_line(exc)}); the audit trigger records each "
                    "inserted row, which is slower and adds an audit event per row. Connect as a superuser to avoid it."
                )
            )
            return "audit trigger on: every inserted row recorded (not a superuser)"
        return "audit trigger off for the load (session_replication_role = replica)"

    def _delete(self, team: Team) -> None:
        """Remove the team's articles and claims; refused if anything else points at them."""
        for model, lookup in ((Article, {"team": team}), (Claim, {"article__team": team})):
            related = ", ".join(_rows_pointing_at(model, lookup))
            if related:
                raise CommandError(
                    f"The team '{TEAM_SLUG}' has {related} on its {model._meta.verbose_name_plural}: someone used "
                    "it by hand. Delete the team in the admin, then run the benchmark again."
                )
        self._say("Deleting the stored benchmark claims and articles ...")
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {Claim._meta.db_table} WHERE article_id IN "
                f"(SELECT id FROM {Article._meta.db_table} WHERE team_id = %s)",
                [team.pk],
            )
            cursor.execute(f"DELETE FROM {Article._meta.db_table} WHERE team_id = %s", [team.pk])

    def _insert(self, team: Team, claims: int, seed: int, marker: str) -> int:
        self._say(f"Building {claims:,} claims in team '{TEAM_SLUG}' (kept for reruns; --fresh rebuilds) ...")
        started = perf_counter()
        sentences = generate_claim_sentences(claims, seed=seed, paraphrase_share=PARAPHRASE_SHARE)
        keys = [key_of(sentence) for sentence in sentences]
        prepared = perf_counter() - started
        categories = {category.slug: category for category in Category.objects.filter(team=team)}
        missing = {"casualty-figures", "geneva-convention", "attribution-chain"} - set(categories)
        if missing:
            raise CommandError(f"the team '{TEAM_SLUG}' lacks the categories {sorted(missing)}; is it migrated?")
        started = perf_counter()
        groups = [
            range(first, min(first + CLAIMS_PER_ARTICLE, claims)) for first in range(0, claims, CLAIMS_PER_ARTICLE)
        ]
        bodies = [_body(number, [sentences[i] for i in group]) for number, group in enumerate(groups, 1)]
        created = Article.objects.bulk_create(
            [
                Article(
                    team=team,
                    title=body.split("\n", 1)[0][:300],
                    body=body,
                    source=marker,
                    content_hash=content_hash(body),
                )
                for body, _ in bodies
            ],
            batch_size=500,
        )
        rows = []
        for article, group, (body, spans) in zip(created, groups, bodies, strict=True):
            for index, (start, end) in zip(group, spans, strict=True):
                rows.append(
                    Claim(
                        article_id=article.pk,
                        start=start,
                        end=end,
                        quote=body[start:end],
                        prefix=body[max(0, start - PREFIX_SUFFIX_LENGTH) : start],
                        suffix=body[end : end + PREFIX_SUFFIX_LENGTH],
                        category=categories[_category_slug(sentences[index])],
                        origin=Claim.Origin.SUGGESTED,
                        match_key=keys[index],
                    )
                )
        Claim.objects.bulk_create(rows, batch_size=2000)
        self._say(
            f"  generated sentences and match keys in {prepared:.1f} s; inserted {len(created):,} articles and "
            f"{len(rows):,} claims in {perf_counter() - started:.1f} s"
        )
        return len(created)

    # --- measuring ----------------------------------------------------------------------------------

    def _load(self, team: Team, claims: int, loads: int) -> tuple[list[float], MatchIndex, float]:
        from reviews.services import assist

        timings: list[float] = []
        index = MatchIndex()
        for _ in range(loads):
            assist._indexes.pop(team.pk, None)  # cold: as the first use in a new process
            index = MatchIndex()  # let the previous load go before the next
            gc.collect()
            started = perf_counter()
            index = assist.team_index(team.pk)
            timings.append((perf_counter() - started) * 1000)
        if len(index) != claims:
            raise CommandError(f"the index holds {len(index):,} claims instead of {claims:,}")
        started = perf_counter()
        assist.team_index(team.pk)  # warm: what each link_claim call pays when nothing is new
        return timings, index, (perf_counter() - started) * 1000

    def _match(self, index: MatchIndex, claims: int, seed: int, articles: int, warmup: int) -> dict[str, list[float]]:
        texts = generate_articles(
            warmup + articles,
            seed=seed + 1000,
            known_events=claim_event_count(claims, PARAPHRASE_SHARE),
            known_share=KNOWN_SHARE,
        )

        def exclude(item: tuple[int, ...]) -> bool:
            return item[1] == NEW_ARTICLE_ID  # claims of the article itself, as link_claim leaves them out

        def query_all(found: list[Statement]) -> list[int]:
            return [len(index.query(statement.key, exclude=exclude)) for statement in found]

        results: dict[str, list[float]] = {"match": [], "full": [], "statements": [], "matched": [], "matches": []}
        for number, text in enumerate(texts):
            found = statements(text)  # for (b), not timed
            started = perf_counter()
            counts = query_all(found)
            match_seconds = perf_counter() - started
            started = perf_counter()
            query_all(statements(text))
            full_seconds = perf_counter() - started
            if number < warmup:
                continue
            results["match"].append(match_seconds * 1000)
            results["full"].append(full_seconds * 1000)
            results["statements"].append(len(found))
            results["matched"].append(sum(1 for count in counts if count))
            results["matches"].append(sum(counts))
        return results

    # --- report ---------------------------------------------------------------------------------------

    def _report(
        self,
        data: Data,
        index: MatchIndex,
        load_ms: list[float],
        warm_ms: float,
        results: dict[str, list[float]],
        articles: int,
        warmup: int,
        seed: int,
    ) -> None:
        match, full = results["match"], results["full"]
        mean = {name: statistics.fmean(values) for name, values in results.items()}
        if self.verbosity == 0:
            self.stdout.write(
                f"claims={data.claims} load_ms={statistics.median(load_ms):.1f} "
                f"match_median_ms={statistics.median(match):.2f} match_p95_ms={percentile(match, 0.95):.2f} "
                f"full_median_ms={statistics.median(full):.2f} full_p95_ms={percentile(full, 0.95):.2f} "
                f"statements={mean['statements']:.1f} matched={mean['matched']:.1f} matches={mean['matches']:.1f}"
            )
            return
        db = connection.settings_dict
        where = f"{connection.vendor} {db['NAME']}" + (f" at {db['HOST']}" if db.get("HOST") else "")
        built = f"built in {data.seconds:.1f} s, {data.note}" if data.built else data.note
        self.stdout.write(
            f"Matching against {data.claims:,} claims in {data.articles:,} articles of team '{TEAM_SLUG}' on {where} "
            f"({built}; seed {seed}, generator v{GENERATOR_VERSION}, {PARAPHRASE_SHARE:.0%} near-paraphrases):"
        )
        self.stdout.write(
            f"  (a) cold load of the team index: median {statistics.median(load_ms):,.0f} ms over {len(load_ms)} "
            f"loads ({', '.join(f'{ms:,.0f}' for ms in load_ms)} ms); {len(index):,} claims, {len(index.postings):,} "
            f"terms; a warm call with nothing new: {warm_ms:.2f} ms"
        )
        self.stdout.write(
            f"  {articles} new articles ({warmup} more untimed first), {KNOWN_SHARE:.0%} of their events already "
            f"among the stored claims; per article:"
        )
        self.stdout.write(
            f"  (b) matching (index.query for each statement): median {statistics.median(match):.2f} ms, "
            f"p95 {percentile(match, 0.95):.2f} ms, max {max(match):.2f} ms"
        )
        self.stdout.write(
            f"  (c) with detection (statements() + queries):   median {statistics.median(full):.2f} ms, "
            f"p95 {percentile(full, 0.95):.2f} ms, max {max(full):.2f} ms"
        )
        self.stdout.write(
            f"  statements {mean['statements']:.1f} per article, {mean['matched']:.1f} of them with a match; "
            f"{mean['matches']:.1f} matches per article (at most 20 per statement)"
        )
        p95 = percentile(match, 0.95)
        met = p95 <= TARGET_MS
        verdict = f"Target: matching within {TARGET_MS:g} ms per article (p95 of b): {p95:.2f} ms, " + (
            "met." if met else "not met."
        )
        self.stdout.write(self.style.SUCCESS(verdict) if met else self.style.WARNING(verdict))
