"""The audit trail's hash chain: how an event is sealed, and how the whole chain is verified.

Every event carries a gapless sequence number, the hash of the event before it and its own hash:

    hash = SHA-256( UTF-8 of the canonical text )
    canonical text = JSON array [seq, at, actor_id, actor_label, team_id, action, object_type,
                                 object_id, object_repr, before, after, request_id,
                                 client_address, reason, prev_hash]

with `at` written as UTC `YYYY-MM-DDTHH:MM:SS.ffffffZ` and the first event's prev_hash 64 zeros.

On PostgreSQL the database seals each event itself (a BEFORE INSERT trigger, migration 0004, under
an advisory lock so that concurrent writers never fork the chain) and the canonical text is the
database's own `jsonb_build_array(...)::text`; verification asks the database for that same text and
hashes it here. On SQLite the application seals events (`seal`) with Python's JSON in the same
shape. Either way an outside party can check an export with nothing but SHA-256: each exported line
carries the canonical text, the hash and the previous hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection

GENESIS = "0" * 64
CHUNK = 20_000

# The canonical text of a row of reviews_auditevent, as PostgreSQL writes it (the same expression
# is in the sealing trigger of migration 0004; tests check both agree on every event they write).
PG_CANONICAL = """jsonb_build_array(
    seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor_id, actor_label, team_id, action,
    object_type, object_id, object_repr, "before", "after", request_id, host(client_address), reason, prev_hash
)::text"""

_FIELDS = [
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "team_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "request_id",
    "client_address",
    "reason",
    "prev_hash",
]


def digest(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def python_canonical(values: dict) -> str:
    """The canonical text of an event from its field values (SQLite, and the export's self-check)."""
    items = [values[name] for name in _FIELDS]
    items[1] = utc_text(items[1]) if isinstance(items[1], datetime) else items[1]
    return json.dumps(items, ensure_ascii=False, separators=(", ", ": "), sort_keys=True)


def seal(event) -> None:
    """Give an unsaved event its place in the chain (SQLite; PostgreSQL's trigger does this itself).

    Call inside the transaction that saves the event: SQLite lets one writer at a time, so the head
    read here is still the head when the event is inserted.
    """
    from reviews.models import AuditEvent

    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    event.seq, event.prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
    event.hash = digest(python_canonical({name: getattr(event, name) for name in _FIELDS}))


def _rows() -> Iterator[tuple[int, str, str, str]]:
    """(seq, prev_hash, hash, canonical text) of every event in sequence order, a chunk at a time."""
    last = 0
    while True:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT seq, prev_hash, hash, {PG_CANONICAL} FROM reviews_auditevent"
                    " WHERE seq > %s ORDER BY seq LIMIT %s",
                    [last, CHUNK],
                )
                rows = cursor.fetchall()
            else:
                from reviews.models import AuditEvent

                events = AuditEvent.objects.filter(seq__gt=last).order_by("seq").values(*_FIELDS, "hash")[:CHUNK]
                rows = [(e["seq"], e["prev_hash"], e["hash"], python_canonical(e)) for e in events]
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


@dataclass(frozen=True)
class Verdict:
    ok: bool
    events: int  # how many events were checked
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    problem: str = ""


def parse_checkpoint(text: str) -> tuple[int, str]:
    seq, _, value = text.partition(":")
    if not (seq.isascii() and seq.isdigit() and len(value) == 64 and all(c in "0123456789abcdef" for c in value)):
        raise ValueError("a checkpoint is SEQ:HASH, e.g. 1042:<64 hex digits>, as audit_checkpoint prints it")
    return int(seq), value


def verify(checkpoint: tuple[int, str] | None = None) -> Verdict:
    """Recompute the whole chain; the first event that does not fit is named.

    Catches an edited field (its hash no longer matches), a deleted or inserted event (the sequence
    or the link to the previous hash breaks), events swapped, and — given a checkpoint published
    earlier — a chain rewritten from some point on with every hash recomputed.
    """
    expected_seq, prev, count = 1, GENESIS, 0
    for seq, prev_hash, stored, canonical in _rows():
        if seq != expected_seq:
            problem = f"event {expected_seq} is missing" if seq > expected_seq else f"event {seq} is out of place"
            return Verdict(False, count, expected_seq - 1, prev, min(seq, expected_seq), problem)
        if prev_hash != prev:
            return Verdict(False, count, seq - 1, prev, seq, "it does not link to the event before it")
        if digest(canonical) != stored:
            return Verdict(False, count, seq - 1, prev, seq, "its content does not match its hash")
        if checkpoint is not None and seq == checkpoint[0] and stored != checkpoint[1]:
            return Verdict(False, count, seq - 1, prev, seq, "it differs from the published checkpoint")
        expected_seq, prev, count = seq + 1, stored, count + 1
    if checkpoint is not None and checkpoint[0] >= expected_seq:
        return Verdict(False, count, expected_seq - 1, prev, expected_seq, "the chain ends before the checkpoint")
    return Verdict(True, count, expected_seq - 1, prev)


def head() -> tuple[int, str]:
    """The newest event's sequence number and hash: (0, 64 zeros) for an empty trail."""
    from reviews.models import AuditEvent

    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return last if last else (0, GENESIS)


def export(since: datetime | None = None, until: datetime | None = None) -> Iterator[dict]:
    """Every event with `since <= at < until`, in sequence order, with its chain fields and canonical text.

    Each line of an export checks on its own: sha256(canonical) == hash, and the canonical text is
    the JSON array of the line's own fields; consecutive lines link by prev_hash.
    """
    from reviews.models import AuditEvent

    events = AuditEvent.objects.order_by("seq")
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    last = 0
    while True:
        chunk = list(events.filter(seq__gt=last).values(*_FIELDS, "hash")[:CHUNK])
        if not chunk:
            return
        texts = {}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT seq, {PG_CANONICAL} FROM reviews_auditevent WHERE seq >= %s AND seq <= %s",
                    [chunk[0]["seq"], chunk[-1]["seq"]],
                )
                texts = dict(cursor.fetchall())
        for event in chunk:
            event["canonical"] = texts.get(event["seq"]) or python_canonical(event)
            event["at"] = utc_text(event["at"])
            yield event
        last = chunk[-1]["seq"]
