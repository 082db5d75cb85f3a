import json

from django.core.management.base import BaseCommand, CommandParser

from reviews.detect.figures import figures_disagree
from reviews.detect.match import MIN_SCORE, MatchIndex, statements
from reviews.management.commands.detect_claims import read_texts, until_the_reader_stops


class Command(BaseCommand):
    help = (
        "Print pairs of spans in different files that state the same claim (syndicated copies, paraphrases), "
        "with a score (0-100) and whether their figures disagree. Reads files only; the database is not touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help=".txt files or folders of them")
        parser.add_argument("--jsonl", action="store_true", help="one JSON object per pair (default: a table)")
        parser.add_argument("--min-score", type=float, default=MIN_SCORE, help="0-100 (default: %(default)s)")

    def handle(self, *args, paths: list[str], jsonl: bool, min_score: float, **options) -> None:
        found = {}
        index = MatchIndex()
        for path, text in read_texts(paths):
            for number, statement in enumerate(statements(text)):
                found[(path, number)] = statement
                index.add((path, number), statement.key)
        with until_the_reader_stops():
            self._write(found, index, jsonl, min_score)

    def _write(self, found: dict, index: MatchIndex, jsonl: bool, min_score: float) -> None:
        seen = set()
        for (path, number), statement in found.items():
            matches = index.query(statement.key, min_score=min_score, exclude=lambda other, path=path: other[0] == path)
            for match in matches:
                pair = tuple(sorted([(path, number), match.id]))
                if pair in seen:
                    continue
                seen.add(pair)
                (left_path, _), (right_path, _) = pair
                left, right = found[pair[0]], found[pair[1]]
                disagree = (
                    figures_disagree([*left.figures, *right.figures]) if left.figures and right.figures else False
                )
                record = {
                    "left": {"file": left_path, "start": left.start, "end": left.end, "quote": left.quote},
                    "right": {"file": right_path, "start": right.start, "end": right.end, "quote": right.quote},
                    "score": round(match.score, 1),
                    "figures_disagree": disagree,
                }
                if jsonl:
                    self.stdout.write(json.dumps(record, ensure_ascii=False))
                else:
                    self.stdout.write(
                        f"{record['score']:5.1f}  {'FIGURES DISAGREE  ' if disagree else ''}"
                        f"{left_path}:{left.start}  “{' '.join(left.quote.split())[:60]}”  <>  "
                        f"{right_path}:{right.start}  “{' '.join(right.quote.split())[:60]}”"
                    )
