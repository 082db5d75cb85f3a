"""Team settings: the owners of the current team manage its members, categories and rating scale.

One page with three sections (members, categories, ratings). Every form posts to its own endpoint:
a plain post redirects back to the section with a message; an htmx post answers with the section,
fresh after a change or with the bound form and its errors. A stale role form answers 409 with the
current members. Ids from URLs are looked up within the user's current team only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from reviews import services
from reviews.forms import CategoryForm, MemberAddForm, RatingForm, RoleForm
from reviews.models import Category, Claim, Membership, Rating, Role, Team
from reviews.teams import current_membership
from reviews.views import HtmxHttpRequest

TEMPLATE = "reviews/team_settings.html"
F = TypeVar("F", bound=forms.Form)
NOT_OWNER = "Only an owner of the team may manage its members, categories and rating scale."


@dataclass
class Row:
    """One editable row: the object and the form showing it (bound, with errors, after a failed post)."""

    obj: Any
    form: forms.Form


# --- access: the owner check and the lookups every id from a URL goes through ---------------------


def owner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Call the view with the user's current team if they own it; anyone else gets the 403 page."""

    @functools.wraps(view)
    def wrapper(request: HtmxHttpRequest, *args, **kwargs) -> HttpResponse:
        membership = current_membership(request)
        if membership is None or membership.role != Role.OWNER:
            return render(request, "reviews/forbidden.html", {"reason": NOT_OWNER}, status=403)
        return view(request, membership.team, *args, **kwargs)

    return wrapper


def _get_member(team: Team, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.filter(team=team).select_related("user"), pk=pk)


def _get_category(team: Team, pk: int) -> Category:
    return get_object_or_404(Category.objects.filter(team=team), pk=pk)


def _get_rating(team: Team, pk: int) -> Rating:
    return get_object_or_404(Rating.objects.filter(team=team), pk=pk)


# --- forms, one per row; ids unique within the page ----------------------------------------------


def _member_add_form(data=None) -> MemberAddForm:
    return MemberAddForm(data, auto_id="id_member_new_%s")


def _role_form(member: Membership, data=None) -> RoleForm:
    initial = {"role": member.role, "expected_role": member.role}
    return RoleForm(data, initial=initial, auto_id=f"id_member{member.pk}_%s")


def _placeholders(form: F, **texts: str) -> F:
    """The add rows have no visible labels, only a column head; say what goes where."""
    for name, text in texts.items():
        form.fields[name].widget.attrs["placeholder"] = text
    return form


def _category_form(category: Category | None = None, data=None) -> CategoryForm:
    if category is None:
        form = CategoryForm(data, auto_id="id_category_new_%s")
        return _placeholders(form, name="Name", description="Description (optional)", position="Last")
    initial = {
        "name": category.name,
        "colour": category.colour.lower(),
        "description": category.description,
        "position": category.position,
    }
    return CategoryForm(data, initial=initial, auto_id=f"id_category{category.pk}_%s")


def _rating_form(rating: Rating | None = None, data=None) -> RatingForm:
    if rating is None:
        return _placeholders(RatingForm(data, auto_id="id_rating_new_%s"), label="Label", value="Value")
    initial = {"label": rating.label, "value": rating.value, "is_scored": rating.is_scored}
    return RatingForm(data, initial=initial, auto_id=f"id_rating{rating.pk}_%s")


# --- the sections --------------------------------------------------------------------------------


def _members_context(team: Team, bound: dict[str, forms.Form]) -> dict:
    members = Membership.objects.filter(team=team).select_related("user").order_by("user__username")
    return {
        "member_rows": [Row(m, bound.get(f"member-{m.pk}") or _role_form(m)) for m in members],
        "member_add_form": bound.get("member-add") or _member_add_form(),
    }


def _categories_context(team: Team, bound: dict[str, forms.Form]) -> dict:
    categories = Category.objects.filter(team=team).annotate(claim_count=Count("claims")).order_by("position", "name")
    return {
        "category_rows": [Row(c, bound.get(f"category-{c.pk}") or _category_form(c)) for c in categories],
        "category_add_form": bound.get("category-add") or _category_form(),
    }


