"""Time the claim detector on synthetic war-news articles, in this one process; no database needed.

The articles come from `reviews.detect.synthetic` (deterministic for a seed), are generated before
the clock starts, and are each passed to `detect` once; the process is pinned to one CPU where the
platform allows it, so the figures are those of one core.
"""

from __future__ import annotations

import gc
import os
import statistics
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter

from django.core.management.base import BaseCommand, CommandParser

from reviews.detect import CATEGORIES, detect
from reviews.detect.synthetic import GENERATOR_VERSION, generate_articles
from reviews.management.commands._bench import not_negative, percentile, positive

TARGET_ARTICLES_PER_SECOND = 200


@contextmanager
def one_core() -> Iterator[str]:
    """Pin this process to one CPU for the block (Linux); yields a description for the report."""
    if not hasattr(os, "sched_getaffinity"):
        yield "one process (not pinned: no CPU affinity on this platform)"
        return
    before = os.sched_getaffinity(0)
    cpu = min(before)
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        yield "one process (not pinned: CPU affinity refused)"
        return
    try:
        yield f"one process pinned to CPU {cpu}"
    finally:
        os.sched_setaffinity(0, before)


class Command(BaseCommand):
    help = (
        "Measure the claim detector on one core: generate --articles synthetic war-news articles (3-6 kB each, "
        "deterministic for --seed), run detect() on each once after --warmup untimed runs, and print articles/s, "
        "kB/s, candidates per article by category, and the median and 95th percentile ms per article. "
        "Needs no database."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=positive, default=2000, help="timed articles (default: %(default)s)")
        parser.add_argument("--seed", type=int, default=1, help="seed of the generated corpus (default: %(default)s)")
        parser.add_argument(
            "--warmup", type=not_negative, default=20, help="untimed detect() runs first (default: %(default)s)"
        )

    def handle(self, *args, articles: int, seed: int, warmup: int, verbosity: int, **options) -> None:
        started = perf_counter()
        texts = generate_articles(articles, seed=seed)
        generated = perf_counter() - started
        total_kb = sum(len(text.encode("utf-8")) for text in texts) / 1000
        timings: list[float] = []
        by_category: Counter[str] = Counter()
        with one_core() as where:
            for text in texts[: min(warmup, len(texts))]:
                detect(text)
            gc.collect()
            for text in texts:
                begin = perf_counter()
                found = detect(text)
                timings.append(perf_counter() - begin)
                by_category.update(candidate.category for candidate in found)
        seconds = sum(timings)
        per_second = articles / seconds
        kb_per_second = total_kb / seconds
        per_article = {category: by_category[category] / articles for category in CATEGORIES}
        candidates = sum(by_category.values()) / articles
        median_ms = statistics.median(timings) * 1000
        p95_ms = percentile(timings, 0.95) * 1000
        if verbosity == 0:
            self.stdout.write(
                f"articles={articles} articles_per_s={per_second:.1f} kb_per_s={kb_per_second:.1f} "
                f"median_ms={median_ms:.2f} p95_ms={p95_ms:.2f} candidates_per_article={candidates:.1f}"
            )
            return
        self.stdout.write(
            f"Detector on {articles:,} synthetic articles (seed {seed}, generator v{GENERATOR_VERSION}, "
            f"{total_kb / articles:.1f} kB on average, {total_kb / 1000:.1f} MB in all; generated in "
            f"{generated:.1f} s, not timed), {where}, {min(warmup, articles)} warm-up runs:"
        )
        self.stdout.write(f"  throughput    {per_second:,.1f} articles/s, {kb_per_second:,.1f} kB/s")
        self.stdout.write(
            f"  per article   median {median_ms:.2f} ms, p95 {p95_ms:.2f} ms, max {max(timings) * 1000:.2f} ms"
        )
        self.stdout.write(
            f"  candidates    {candidates:.1f} per article: "
            + ", ".join(f"{category} {per_article[category]:.1f}" for category in CATEGORIES)
        )
        met = per_second >= TARGET_ARTICLES_PER_SECOND
        verdict = f"Target ≥ {TARGET_ARTICLES_PER_SECOND} articles/s on one core: " + ("met." if met else "not met.")
        self.stdout.write(self.style.SUCCESS(verdict) if met else self.style.WARNING(verdict))
