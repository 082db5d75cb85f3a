"""Claim assistance pages: suggestions in the reader, linked claims in the panel, the source graph."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from reviews import services
from reviews.detect.graph import ArticleChains, build_graph, layout
from reviews.forms import DismissSuggestionForm
from reviews.models import Article, Suggestion
from reviews.services import assist
from reviews.teams import current_membership
from reviews.views import (
    CLAIMS_CHANGED,
    HtmxHttpRequest,
    _after_claim_change,
    _claim_url,
    _get_article_for_user,
    _get_claim_for_user,
    _panel_response,
    _refusal_response,
)


def _get_suggestion_for_user(request: HtmxHttpRequest, pk: int) -> Suggestion:
    suggestions = Suggestion.objects.filter(article__team__memberships__user=request.user)
    return get_object_or_404(suggestions.select_related("article__team"), pk=pk)


def _article_changed(request: HtmxHttpRequest, article: Article, message: str, ok: bool = True) -> HttpResponse:
    """After a change to the article's suggestions: htmx reloads the article body; a plain post goes back."""
    if request.htmx:
        response = HttpResponse(status=204)
        trigger_client_event(response, CLAIMS_CHANGED, {"claim": None, "message": message})
        return response
    (messages.success if ok else messages.error)(request, message)
    return redirect("reviews:article-detail", pk=article.pk)


@login_required
@require_POST
def article_suggest(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = _get_article_for_user(request, pk)
    try:
        created = assist.suggest_claims(article=article, user=request.user)
    except services.ActionRefused as exc:
        return _article_changed(request, article, str(exc), ok=False)
    return _article_changed(request, article, f"{created} new suggestion{'s' if created != 1 else ''}.")


@login_required
@require_POST
def suggestion_accept(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    suggestion = _get_suggestion_for_user(request, pk)
    try:
        claim = assist.accept_suggestion(user=request.user, suggestion=suggestion)
    except services.ActionRefused as exc:
        return _suggestion_refused(request, suggestion, str(exc))
    claim = _get_claim_for_user(request, claim.pk)
    if request.htmx:
        return _panel_response(request, claim, changed=True)
    messages.success(request, "Suggestion accepted as a claim.")
    return HttpResponseRedirect(_claim_url(claim))


@login_required
@require_POST
def suggestion_dismiss(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    suggestion = _get_suggestion_for_user(request, pk)
    form = DismissSuggestionForm(request.POST)
    if not form.is_valid():
        errors = " ".join(message for field in form.errors.values() for message in field)
        return _suggestion_refused(request, suggestion, errors)
    try:
        assist.dismiss_suggestion(
            user=request.user,
            suggestion=suggestion,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except services.ActionRefused as exc:
        return _suggestion_refused(request, suggestion, str(exc))
    return _article_changed(request, suggestion.article, "Suggestion dismissed.")


def _suggestion_refused(request: HtmxHttpRequest, suggestion: Suggestion, message: str) -> HttpResponse:
    if request.htmx:
        response = render(request, "reviews/article_detail.html#suggestion-error", {"suggestion_error": message})
        return reswap(retarget(response, f"#suggestion-error-{suggestion.pk}"), "innerHTML")
    messages.error(request, message)
    return redirect("reviews:article-detail", pk=suggestion.article_id)


@login_required
@require_POST
def claim_unlink(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk)
    try:
        assist.unlink_claim(user=request.user, claim=claim)
    except services.ActionRefused as exc:
        return _refusal_response(request, claim, exc)
    return _after_claim_change(request, claim, "The claim is no longer linked to the others.")


@login_required
@require_POST
def claim_adopt(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = _get_claim_for_user(request, pk)
    source_pk = request.POST.get("source", "")
    if not (source_pk.isascii() and source_pk.isdigit()):
        return _refusal_response(request, claim, services.ActionRefused("Say which claim's verdict to adopt."))
    source = _get_claim_for_user(request, int(source_pk))
    try:
        assist.adopt_verdict(user=request.user, claim=claim, source=source)
    except services.ActionRefused as exc:
        return _refusal_response(request, claim, exc)
    return _after_claim_change(request, claim, "Verdict adopted and submitted for moderation.")


# --- the source graph -------------------------------------------------------------------------------


def _article_chains(articles: list[Article]) -> list[ArticleChains]:
    """Each article's attribution chains, from its suggestions that nobody dismissed."""
    chains: dict[int, list[list[dict]]] = {article.pk: [] for article in articles}
    rows = (
        Suggestion.objects.filter(article__in=articles, kind=Suggestion.Kind.ATTRIBUTION)
        .exclude(status=Suggestion.Status.DISMISSED)
        .order_by("article_id", "start")
        .values_list("article_id", "details")
    )
    for article_id, details in rows:
        if details.get("hops"):
            chains[article_id].append(details["hops"])
    return [
        ArticleChains(
            article_id=article.pk,
            label=article.title,
            outlet=article.outlet.name if article.outlet else "",
            chains=chains[article.pk],
        )
        for article in articles
    ]


def _graph_context(articles: list[Article], chains: list[ArticleChains] | None = None) -> dict:
    graph = build_graph(chains if chains is not None else _article_chains(articles))
    single = set(graph.single_source_articles())
    return {
        "picture": layout(graph),
        "cycles": graph.cycles(),
        "single_source": [
            (article, ", ".join(node.label for node in graph.origins(article.pk)))
            for article in articles
            if article.pk in single
        ],
    }


@login_required
@require_GET
def article_sources(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The article's sources as a picture; with ?claim=<id>, only the chains of that claim's sentence."""
    article = _get_article_for_user(request, pk)
    claim_id = request.GET.get("claim", "")
    claim = None
    if claim_id.isascii() and claim_id.isdigit():
        claim = article.claims.filter(pk=claim_id).first()
    chains = None
    if claim is not None:
        claim.article = article
        outlet = article.outlet.name if article.outlet else ""
        chains = [ArticleChains(article.pk, article.title, outlet, assist.claim_chains(claim))]
    context = {"article": article, "claim": claim, "scope": "article", **_graph_context([article], chains)}
    return render(request, "reviews/sources.html", context)


@login_required
@require_GET
def team_sources(request: HtmxHttpRequest) -> HttpResponse:
    membership = current_membership(request)
    if membership is None:
        return render(request, "reviews/forbidden.html", {"reason": "You are not in a team yet."}, status=403)
    articles = list(Article.objects.filter(team=membership.team).select_related("outlet").order_by("title"))
    context = {"membership": membership, "scope": "team", "articles": articles, **_graph_context(articles)}
    return render(request, "reviews/sources.html", context)
