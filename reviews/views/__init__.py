from __future__ import annotations

import bisect
import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import FilteredRelation, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import retarget, trigger_client_event
from django_htmx.middleware import HtmxDetails

from reviews import services
from reviews.forms import (
    ArticleSearchForm,
    AssignForm,
    CommentForm,
    EvidenceForm,
    ImportForm,
    ResolveForm,
    ReviewForm,
    TagClaimForm,
)
from reviews.highlight import Hint, Mark, SuggestionItem, render_body, render_claim_list, render_suggestion_list
from reviews.models import (
    COUNTED_STATES,
    Article,
    AuditEvent,
    Category,
    Claim,
    Evidence,
    Membership,
    Review,
    Role,
    Suggestion,
)
from reviews.services import assist as assistance
from reviews.services import moderation as workflow
from reviews.teams import current_membership, user_memberships

CLAIMS_CHANGED = "claimsChanged"
SUGGESTIONS_LISTED = 40  # the reader lists this many suggestions in full; "show all" lists the rest


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# --- lookups: every id from a URL goes through one of these ---------------------------------


def _get_article_for_user(request: HtmxHttpRequest, pk: int) -> Article:
    return get_object_or_404(Article.objects.for_user(request.user).select_related("team", "outlet"), pk=pk)


def _get_claim_for_user(request: HtmxHttpRequest, pk: int) -> Claim:
    return get_object_or_404(
        Claim.objects.for_user(request.user).select_related("article__team", "category", "created_by"), pk=pk
    )


def _get_own_evidence(request: HtmxHttpRequest, pk: int) -> Evidence:
    evidence = Evidence.objects.filter(review__reviewer=request.user).select_related("review__claim__article__team")
    return get_object_or_404(evidence.filter(review__claim__article__team__memberships__user=request.user), pk=pk)


# --- articles ---------------------------------------------------------------------------------


def _fragment(request: HtmxHttpRequest) -> bool:
    """Whether to answer with a fragment: an htmx request, but not htmx restoring a whole page from history."""
    return bool(request.htmx) and not request.htmx.history_restore_request


@login_required
@require_POST
def team_switch(request: HtmxHttpRequest) -> HttpResponse:
    team_id = request.POST.get("team", "")
    if not (team_id.isascii() and team_id.isdigit()):
        raise Http404("No such team.")
    membership = get_object_or_404(Membership.objects.for_user(request.user), team_id=team_id)
    request.session["team_id"] = membership.team_id
    messages.success(request, f"You are now working in {membership.team.name}.")
    return redirect("reviews:article-list")


@login_required
@require_GET
@vary_on_headers("HX-Request")
def article_list(request: HtmxHttpRequest) -> HttpResponse:
    form = ArticleSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    membership = current_membership(request)
    articles = (
        Article.objects.for_user(request.user)
        .filter(team_id=membership.team_id if membership else None)
        .search(query)
        .select_related("outlet")
        .with_progress(request.user)
        .order_by("-created_at", "-id")
    )
    page = Paginator(articles, 50).get_page(request.GET.get("page"))
    context = {"form": form, "query": query, "page": page, "membership": membership}
    template = "reviews/article_list.html"
    if _fragment(request):
        template += "#results"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def article_import(request: HtmxHttpRequest) -> HttpResponse:
    membership = current_membership(request)
    if membership is None or membership.role != Role.OWNER:
        return render(
            request, "reviews/forbidden.html", {"reason": "Only a team owner may import articles."}, status=403
        )
    results: list[services.ImportResult] = []
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        for upload in form.cleaned_data["files"]:
            data = upload.read(services.MAX_ARTICLE_BYTES + 1)
            results.append(
                services.import_article(team=membership.team, data=data, source=upload.name, actor=request.user)
            )
    context = {"form": form, "results": results, "membership": membership}
    template = "reviews/article_import.html"
    if _fragment(request):
        template += "#import-results"
    return render(request, template, context)


