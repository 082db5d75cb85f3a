"""History pages of an article, a claim and a review, and the team's activity feed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from reviews import history
from reviews.history_forms import ActivityFilterForm
from reviews.services import moderation as workflow
from reviews.teams import current_membership
from reviews.views import HtmxHttpRequest, _fragment, _get_article_for_user, _get_claim_for_user, _role
from reviews.views.moderation import _get_review_for_user

PER_PAGE = 50


def _without_page(request: HtmxHttpRequest) -> str:
    """The query string for the pager's links: the current filters, any page number left out."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _history_page(request: HtmxHttpRequest, events: QuerySet, context: dict) -> HttpResponse:
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    context.update(page=page, entries=history.entries(page.object_list), query=_without_page(request))
    template = "reviews/history.html"
    if _fragment(request):
        template += "#history-rows"
    return render(request, template, context)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def article_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = _get_article_for_user(request, pk)
    context = {
        "kind": "article",
        "title": article.title,
        "back_url": reverse("reviews:article-detail", args=[article.pk]),
        "back_label": "Back to the article",
    }
    return _history_page(request, history.article_events(article), context)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def claim_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk)
    role = _role(request, claim.article.team_id)
    blind = not workflow.sees_other_reviews(request.user, role, claim)
    context = {
        "kind": "claim",
        "title": str(claim),
        "article": claim.article,
        "back_url": reverse("reviews:article-detail", args=[claim.article_id]) + f"?claim={claim.pk}#claim-panel",
        "back_label": "Back to the claim",
    }
    return _history_page(request, history.claim_events(claim, blind_for=request.user if blind else None), context)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def review_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    review = _get_review_for_user(request, pk)
    role = _role(request, review.claim.article.team_id)
    # Independent review: another reviewer's verdict does not exist for someone who has not submitted.
    if review.reviewer_id != request.user.pk and not workflow.sees_other_reviews(request.user, role, review.claim):
        raise Http404("No such review.")
    claim = review.claim
    context = {
        "kind": "review",
        "title": f"{review.reviewer.get_username()}’s verdict on {claim}",
        "article": claim.article,
        "back_url": reverse("reviews:article-detail", args=[claim.article_id]) + f"?claim={claim.pk}#claim-panel",
        "back_label": "Back to the claim",
    }
    return _history_page(request, history.review_events(review), context)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def activity(request: HtmxHttpRequest) -> HttpResponse:
    """Everything that changed in the current team, newest first, filterable (moderators and owners)."""
    membership = current_membership(request)
    if membership is None or not membership.decides:
        reason = "Only a team moderator or owner sees the team's activity."
        return render(request, "reviews/forbidden.html", {"reason": reason}, status=403)
    team_id = membership.team_id
    form = ActivityFilterForm(request.GET, actor_labels=history.team_actor_labels(team_id))
    page = None
    if form.is_valid():
        filters = form.cleaned_data
        events = history.team_events(
            team_id,
            actor_label=filters["actor"],
            action=filters["action"],
            object_type=filters["object_type"],
            date_from=filters["date_from"],
            date_to=filters["date_to"],
        )
        page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "entries": history.entries(page.object_list, diffs=False, team_id=team_id) if page else [],
        "membership": membership,
        "query": _without_page(request),
    }
    template = "reviews/activity.html"
    if _fragment(request):
        template += "#activity-rows"
    return render(request, template, context)
