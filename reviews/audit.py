"""The audit trail: one mechanism that every door passes through.

Audited models inherit `Audited`. Whenever one is saved or deleted through the ORM — from a view, an
htmx fragment, the admin, a management command or the shell — the `post_save`/`post_delete` handlers
below write an `AuditEvent` in the same transaction, with the fields that changed before and after.

Who acted comes from the current audit context: the request (set by `AuditContextMiddleware`) or a
system process (`system_actor("import_articles")`, which commands enter). A reason can be added for
a block of changes with `audit_reason(...)`.
"""

from __future__ import annotations

import contextvars
import functools
import ipaddress
import json
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, router, transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.http import HttpRequest, HttpResponse

from reviews.chain import seal

T = TypeVar("T")
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class AuditContext:
    request: HttpRequest | None = None
    user: Any = None  # the person a service acts for; wins over the request's user
    team_id: int | None = None  # set while a whole team's objects change, e.g. a cascading delete
    system: str = ""
    request_id: str = ""
    client_address: str | None = None
    reason: str = ""

    def actor(self):
        user = self.user if self.user is not None else getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None

    def actor_label(self) -> str:
        user = self.actor()
        if user is not None:
            return f"user:{user.get_username()}"[:150]
        if self.system:
            return f"system:{self.system}"[:150]
        return "system:unattributed"


_NO_CONTEXT = AuditContext()
_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("audit_context")


def current_context() -> AuditContext:
    return _context.get(_NO_CONTEXT)


@contextmanager
def _using(context: AuditContext) -> Iterator[AuditContext]:
    token = _context.set(context)
    try:
        yield context
    finally:
        _context.reset(token)


@contextmanager
def system_actor(name: str) -> Iterator[AuditContext]:
    """Attribute changes in this block to a system process, e.g. a management command."""
    with _using(AuditContext(system=name, request_id=uuid.uuid4().hex)) as context:
        yield context


@contextmanager
def acting_as(user) -> Iterator[AuditContext]:
    """Attribute changes in this block to the user, keeping the request id and address if any."""
    with _using(replace(current_context(), user=user)) as context:
        yield context