def _reader_context(request: HtmxHttpRequest, article: Article, selected: Claim | None) -> dict:
    # The reader is the hot page: one row per claim with the user's own verdict, no model instances.
    mine = FilteredRelation("reviews", condition=Q(reviews__reviewer=request.user))
    # Ordered here by position only: Claim's default ordering starts with the article, a needless join.
    rows = (
        article.claims.annotate(mine=mine)
        .order_by("start", "end", "pk")
        .values_list(
            "pk",
            "start",
            "end",
            "category_id",
            "mine__rating__label",
            "mine__rating__slug",
            "final_rating__label",
            "final_rating__slug",
            "status",
        )
    )
    # A final verdict is the team's and shows to everyone; until then each person sees their own,
    # and moderators also see where verdicts disagree.
    deciding = _role(request, article.team_id) in services.DECIDING_ROLES
    marks = []
    for pk, start, end, category_id, label, slug, final_label, final_slug, status in rows:
        if final_label:
            label, slug = f"Final: {final_label}", final_slug
        elif deciding and status == Claim.Status.DISPUTED:
            label, slug = "Disputed", "disputed"
        elif deciding and status == Claim.Status.IN_REVIEW and not label:
            label, slug = "In review", "none"
        marks.append(
            Mark(
                claim_id=pk,
                start=start,
                end=end,
                category_id=category_id,
                verdict=label or "",
                verdict_slug=slug or "",
            )
        )
    categories = list(Category.objects.filter(team=article.team_id))
    reader_url = reverse("reviews:article-detail", args=[article.pk])
    # Every pending suggestion is underlined; the list under the article shows the first ones in full.
    pending = article.suggestions.pending().order_by("start", "end", "pk")
    hints = [Hint(*row) for row in pending.values_list("pk", "start", "end", "kind")]
    listed = SUGGESTIONS_LISTED if request.GET.get("suggestions") != "all" else None
    suggestions = list(pending[:listed])

    return {
        "article": article,
        "claim_count": len(marks),
        # A claim's quote is body[start:end] by construction (tag_claim checks it), so it is not fetched.
        "claim_list_html": render_claim_list(reader_url, [(m, article.body[m.start : m.end]) for m in marks]),
        "body_html": render_body(
            article.body,
            marks,
            selected.pk if selected else None,
            hints=_hints_outside_claims(hints, marks),
        ),
        "suggestion_list_html": render_suggestion_list(
            _suggestion_items(article, suggestions),
            get_token(request),
            reverse("reviews:suggestion-accept", args=[0]),
            reverse("reviews:suggestion-dismiss", args=[0]),
        ),
        "suggestions_listed": len(suggestions),
        "suggestion_count": len(hints),
        "categories": categories,
        "selected": selected,
        "article_assignments": list(article.assignments.filter(claim=None).select_related("assignee"))
        if deciding
        else None,
        "article_assign_form": AssignForm(team=article.team, auto_id="article-assign-%s") if deciding else None,
    }


def _suggestion_items(article: Article, suggestions: list[Suggestion]) -> list[SuggestionItem]:
    """The listed suggestions with the claims elsewhere that state the same (found when each was detected)."""
    wanted = {pk for suggestion in suggestions for pk in suggestion.details.get("matches", [])}
    found = {}
    if wanted:
        claims = Claim.objects.for_team(article.team_id).filter(pk__in=wanted).order_by()
        found = {claim.pk: claim for claim in claims.select_related("article__outlet", "final_rating")}
    reader = reverse("reviews:article-detail", args=[0])
    items = []
    for suggestion in suggestions:
        matched = []
        for pk in suggestion.details.get("matches", []):
            claim = found.get(pk)
            if claim is None:
                continue
            where = claim.article.outlet.name if claim.article.outlet else claim.article.title
            final = claim.final_rating
            url = reader.replace("/0/", f"/{claim.article_id}/", 1) + f"?claim={claim.pk}#claim-panel"
            matched.append((url, where[:40], final.label if final else "", final.slug if final else ""))
        items.append(
            SuggestionItem(
                suggestion_id=suggestion.pk,
                kind=suggestion.kind,
                kind_label=suggestion.get_kind_display(),
                quote=suggestion.quote,
                summary=suggestion.summary,
                version=suggestion.version,
                matched=tuple(matched),
            )
        )
    return items


def _hints_outside_claims(hints: list[Hint], marks: list[Mark]) -> list[Hint]:
    """Suggestions to underline: those no claim overlaps (over a claim, the claim is what counts)."""
    starts = sorted(mark.start for mark in marks)
    reach = list(
        itertools.accumulate(sorted(marks, key=lambda m: m.start), lambda most, m: max(most, m.end), initial=0)
    )
    outside = []
    for hint in hints:
        before = bisect.bisect_left(starts, hint.end)  # claims that start before the suggestion ends
        if reach[before] <= hint.start:  # ... and none of them reaches into it
            outside.append(hint)
    return outside


@login_required
@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def article_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = _get_article_for_user(request, pk)
    selected = None
    claim_id = request.GET.get("claim", "")
    if claim_id.isascii() and claim_id.isdigit():
        selected = article.claims.select_related("category", "created_by", "article__team").filter(pk=claim_id).first()
    context = _reader_context(request, article, selected)
    if selected is not None:
        context.update(_panel_context(request, selected))
    template = "reviews/article_detail.html"
    if _fragment(request) and request.htmx.target == "article-body":
        template += "#article-body"
    return render(request, template, context)


