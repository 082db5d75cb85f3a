from django.core.management.base import BaseCommand

from reviews import chain


class Command(BaseCommand):
    help = (
        "Print the audit trail's current head as SEQ:HASH. Publish it outside the database (a ticket, "
        "an email, a notary); `verify_audit --checkpoint SEQ:HASH` later proves the chain still holds it."
    )

    def handle(self, *args, **options) -> None:
        seq, value = chain.head()
        self.stdout.write(f"{seq}:{value}")
