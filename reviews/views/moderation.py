"""The desk's workflow pages: decisions, moderator verdicts, comments, assignments and the queues."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from reviews import services
from reviews.forms import AssignForm, ClaimFilterForm, CommentForm, DecisionForm, ResolveForm
from reviews.models import COUNTED_STATES, Assignment, Claim, Review
from reviews.teams import current_membership, my_open_assignments
from reviews.views import (
    HtmxHttpRequest,
    _after_claim_change,
    _claim_form_again,
    _claim_url,
    _fragment,
    _get_article_for_user,
    _get_claim_for_user,
    _panel_response,
    _refusal_response,
    _role,
)


def _get_review_for_user(request: HtmxHttpRequest, pk: int) -> Review:
    reviews = Review.objects.filter(claim__article__team__memberships__user=request.user)
    return get_object_or_404(reviews.select_related("claim__article__team", "claim__category"), pk=pk)


def _get_assignment_for_user(request: HtmxHttpRequest, pk: int) -> Assignment:
    assignments = Assignment.objects.filter(team__memberships__user=request.user)
    return get_object_or_404(assignments.select_related("team", "article__team", "claim"), pk=pk)


# --- decisions on a claim -----------------------------------------------------------------------


@login_required
@require_POST
def review_decide(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A moderator approves, rejects or sends back a submitted review."""
    review = _get_review_for_user(request, pk)
    claim = review.claim
    form = DecisionForm(request.POST)
    if not form.is_valid():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return _refusal_response(request, claim, services.ActionRefused(message))
    data = form.cleaned_data
    try:
        services.decide_review(
            user=request.user,
            review=review,
            action=data["action"],
            reason=data["reason"],
            expected_version=data["version"],
        )
    except services.ActionRefused as exc:
        return _refusal_response(request, claim, exc)
    done = {"approve": "Review approved.", "request_changes": "Changes requested.", "reject": "Review rejected."}
    return _after_claim_change(request, claim, done[data["action"]])