# --- claims -----------------------------------------------------------------------------------


def _role(request: HtmxHttpRequest, team_id: int) -> str | None:
    return next((m.role for m in user_memberships(request) if m.team_id == team_id), None)


def _panel_context(
    request: HtmxHttpRequest,
    claim: Claim,
    review_form: ReviewForm | None = None,
    evidence_form: EvidenceForm | None = None,
    resolve_form: ResolveForm | None = None,
    comment_form: CommentForm | None = None,
) -> dict:
    user = request.user
    team = claim.article.team
    role = _role(request, team.pk)
    deciding = role in services.DECIDING_ROLES
    review = Review.objects.filter(claim=claim, reviewer=user).select_related("rating", "decided_by").first()
    # Independent review: the others' verdicts stay hidden until one's own is submitted (moderators see all).
    sees_others = deciding or (review is not None and review.submitted_at is not None)
    others = []
    if sees_others:
        others = list(
            claim.reviews.exclude(reviewer=user)
            .select_related("reviewer", "rating", "decided_by")
            .prefetch_related("evidence")
            .order_by("submitted_at", "id")
        )
    submitted_mine = review is not None and review.submitted_at is not None
    for other in others:
        other.decidable = workflow.can_decide(user, role, other, reviewed_it=submitted_mine)
    status = claim.status
    if not sees_others and status == Claim.Status.DISPUTED:
        status = Claim.Status.IN_REVIEW  # "disputed" alone would tell a blind reviewer that others disagree
    editable = review is None or review.state in services.EDITABLE_STATES
    history = AuditEvent.objects.for_claim(claim, review, blind_for=None if sees_others else user).order_by("-id")
    return {
        "claim": claim,
        "role": role,
        "deciding": deciding,
        "shown_status": status,
        "shown_status_label": Claim.Status(status).label,
        "review": review,
        "editable": editable,
        "review_form": review_form or ReviewForm(instance=review, team=team),
        "evidence": list(review.evidence.all()) if review else [],
        "evidence_form": evidence_form or EvidenceForm(),
        "sees_others": sees_others,
        "others": others,
        "other_review_count": 0 if sees_others else claim.reviews.exclude(reviewer=user).count(),
        "can_resolve": deciding
        and claim.status in (Claim.Status.DISPUTED, Claim.Status.IN_REVIEW)
        and not submitted_mine
        and any(o.state in COUNTED_STATES for o in others),
        "resolve_form": resolve_form or ResolveForm(team=team, initial={"version": claim.version}),
        "comments": list(claim.comments.select_related("author")),
        "comment_form": comment_form or CommentForm(),
        "assignments": list(claim.assignments.select_related("assignee")) if deciding else [],
        "assign_form": AssignForm(team=team, auto_id="claim-assign-%s") if deciding else None,
        "history": history[:30],
        "can_delete_claim": not services.claim_removal_refusal(user, claim),
        **assistance.claim_links(claim),
    }


def _panel_response(request: HtmxHttpRequest, claim: Claim, changed: bool = False, **forms) -> HttpResponse:
    if changed:
        claim.refresh_from_db()  # the service moved the claim on: show its new status
    context = _panel_context(request, claim, **forms)
    context["refresh_nav"] = changed
    response = render(request, "reviews/article_detail.html#claim-panel", context)
    if changed:
        trigger_client_event(response, CLAIMS_CHANGED, {"claim": claim.pk})
    return response


def _after_claim_change(request: HtmxHttpRequest, claim: Claim, message: str, changed: bool = True) -> HttpResponse:
    """A change on a claim succeeded: the fresh panel for htmx, else back to the claim with a message."""
    if request.htmx:
        return _panel_response(request, claim, changed=changed)
    messages.success(request, message)
    return HttpResponseRedirect(_claim_url(claim))


def _claim_form_again(request: HtmxHttpRequest, claim: Claim, **forms) -> HttpResponse:
    """A form on a claim was invalid or refused: show it again with its errors, in the panel or the page."""
    if request.htmx:
        return _panel_response(request, claim, **forms)
    return _full_page_with_forms(request, claim, **forms)


def _claim_url(claim: Claim) -> str:
    return reverse("reviews:article-detail", args=[claim.article_id]) + f"?claim={claim.pk}#claim-panel"