def _ratings_context(team: Team, bound: dict[str, forms.Form]) -> dict:
    verdicts = (
        Claim.objects.filter(final_rating=OuterRef("pk")).order_by().values("final_rating").annotate(n=Count("pk"))
    )
    ratings = (
        Rating.objects.filter(team=team)
        .annotate(
            review_count=Count("reviews"),
            verdict_count=Coalesce(Subquery(verdicts.values("n"), output_field=IntegerField()), 0),
        )
        .order_by("-is_scored", "-value", "label")
    )
    return {
        "rating_rows": [Row(r, bound.get(f"rating-{r.pk}") or _rating_form(r)) for r in ratings],
        "rating_add_form": bound.get("rating-add") or _rating_form(),
    }


SECTIONS: dict[str, Callable[[Team, dict[str, forms.Form]], dict]] = {
    "members": _members_context,
    "categories": _categories_context,
    "ratings": _ratings_context,
}


def _render_section(
    request: HtmxHttpRequest,
    team: Team,
    section: str,
    *,
    bound: dict[str, forms.Form] | None = None,
    flash: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"team": team, **SECTIONS[section](team, bound or {})}
    if flash:
        context["flash"] = {"section": section, **flash}
    return render(request, f"{TEMPLATE}#{section}", context, status=status)


def _render_page(
    request: HtmxHttpRequest, team: Team, *, bound: dict[str, forms.Form] | None = None, flash: dict | None = None
) -> HttpResponse:
    context: dict[str, Any] = {"team": team, "flash": flash}
    for build in SECTIONS.values():
        context.update(build(team, bound or {}))
    return render(request, TEMPLATE, context)


def _back(section: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("reviews:team-settings") + f"#{section}")


def _done(request: HtmxHttpRequest, team: Team, section: str, text: str) -> HttpResponse:
    """A change was saved: the fresh section for htmx, a redirect with the message for a plain post."""
    if request.htmx:
        return _render_section(request, team, section, flash={"level": "success", "text": text})
    messages.success(request, text)
    return _back(section)


def _refused(request: HtmxHttpRequest, team: Team, section: str, text: str, status: int = 200) -> HttpResponse:
    """The action was refused and nothing changed: the current section with the reason, or a redirect."""
    if request.htmx:
        return _render_section(request, team, section, flash={"level": "error", "text": text}, status=status)
    messages.error(request, text)
    return _back(section)


def _invalid(request: HtmxHttpRequest, team: Team, section: str, key: str, form: forms.Form) -> HttpResponse:
    """The input was not accepted: show the form again as filled in, with what is wrong."""
    flash = {"section": section, "level": "error", "text": "Nothing was saved; see below."}
    if request.htmx:
        return _render_section(request, team, section, bound={key: form}, flash=flash)
    return _render_page(request, team, bound={key: form}, flash=flash)


def _left_owners(request: HtmxHttpRequest, text: str) -> HttpResponse:
    """The user gave up owning the team: this page is no longer theirs, so go to the articles."""
    messages.success(request, text)
    url = reverse("reviews:article-list")
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


# --- the page ------------------------------------------------------------------------------------


@login_required
@require_GET
@owner_required
def team_settings(request: HtmxHttpRequest, team: Team) -> HttpResponse:
    return _render_page(request, team)


# --- members -------------------------------------------------------------------------------------


@login_required
@require_POST
@owner_required
def member_add(request: HtmxHttpRequest, team: Team) -> HttpResponse:
    form = _member_add_form(request.POST)
    if form.is_valid():
        try:
            member = services.add_member_by_username(user=request.user, team=team, **form.cleaned_data)
        except services.ActionRefused as exc:
            form.add_error("username", str(exc))
        else:
            return _done(
                request, team, "members", f"Added {member.user.get_username()} as {member.get_role_display().lower()}."
            )
    return _invalid(request, team, "members", "member-add", form)