@login_required
@require_POST
def claim_resolve(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A moderator records the team's verdict on a claim, with a reason."""
    claim = _get_claim_for_user(request, pk)
    form = ResolveForm(request.POST, team=claim.article.team)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.resolve_claim(
                user=request.user,
                claim=claim,
                rating=data["rating"],
                reason=data["reason"],
                expected_version=data["version"],
            )
        except services.Conflict as exc:
            return _refusal_response(request, claim, exc)
        except services.ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            return _after_claim_change(request, claim, "The claim's verdict is final.")
    return _claim_form_again(request, claim, resolve_form=form)


@login_required
@require_POST
def comment_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(user=request.user, claim=claim, body=form.cleaned_data["body"])
        except services.ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            return _after_claim_change(request, claim, "Comment added.", changed=False)
    return _claim_form_again(request, claim, comment_form=form)


# --- assignments ----------------------------------------------------------------------------------


@login_required
@require_POST
def article_assign(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Assign the article, or one of its claims (`claim` in the post), to a member."""
    article = _get_article_for_user(request, pk)
    if _role(request, article.team_id) not in services.DECIDING_ROLES:
        return _not_a_moderator(request)
    form = AssignForm(request.POST, team=article.team)
    claim = None
    error = ""
    if form.is_valid():
        claim_id = form.cleaned_data["claim"]
        if claim_id:
            claim = get_object_or_404(article.claims.select_related("article__team", "category"), pk=claim_id)
        try:
            assignment = services.assign(
                user=request.user, article=article, assignee=form.cleaned_data["assignee"], claim=claim
            )
        except services.ActionRefused as exc:
            error = str(exc)
        else:
            message = f"Assigned to {assignment.assignee.get_username()}."
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    return _after_assignment_change(request, article, claim, error or message, ok=not error)


@login_required
@require_POST
def assignment_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    assignment = _get_assignment_for_user(request, pk)
    if _role(request, assignment.team_id) not in services.DECIDING_ROLES:
        return _not_a_moderator(request)
    error = ""
    try:
        services.unassign(user=request.user, assignment=assignment)
    except services.ActionRefused as exc:
        error = str(exc)
    claim = None
    if assignment.claim_id:
        claim = _get_claim_for_user(request, assignment.claim_id)
    return _after_assignment_change(request, assignment.article, claim, error or "Assignment withdrawn.", ok=not error)


def _not_a_moderator(request: HtmxHttpRequest) -> HttpResponse:
    reason = "Only a team moderator or owner may assign work."
    return render(request, "reviews/forbidden.html", {"reason": reason}, status=403)


def _after_assignment_change(request: HtmxHttpRequest, article, claim, message: str, ok: bool) -> HttpResponse:
    if claim is not None:
        if request.htmx:
            response = _panel_response(request, claim)
            return response if ok else _refusal_response(request, claim, services.ActionRefused(message))
        (messages.success if ok else messages.error)(request, message)
        return HttpResponseRedirect(_claim_url(claim))
    if request.htmx:
        context = {
            "article": article,
            "article_assignments": list(article.assignments.filter(claim=None).select_related("assignee")),
            "article_assign_form": AssignForm(team=article.team, auto_id="article-assign-%s"),
            "assign_message": message,
            "assign_ok": ok,
        }
        return render(request, "reviews/article_detail.html#assign-box", context)
    (messages.success if ok else messages.error)(request, message)
    return redirect("reviews:article-detail", pk=article.pk)


# --- queues and the claim table -------------------------------------------------------------------


@login_required
@require_GET
def my_queue(request: HtmxHttpRequest) -> HttpResponse:
    """What is assigned to me in the current team and still waits for my submitted review."""
    items = my_open_assignments(request)
    return render(request, "reviews/queue.html", {"items": items, "membership": current_membership(request)})


@login_required
@require_GET
def moderation_queue(request: HtmxHttpRequest) -> HttpResponse:
    """Submitted reviews and disputes of the current team, oldest first (moderators and owners)."""
    membership = current_membership(request)
    if membership is None or not membership.decides:
        reason = "Only a team moderator or owner sees the moderation queue."
        return render(request, "reviews/forbidden.html", {"reason": reason}, status=403)
    team_id = membership.team_id
    reviews = (
        Review.objects.for_team(team_id)
        .awaiting_decision()
        .exclude(reviewer=request.user)  # four-eyes: another moderator decides on one's own
        .select_related("reviewer", "rating", "claim__article", "claim__category")
        .order_by("submitted_at", "id")[:200]
    )
    disputes = (
        Claim.objects.for_team(team_id)
        .disputed()
        .select_related("article", "category")
        .annotate(verdicts=Count("reviews", filter=Q(reviews__state__in=COUNTED_STATES)))
        .order_by("status_changed_at", "id")[:200]
    )
    items = [("review", review.submitted_at, review) for review in reviews]
    items += [("dispute", claim.status_changed_at, claim) for claim in disputes]
    items.sort(key=lambda item: item[1].timestamp() if item[1] else float("inf"))  # undated last
    return render(request, "reviews/moderation.html", {"items": items, "membership": membership})


@login_required
@require_GET
@vary_on_headers("HX-Request")
def claim_list(request: HtmxHttpRequest) -> HttpResponse:
    """Every claim of the current team with its status and final verdict, filterable."""
    membership = current_membership(request)
    team_id = membership.team_id if membership else None
    form = ClaimFilterForm(request.GET, team_id=team_id)
    filters = form.cleaned_data if form.is_valid() else {}
    claims = (
        Claim.objects.for_user(request.user)
        .for_team(team_id)
        .select_related("article__outlet", "category", "final_rating", "decided_by", "cluster")
        .annotate(
            verdicts=Count("reviews", filter=Q(reviews__state__in=COUNTED_STATES)),
            # A reviewer who has not submitted sees a dispute as "in review" (independent review).
            mine_submitted=Exists(
                Review.objects.filter(claim=OuterRef("pk"), reviewer=request.user, submitted_at__isnull=False)
            ),
        )
        .order_by("article__title", "start", "id")
    )
    deciding = _role(request, team_id) in services.DECIDING_ROLES if team_id else False
    status = filters.get("status")
    if status and not deciding and status in (Claim.Status.DISPUTED, Claim.Status.IN_REVIEW):
        hidden_dispute = Q(status=Claim.Status.DISPUTED, mine_submitted=False)
        if status == Claim.Status.DISPUTED:
            claims = claims.filter(status=status).exclude(hidden_dispute)
        else:
            claims = claims.filter(Q(status=status) | hidden_dispute)
    elif status:
        claims = claims.filter(status=status)
    if filters.get("category"):
        claims = claims.filter(category=filters["category"])
    if filters.get("q"):
        claims = claims.filter(Q(quote__icontains=filters["q"]) | Q(article__title__icontains=filters["q"]))
    if filters.get("linked") == "elsewhere":
        claims = claims.filter(cluster__isnull=False)
    elif filters.get("linked") == "disagree":
        claims = claims.filter(cluster__figures_disagree=True)
    page = Paginator(claims, 50).get_page(request.GET.get("page"))
    for claim in page:
        claim.shown_status = Claim.Status(claim.status)
        if claim.status == Claim.Status.DISPUTED and not (deciding or claim.mine_submitted):
            claim.shown_status = Claim.Status.IN_REVIEW
    context = {"form": form, "page": page, "membership": membership}
    template = "reviews/claim_list.html"
    if _fragment(request):
        template += "#claim-rows"
    return render(request, template, context)
