import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.detect import detect


def read_texts(paths: list[str]) -> list[tuple[str, str]]:
    """(path as given, its text as `open(path, encoding="utf-8").read()` returns it); folders give their .txt files."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files.extend(sorted(path.glob("*.txt")))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{given}: no such file or folder")
    texts = []
    for path in files:
        try:
            with open(path, encoding="utf-8") as handle:
                texts.append((str(path), handle.read()))
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 text (bad byte at position {exc.start})") from None
    return texts


@contextmanager
def until_the_reader_stops() -> Iterator[None]:
    """`detect_claims … | head` ends quietly when the reader closes the pipe, as command-line tools do."""
    try:
        yield
    except BrokenPipeError:
        # Python would fail again flushing stdout at exit: point it at nothing first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class Command(BaseCommand):
    help = (
        "Find candidate claims (casualty figures, Geneva Convention concerns, attributions) in text files, "
        "without touching the database. Offsets index the text as open(path, encoding='utf-8').read() returns it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help=".txt files or folders of them")
        parser.add_argument("--jsonl", action="store_true", help="one JSON object per candidate (default: a table)")

    def handle(self, *args, paths: list[str], jsonl: bool, **options) -> None:
        texts = read_texts(paths)
        with until_the_reader_stops():
            self._write(texts, jsonl)

    def _write(self, texts: list[tuple[str, str]], jsonl: bool) -> None:
        for path, text in texts:
            for candidate in detect(text):
                record = {"file": path, **candidate.as_dict()}
                if jsonl:
                    self.stdout.write(json.dumps(record, ensure_ascii=False))
                else:
                    figure = candidate.figure.describe() if candidate.figure else candidate.source
                    self.stdout.write(
                        f"{path}:{candidate.start}-{candidate.end}  {candidate.category:<11}  "
                        f"{' '.join(candidate.quote.split())[:80]}  {figure}"
                    )