@login_required
@require_POST
def claim_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = _get_article_for_user(request, pk)
    form = TagClaimForm(request.POST, team=article.team)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.tag_claim(
                user=request.user,
                article=article,
                start=data["start"],
                end=data["end"],
                category=data["category"],
                note=data["note"],
                quote=data["quote"],
            )
        except services.ActionRefused as exc:
            error = str(exc)
        else:
            if request.htmx:
                return _panel_response(request, claim, changed=True)
            messages.success(request, "Claim tagged.")
            return HttpResponseRedirect(_claim_url(claim))
    else:
        error = " ".join(message for messages_ in form.errors.values() for message in messages_)
    if request.htmx:
        response = render(request, "reviews/article_detail.html#tag-error", {"error": error})
        return retarget(response, "#tag-error")
    messages.error(request, error)
    return redirect("reviews:article-detail", pk=article.pk)


@login_required
@require_GET
def claim_panel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk)
    if request.htmx:
        return _panel_response(request, claim)
    return HttpResponseRedirect(_claim_url(claim))


@login_required
@require_POST
def claim_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk)
    try:
        services.delete_claim(user=request.user, claim=claim)
    except services.ActionRefused as exc:
        return _refusal_response(request, claim, exc)
    if request.htmx:
        response = render(request, "reviews/article_detail.html#claim-panel-empty", {"notice": "Claim removed."})
        trigger_client_event(response, CLAIMS_CHANGED, {"claim": None})
        return response
    messages.success(request, "Claim removed.")
    return redirect("reviews:article-detail", pk=claim.article_id)


def _refused(request: HtmxHttpRequest, claim: Claim, message: str, status: int = 200) -> HttpResponse:
    try:
        claim.refresh_from_db()  # someone else may have moved it on: show the current state
    except Claim.DoesNotExist:
        context = {"notice": message}
        return render(request, "reviews/article_detail.html#claim-panel-empty", context, status=status)
    context = _panel_context(request, claim)
    context["panel_error"] = message
    return render(request, "reviews/article_detail.html#claim-panel", context, status=status)


def _refusal_response(request: HtmxHttpRequest, claim: Claim, exc: services.ActionRefused) -> HttpResponse:
    """A refused action on a claim: for htmx the current panel with the reason, 409 if someone acted
    meanwhile; for a plain post the reason as a message on the claim's page."""
    if request.htmx:
        status = 409 if isinstance(exc, services.Conflict) else 200
        return _refused(request, claim, str(exc), status=status)
    messages.error(request, str(exc))
    return HttpResponseRedirect(_claim_url(claim))


# --- reviews and evidence ------------------------------------------------------------------------


@login_required
@require_POST
def review_save(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Save my verdict; with `action=submit` also submit it for moderation."""
    claim = _get_claim_for_user(request, pk)
    review = Review.objects.filter(claim=claim, reviewer=request.user).first()
    form = ReviewForm(request.POST, instance=review, team=claim.article.team)
    submitting = request.POST.get("action") == "submit"
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # saved and submitted together, or neither
                saved = services.save_review(
                    user=request.user,
                    claim=claim,
                    rating=data["rating"],
                    rationale=data["rationale"],
                    confidence=data["confidence"],
                    expected_version=data["version"],
                )
                if submitting:
                    services.submit_review(user=request.user, review=saved)
        except services.Conflict as exc:
            return _refusal_response(request, claim, exc)
        except services.ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            return _after_claim_change(request, claim, "Verdict submitted." if submitting else "Verdict saved.")
    return _claim_form_again(request, claim, review_form=form)


@login_required
@require_POST
def evidence_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk)
    review = Review.objects.filter(claim=claim, reviewer=request.user).first()
    form = EvidenceForm(request.POST)
    if form.is_valid():
        if review is None:
            form.add_error(None, "Save your verdict first, then add evidence to it.")
        else:
            try:
                services.add_evidence(user=request.user, review=review, **form.cleaned_data)
            except services.ActionRefused as exc:
                form.add_error(None, str(exc))
            else:
                return _after_claim_change(request, claim, "Evidence added.")
    return _claim_form_again(request, claim, evidence_form=form)


@login_required
@require_POST
def evidence_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    evidence = _get_own_evidence(request, pk)
    claim = _get_claim_for_user(request, evidence.review.claim_id)
    try:
        services.remove_evidence(user=request.user, evidence=evidence)
    except services.ActionRefused as exc:
        return _refusal_response(request, claim, exc)
    return _after_claim_change(request, claim, "Evidence removed.")


def _full_page_with_forms(request: HtmxHttpRequest, claim: Claim, **forms) -> HttpResponse:
    """A plain (non-htmx) post with errors: the reader with the panel and the bound forms."""
    context = _reader_context(request, claim.article, claim)
    context.update(_panel_context(request, claim, **forms))
    return render(request, "reviews/article_detail.html", context, status=200)