def performed_by(parameter: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorate a service so that its changes are attributed to its `parameter` keyword argument.

    Whoever calls the service, a view, the admin, a command or a shell, the event names the person
    the service acted for; without one (None) the surrounding context decides.
    """

    def decorate(service: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(service)
        def wrapper(*args, **kwargs) -> T:
            user = kwargs.get(parameter)
            if user is None:
                return service(*args, **kwargs)
            with acting_as(user):
                return service(*args, **kwargs)

        return wrapper

    return decorate


@contextmanager
def within_team(team_id: int) -> Iterator[AuditContext]:
    """Everything changed in this block belongs to the team: saves each object looking its team up.

    A cascading delete otherwise walks evidence -> review -> claim -> article for every row.
    """
    with _using(replace(current_context(), team_id=team_id)) as context:
        yield context


@contextmanager
def audit_reason(reason: str) -> Iterator[AuditContext]:
    """Attach a human reason to every event written in this block."""
    with _using(replace(current_context(), reason=reason[:500])) as context:
        yield context


def _client_address(remote_addr: str | None) -> str | None:
    """The address as the database will store it (IPv6 compressed), so that what is sealed is what is kept."""
    try:
        return ipaddress.ip_address(remote_addr or "").compressed
    except ValueError:
        return None


class AuditContextMiddleware:
    """Make the request the audit context, and give every request an id echoed in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        context = AuditContext(
            request=request, request_id=request_id, client_address=_client_address(request.META.get("REMOTE_ADDR"))
        )
        with _using(context):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


APP_WRITE_SQL = "SELECT set_config('factcheck.app_write', %s, true)"


@contextmanager
def app_write(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Mark the writes in this block as recorded by the application (PostgreSQL; a no-op elsewhere).

    The database records every other write to an audited table itself (migration 0005). The mark
    is transaction-local, so it ends with the transaction whatever happens; nested blocks share it.
    """
    conn = connections[using]
    if conn.vendor != "postgresql":
        yield
        return
    depth = getattr(conn, "_audit_app_writes", 0)
    with transaction.atomic(using=using, savepoint=False):
        if depth == 0:
            with conn.cursor() as cursor:
                cursor.execute(APP_WRITE_SQL, ["on"])
        conn._audit_app_writes = depth + 1
        try:
            yield
        finally:
            conn._audit_app_writes = depth
        if depth == 0:
            with conn.cursor() as cursor:
                cursor.execute(APP_WRITE_SQL, [""])


class AuditedQuerySet(models.QuerySet):
    def delete(self):
        # A queryset delete sends post_delete for every row, so the application records them.
        with app_write(self.db):
            return super().delete()


class Audited(models.Model):
    """Base for models whose every change is written to the audit trail.

    The values an instance was loaded with are kept (at no query cost) so that an update records
    exactly the fields that changed.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        with app_write(kwargs.get("using") or router.db_for_write(type(self), instance=self)):
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with app_write(kwargs.get("using") or router.db_for_write(type(self), instance=self)):
            return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._audit_loaded = dict(zip(field_names, values, strict=True))
        return instance

    def audit_team_id(self) -> int | None:
        """The team the object belongs to; models without a direct team field override this."""
        return getattr(self, "team_id", None)

    def audit_values(self) -> dict[str, Any]:
        # `version` only counts changes for stale-form checks; the events themselves are that count.
        return {
            field.attname: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.attname != "version"
        }


def _jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def _write_event(instance: Audited, action: str, before: dict | None, after: dict | None) -> None:
    from reviews.models import AuditEvent

    context = current_context()
    event = AuditEvent(
        actor=context.actor(),
        actor_label=context.actor_label(),
        team_id=context.team_id if context.team_id is not None else instance.audit_team_id(),
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=_jsonable(before),
        after=_jsonable(after),
        request_id=context.request_id,
        client_address=context.client_address,
        reason=context.reason,
    )
    if connection.vendor == "postgresql":
        event.seq = 0  # placeholder: the database's trigger seals the event in the chain
    else:
        seal(event)
    event.save(force_insert=True)


def _auto_now_fields(model: type[models.Model]) -> set[str]:
    return {field.attname for field in model._meta.concrete_fields if getattr(field, "auto_now", False)}


def _on_save(sender, instance: Audited, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:  # loading fixtures writes no history
        return
    current = instance.audit_values()
    if created:
        _write_event(instance, "create", None, current)
    else:
        loaded = getattr(instance, "_audit_loaded", None)
        if loaded is None:
            _write_event(instance, "update", None, current)
        else:
            changed = [name for name in current if name in loaded and loaded[name] != current[name]]
            # A save that only moved an auto_now timestamp changed nothing a person did.
            if set(changed) - _auto_now_fields(type(instance)):
                _write_event(
                    instance,
                    "update",
                    {name: loaded[name] for name in changed},
                    {name: current[name] for name in changed},
                )
    instance._audit_loaded = current


def _on_delete(sender, instance: Audited, **kwargs) -> None:
    _write_event(instance, "delete", instance.audit_values(), None)


def _cascade_from_outside(sender, instance, using, **kwargs) -> None:
    """Deleting a team or a user cascades into audited rows, whose post_delete events the application writes."""
    conn = connections[using]
    if conn.vendor == "postgresql" and not getattr(conn, "_audit_app_writes", 0):
        with conn.cursor() as cursor:
            cursor.execute(APP_WRITE_SQL, ["on"])  # until the deleting transaction ends


def connect_audited_models() -> None:
    from django.apps import apps
    from django.contrib.auth import get_user_model

    for model in (apps.get_model("reviews", "Team"), get_user_model()):
        pre_delete.connect(_cascade_from_outside, sender=model, dispatch_uid=f"audit-cascade-{model._meta.label}")

    for model in apps.get_app_config("reviews").get_models():
        if issubclass(model, Audited):
            post_save.connect(_on_save, sender=model, dispatch_uid=f"audit-save-{model._meta.label}")
            post_delete.connect(_on_delete, sender=model, dispatch_uid=f"audit-delete-{model._meta.label}")
