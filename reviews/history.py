"""Reading the audit trail for people: whose change, what in words, and each field's old and new value.

The events of one object (or a whole team) are plain `AuditEvent` querysets; `entries()` turns a page
of them into `Entry` rows a template can show without knowing the data model. Names of related
objects (users, rating labels, categories, outlets) are looked up once per kind for the whole page,
so a page costs the same number of queries whatever its length.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format

from reviews.models import Article, AuditEvent, Claim, Review, status_changes_by_others

SHORT_TEXT = 80

# Fields that say nothing a reader of the history needs: identities, offsets, hashes, timestamps the
# event's own time already tells, and the link to the parent the page is about.
HIDDEN_FIELDS = {
    "id",
    "team_id",
    "article_id",
    "claim_id",
    "review_id",
    "content_hash",
    "prefix",
    "suffix",
    "start",
    "end",
    "version",
    "created_at",
    "added_at",
    "updated_at",
    "status_changed_at",
    "submitted_at",
    "decided_at",
}

# What each audited object is called in a sentence, and whether its stored name reads well after it.
OBJECT_NAMES: dict[str, tuple[str, bool]] = {
    "reviews.article": ("the article", True),
    "reviews.claim": ("the claim", True),
    "reviews.review": ("a verdict", False),
    "reviews.evidence": ("evidence", True),
    "reviews.comment": ("a comment", True),
    "reviews.assignment": ("an assignment", False),
    "reviews.membership": ("the membership of", True),
    "reviews.category": ("the category", True),
    "reviews.rating": ("the rating label", True),
    "reviews.suggestion": ("the suggestion", True),
    "reviews.claimcluster": ("a link between claims in different articles", False),
}

# The object types a person can filter the activity feed by, in words.
OBJECT_TYPE_CHOICES = [
    ("reviews.article", "Articles"),
    ("reviews.claim", "Claims"),
    ("reviews.review", "Verdicts"),
    ("reviews.evidence", "Evidence"),
    ("reviews.comment", "Comments"),
    ("reviews.assignment", "Assignments"),
    ("reviews.membership", "Memberships"),
    ("reviews.category", "Categories"),
    ("reviews.rating", "Rating labels"),
    ("reviews.suggestion", "Suggestions"),
]

_VERBS = {AuditEvent.Action.CREATE: "added", AuditEvent.Action.UPDATE: "changed", AuditEvent.Action.DELETE: "removed"}


# --- which events ------------------------------------------------------------------------------


def _newest_first(events: models.QuerySet) -> models.QuerySet:
    return events.order_by("-at", "-id")


def article_events(article: Article) -> models.QuerySet:
    """The article row's own history, newest first."""
    return _newest_first(AuditEvent.objects.filter(team_id=article.team_id).for_object(article))


def claim_events(claim: Claim, blind_for=None) -> models.QuerySet:
    """The claim's history with its comments' and assignments', newest first.

    Comments and assignments are found by the claim their creation or removal names (updates record
    only changed fields). With `blind_for` (a reviewer who has not submitted yet) status changes
    caused by others are left out, as in the claim panel: they would tell who disagrees.
    """
    own = Q(object_type="reviews.claim", object_id=str(claim.pk))
    if blind_for is not None:
        own &= ~status_changes_by_others(blind_for)
    # Assignments show only to moderators in the panel; a blind reviewer would learn who else reviews.
    parts = ("reviews.comment",) if blind_for is not None else ("reviews.comment", "reviews.assignment")
    part_ids = AuditEvent.objects.filter(
        Q(after__claim_id=claim.pk) | Q(before__claim_id=claim.pk), object_type__in=parts
    ).values("object_id")
    wanted = own | Q(object_type__in=parts, object_id__in=part_ids)
    return _newest_first(AuditEvent.objects.filter(wanted, team_id=claim.article.team_id))


def review_events(review: Review) -> models.QuerySet:
    """The review's history with its evidence's (removed evidence too), newest first."""
    evidence_ids = AuditEvent.objects.filter(
        object_type="reviews.evidence", action=AuditEvent.Action.CREATE, after__review_id=review.pk
    ).values("object_id")
    wanted = Q(object_type="reviews.review", object_id=str(review.pk)) | Q(
        object_type="reviews.evidence", object_id__in=evidence_ids
    )
    return _newest_first(AuditEvent.objects.filter(wanted, team_id=review.claim.article.team_id))


