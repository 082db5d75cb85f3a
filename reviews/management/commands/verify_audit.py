from time import perf_counter

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews import chain


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain. Exits 0 when it is intact; otherwise names the first "
        "event that does not fit and exits 1. With --checkpoint SEQ:HASH (as audit_checkpoint printed it "
        "earlier) it also proves the chain still contains that point, which catches a rewritten chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--checkpoint", help="SEQ:HASH published earlier by audit_checkpoint")

    def handle(self, *args, checkpoint: str | None, verbosity: int, **options) -> None:
        point = None
        if checkpoint is not None:  # an empty --checkpoint is a mistake, not no checkpoint
            try:
                point = chain.parse_checkpoint(checkpoint.strip())
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        started = perf_counter()
        verdict = chain.verify(point)
        seconds = perf_counter() - started
        if not verdict.ok:
            raise CommandError(
                f"audit trail broken at event {verdict.bad_seq}: {verdict.problem} "
                f"({verdict.events} events before it are intact)"
            )
        if verbosity >= 1:
            rate = verdict.events / seconds if seconds else 0
            self.stdout.write(
                f"audit trail intact: {verdict.events} events, head {verdict.head_seq}:{verdict.head_hash}"
                + (f", checkpoint {point[0]} found" if point else "")
                + f" ({seconds:.2f} s, {rate:,.0f} events/s)"
            )