@login_required
@require_POST
@owner_required
def member_role(request: HtmxHttpRequest, team: Team, pk: int) -> HttpResponse:
    member = _get_member(team, pk)
    form = _role_form(member, request.POST)
    if not form.is_valid():
        return _invalid(request, team, "members", f"member-{member.pk}", form)
    try:
        changed = services.change_role(user=request.user, membership=member, **form.cleaned_data)
    except services.Conflict as exc:
        return _refused(request, team, "members", str(exc), status=409)
    except services.ActionRefused as exc:
        return _refused(request, team, "members", str(exc))
    name, role = member.user.get_username(), changed.get_role_display().lower()
    if changed.user_id == request.user.pk and changed.role != Role.OWNER:
        return _left_owners(request, f"You are now a {role} of {team.name}; the owners manage the team.")
    return _done(request, team, "members", f"{name} is now {role}.")


@login_required
@require_POST
@owner_required
def member_remove(request: HtmxHttpRequest, team: Team, pk: int) -> HttpResponse:
    member = _get_member(team, pk)
    name = member.user.get_username()
    try:
        withdrawn = services.remove_member(user=request.user, membership=member)
    except services.ActionRefused as exc:
        return _refused(request, team, "members", str(exc))
    text = f"Removed {name} from {team.name}."
    if withdrawn:
        text += f" {withdrawn} assignment{'s' if withdrawn != 1 else ''} withdrawn; their reviews stay."
    if member.user_id == request.user.pk:
        return _left_owners(request, f"You left {team.name}.")
    return _done(request, team, "members", text)


# --- categories ----------------------------------------------------------------------------------


def _save_category(request: HtmxHttpRequest, team: Team, category: Category | None) -> HttpResponse:
    form = _category_form(category, request.POST)
    key = f"category-{category.pk}" if category else "category-add"
    if form.is_valid():
        try:
            saved = services.save_category(user=request.user, team=team, category=category, **form.cleaned_data)
        except services.ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, team, "categories", f"Category “{saved.name}” {'saved' if category else 'added'}.")
    return _invalid(request, team, "categories", key, form)


@login_required
@require_POST
@owner_required
def category_add(request: HtmxHttpRequest, team: Team) -> HttpResponse:
    return _save_category(request, team, None)


@login_required
@require_POST
@owner_required
def category_save(request: HtmxHttpRequest, team: Team, pk: int) -> HttpResponse:
    return _save_category(request, team, _get_category(team, pk))


@login_required
@require_POST
@owner_required
def category_delete(request: HtmxHttpRequest, team: Team, pk: int) -> HttpResponse:
    category = _get_category(team, pk)
    try:
        services.delete_category(user=request.user, category=category)
    except services.ActionRefused as exc:
        return _refused(request, team, "categories", f"“{category.name}” was not deleted: {exc}")
    return _done(request, team, "categories", f"Category “{category.name}” deleted.")


# --- the rating scale ----------------------------------------------------------------------------


def _save_rating(request: HtmxHttpRequest, team: Team, rating: Rating | None) -> HttpResponse:
    form = _rating_form(rating, request.POST)
    key = f"rating-{rating.pk}" if rating else "rating-add"
    if form.is_valid():
        try:
            saved = services.save_rating(user=request.user, team=team, rating=rating, **form.cleaned_data)
        except services.ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            return _done(request, team, "ratings", f"Rating “{saved.label}” {'saved' if rating else 'added'}.")
    return _invalid(request, team, "ratings", key, form)


@login_required
@require_POST
@owner_required
def rating_add(request: HtmxHttpRequest, team: Team) -> HttpResponse:
    return _save_rating(request, team, None)


@login_required
@require_POST
@owner_required
def rating_save(request: HtmxHttpRequest, team: Team, pk: int) -> HttpResponse:
    return _save_rating(request, team, _get_rating(team, pk))


@login_required
@require_POST
@owner_required
def rating_delete(request: HtmxHttpRequest, team: Team, pk: int) -> HttpResponse:
    rating = _get_rating(team, pk)
    try:
        services.delete_rating(user=request.user, rating=rating)
    except services.ActionRefused as exc:
        return _refused(request, team, "ratings", f"“{rating.label}” was not deleted: {exc}")
    return _done(request, team, "ratings", f"Rating “{rating.label}” deleted.")
