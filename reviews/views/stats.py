"""Agreement statistics for a team and for one article: moderators and owners only.

A reviewer could otherwise learn how the others voted on a claim they have not reviewed yet, which
would end independent review.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reviews import agreement
from reviews.models import Membership
from reviews.teams import current_membership, user_memberships
from reviews.views import HtmxHttpRequest, _get_article_for_user


def _forbidden(request: HtmxHttpRequest, membership: Membership | None) -> HttpResponse:
    if membership is None:
        reason = "You are not a member of any team yet, so there are no statistics to show."
    else:
        reason = (
            "Only moderators and owners see agreement statistics: they show how reviewers voted on claims "
            "you may not have reviewed yet."
        )
    return render(request, "reviews/forbidden.html", {"reason": reason}, status=403)


def _basis(request: HtmxHttpRequest) -> str:
    basis = request.GET.get("basis", "")
    return basis if basis in agreement.BASES else agreement.DEFAULT_BASIS


@login_required
@require_GET
def team_stats(request: HtmxHttpRequest) -> HttpResponse:
    membership = current_membership(request)
    if membership is None or not membership.decides:
        return _forbidden(request, membership)
    report = agreement.report(membership.team_id, basis=_basis(request))
    return render(request, "reviews/stats.html", {"report": report, "team": membership.team, "article": None})


@login_required
@require_GET
def article_stats(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = _get_article_for_user(request, pk)
    # The article's own team decides, whichever team the user is working in right now.
    membership = next((m for m in user_memberships(request) if m.team_id == article.team_id), None)
    if membership is None or not membership.decides:
        return _forbidden(request, membership)
    report = agreement.report(article.team_id, article_id=article.pk, basis=_basis(request))
    return render(request, "reviews/stats.html", {"report": report, "team": article.team, "article": article})