def team_events(
    team_id: int,
    *,
    actor_label: str = "",
    action: str = "",
    object_type: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> models.QuerySet:
    """All events of the team, newest first, narrowed by whichever filters are given.

    Dates are whole days in the current time zone, both ends included.
    """
    events = AuditEvent.objects.filter(team_id=team_id)
    if actor_label:
        events = events.filter(actor_label=actor_label)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if date_from:
        events = events.filter(at__gte=_start_of(date_from))
    if date_to and date_to < datetime.date.max:  # the last representable day leaves nothing out
        events = events.filter(at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return _newest_first(events)


def team_actor_labels(team_id: int) -> list[str]:
    """Everyone (and every command) that ever changed something in the team."""
    labels = AuditEvent.objects.filter(team_id=team_id).values_list("actor_label", flat=True)
    return sorted(set(labels.order_by().distinct()))


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- in words ----------------------------------------------------------------------------------


def actor_name(label: str) -> str:
    """ "user:rita" -> "rita"; "system:import_articles" -> "import_articles (system)"."""
    kind, _, name = label.partition(":")
    if kind == "system":
        return f"{name.replace('_', ' ')} (system)"
    return name or label


@dataclass
class Value:
    text: str
    short: str
    empty: bool = False

    @property
    def shortened(self) -> bool:
        return self.short != self.text


@dataclass
class Change:
    label: str
    old: Value | None
    new: Value | None


@dataclass
class Entry:
    event: AuditEvent
    who: str
    summary: str
    changes: list[Change] = field(default_factory=list)
    history_url: str = ""
    previous_unknown: bool = False


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _fields(model: type[models.Model] | None) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields} if model else {}


def _label(name: str, model_field: models.Field | None) -> str:
    if model_field is not None:
        return str(model_field.verbose_name)
    return name.removesuffix("_id").replace("_", " ")


def _shown_names(event: AuditEvent) -> list[str]:
    values = event.after if event.action != AuditEvent.Action.DELETE else event.before
    return [name for name in (values or {}) if name not in HIDDEN_FIELDS]


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"


def what(event: AuditEvent) -> str:
    """The object of the event in words, e.g. 'the claim “Six were …”' or 'a verdict'."""
    name, with_repr = OBJECT_NAMES.get(event.object_type, (event.object_type.partition(".")[2], True))
    if not with_repr or not event.object_repr:
        return name
    if event.object_type in ("reviews.article", "reviews.claim", "reviews.comment"):
        # A claim's stored name is already quoted (and may be cut): quote all texts the same way.
        return f"{name} “{_quoted(event.object_repr.strip('“”'))}”"
    return f"{name} {_quoted(event.object_repr)}"


def summary(event: AuditEvent) -> str:
    """What the actor did, without the actor: e.g. "moved a verdict to approved", "changed rating of a verdict"."""
    model = _model(event.object_type)
    model_fields = _fields(model)
    thing = what(event)
    if event.action == AuditEvent.Action.UPDATE and event.after:
        for step_field in ("state", "status"):
            step = event.after.get(step_field)
            if isinstance(step, str) and step:
                return f"moved {thing} to {_display_choice(model_fields.get(step_field), step).lower()}"
        changed = [_label(name, model_fields.get(name)) for name in _shown_names(event)]
        if changed:
            return f"changed {', '.join(changed)} of {thing}"
    return f"{_VERBS.get(event.action, event.action)} {thing}"


def _display_choice(model_field: models.Field | None, value: Any) -> str:
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


# --- values ------------------------------------------------------------------------------------


def _name_field(model: type[models.Model]) -> str | None:
    if model is get_user_model():
        return model.USERNAME_FIELD
    for candidate in ("label", "name", "title", "quote"):
        try:
            model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
        return candidate
    return None


class _Names:
    """Names of related objects, fetched in one query per kind for everything collected first."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = {}
        self.found: dict[type[models.Model], dict[Any, str]] = {}

    def want(self, model: type[models.Model], pk: Any) -> None:
        if pk is not None and _name_field(model):
            self.wanted.setdefault(model, set()).add(pk)

    def fetch(self) -> None:
        for model, pks in self.wanted.items():
            name = _name_field(model)
            self.found[model] = {
                pk: str(value) for pk, value in model._default_manager.filter(pk__in=pks).values_list("pk", name)
            }

    def get(self, model: type[models.Model], pk: Any) -> str:
        name = self.found.get(model, {}).get(pk)
        return name if name is not None else f"#{pk} (no longer exists)"


def _value(model_field: models.Field | None, raw: Any, names: _Names) -> Value:
    if raw is None or raw == "":
        return Value("—", "—", empty=True)
    if model_field is not None and model_field.is_relation and model_field.related_model is not None:
        text = names.get(model_field.related_model, raw)
    elif model_field is not None and model_field.choices:
        text = _display_choice(model_field, raw)
    elif isinstance(raw, bool):
        text = "yes" if raw else "no"
    elif isinstance(model_field, models.DateTimeField) and isinstance(raw, str) and parse_datetime(raw):
        text = date_format(timezone.localtime(parse_datetime(raw)), "j M Y, H:i")
    elif isinstance(model_field, models.DateField) and isinstance(raw, str) and parse_date(raw):
        text = date_format(parse_date(raw), "j M Y")
    elif isinstance(raw, dict):
        text = "; ".join(f"{key.replace('_', ' ')}: {val}" for key, val in raw.items())
    elif isinstance(raw, list):
        text = ", ".join(str(item) for item in raw)
    else:
        text = str(raw)
    short = " ".join(text.split())
    if len(short) > SHORT_TEXT:
        short = short[: SHORT_TEXT - 1].rstrip() + "…"
    elif short != text:
        short = text  # keep line breaks of a short text; it needs no expanding
    return Value(text, short)


def _history_url(event: AuditEvent, live: dict[str, set[str]]) -> str:
    """The history page the event belongs to, if its object still exists."""
    target = _history_target(event)
    if target is None or target[1] not in live.get(target[0], set()):
        return ""
    object_type, object_id = target
    name = {"reviews.article": "article-history", "reviews.claim": "claim-history", "reviews.review": "review-history"}
    return reverse(f"reviews:{name[object_type]}", args=[object_id])


def _history_target(event: AuditEvent) -> tuple[str, str] | None:
    if event.object_type in ("reviews.article", "reviews.claim", "reviews.review"):
        return event.object_type, event.object_id
    values = {**(event.before or {}), **(event.after or {})}
    if event.object_type in ("reviews.comment", "reviews.assignment") and values.get("claim_id"):
        return "reviews.claim", str(values["claim_id"])
    if event.object_type == "reviews.evidence" and values.get("review_id"):
        return "reviews.review", str(values["review_id"])
    return None


def _live_objects(events: list[AuditEvent], team_id: int) -> dict[str, set[str]]:
    """Which of the events' history pages still have an object: one query per kind of object."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        target = _history_target(event)
        if target is not None and target[1].isdigit():
            wanted.setdefault(target[0], set()).add(int(target[1]))
    querysets = {
        "reviews.article": lambda ids: Article.objects.filter(team_id=team_id, pk__in=ids),
        "reviews.claim": lambda ids: Claim.objects.for_team(team_id).filter(pk__in=ids),
        "reviews.review": lambda ids: Review.objects.for_team(team_id).filter(pk__in=ids),
    }
    return {
        object_type: {str(pk) for pk in querysets[object_type](ids).values_list("pk", flat=True)}
        for object_type, ids in wanted.items()
    }


def entries(events: Iterable[AuditEvent], *, diffs: bool = True, team_id: int | None = None) -> list[Entry]:
    """A page of events as rows for people: who, what in words, and (with `diffs`) each field's change.

    With `team_id`, each row links to the history page of its object where that object still exists.
    """
    events = list(events)
    names = _Names()
    if diffs:
        for event in events:
            model_fields = _fields(_model(event.object_type))
            for values in (event.before, event.after):
                for name, raw in (values or {}).items():
                    model_field = model_fields.get(name)
                    if name not in HIDDEN_FIELDS and model_field is not None and model_field.is_relation:
                        names.want(model_field.related_model, raw)
        names.fetch()
    live = _live_objects(events, team_id) if team_id is not None else {}
    rows = []
    for event in events:
        row = Entry(event=event, who=actor_name(event.actor_label), summary=summary(event))
        if diffs:
            row.changes, row.previous_unknown = _changes(event, names)
        if team_id is not None:
            row.history_url = _history_url(event, live)
        rows.append(row)
    return rows


def _changes(event: AuditEvent, names: _Names) -> tuple[list[Change], bool]:
    model_fields = _fields(_model(event.object_type))
    before, after = event.before or {}, event.after or {}
    changes = []
    for name in _shown_names(event):
        model_field = model_fields.get(name)
        old = _value(model_field, before.get(name), names) if name in before else None
        new = _value(model_field, after.get(name), names) if name in after else None
        if event.action != AuditEvent.Action.UPDATE and (old or new).empty:
            continue  # an empty field of a new or removed object tells nothing
        changes.append(Change(label=_label(name, model_field), old=old, new=new))
    previous_unknown = event.action == AuditEvent.Action.UPDATE and event.before is None
    return changes, previous_unknown
