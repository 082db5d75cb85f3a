"""The review domain: teams, articles, claims, reviews, evidence and the audit trail.

Models hold data and read filters (QuerySet methods). Every change of state goes through a function
in `reviews.services`; the audit trail is written by `reviews.audit` whenever an audited model is
saved or deleted, whichever door the change came through.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Count, Q
from django.utils import timezone

from reviews.audit import Audited, AuditedQuerySet

PREFIX_SUFFIX_LENGTH = 32
MAX_RATIONALE_LENGTH = 10_000
MAX_EXCERPT_LENGTH = 5_000
MAX_REASON_LENGTH = 1_000
MAX_COMMENT_LENGTH = 4_000


class Role(models.TextChoices):
    REVIEWER = "reviewer", "Reviewer"
    MODERATOR = "moderator", "Moderator"
    OWNER = "owner", "Owner"


# Who decides on verdicts, assigns work and sees every reviewer's verdict.
DECIDING_ROLES = (Role.MODERATOR, Role.OWNER)


class Team(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(AuditedQuerySet):
    def for_user(self, user) -> MembershipQuerySet:
        return self.filter(user=user).select_related("team")


class Membership(Audited):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REVIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="membership_unique_user_team")]
        ordering = ["team__name", "user__username"]

    @property
    def decides(self) -> bool:
        return self.role in DECIDING_ROLES

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.get_role_display()})"


class Outlet(models.Model):
    """A publisher, agency or aggregator. Shared by all teams: it is a fact about the world."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(Audited):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=50)
    colour = models.CharField(
        max_length=7,
        default="#ffd54f",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Give the colour as #rrggbb.")],
        help_text="Highlight colour, #rrggbb",
    )
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "slug"], name="category_unique_team_slug")]
        ordering = ["team", "position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Rating(Audited):
    """One label of a team's ordered rating scale, mapped to schema.org ClaimReview reviewRating."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="ratings")
    label = models.CharField(max_length=50)
    slug = models.SlugField(max_length=50)
    value = models.SmallIntegerField(help_text="Higher is more accurate; unscored labels use 0")
    is_scored = models.BooleanField(
        default=True, help_text="Unscored labels (e.g. unverifiable) sit outside best/worst rating"
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "slug"], name="rating_unique_team_slug")]
        ordering = ["team", "-is_scored", "-value"]

    def __str__(self) -> str:
        return self.label

    def review_rating(self) -> dict:
        """schema.org ClaimReview `reviewRating`: this label on the team's scale of scored values.

        An unscored label (e.g. unverifiable) keeps the scale's best and worst but has no
        ratingValue inside it, so consumers read only its alternateName.
        """
        values = Rating.objects.filter(team_id=self.team_id, is_scored=True).aggregate(
            best=models.Max("value"), worst=models.Min("value")
        )
        rating = {"@type": "Rating", "alternateName": self.label}
        if values["best"] is not None:
            rating.update(bestRating=values["best"], worstRating=values["worst"])
        if self.is_scored:
            rating["ratingValue"] = self.value
        return rating


class ArticleQuerySet(AuditedQuerySet):
    def for_user(self, user) -> ArticleQuerySet:
        return self.filter(team__memberships__user=user)

    def search(self, text: str) -> ArticleQuerySet:
        """Title or text containing the words; on PostgreSQL also English full-text matches (stems)."""
        text = text.strip()
        if not text:
            return self
        matches = Q(title__icontains=text) | Q(body__icontains=text)
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            vector = SearchVector("title", weight="A", config="english") + SearchVector("body", config="english")
            return self.alias(_search=vector).filter(
                matches | Q(_search=SearchQuery(text, config="english", search_type="websearch"))
            )
        return self.filter(matches)

    def with_progress(self, user) -> ArticleQuerySet:
        return self.annotate(
            claim_count=Count("claims", distinct=True),
            my_review_count=Count(
                "claims__reviews",
                filter=Q(claims__reviews__reviewer=user, claims__reviews__rating__isnull=False),
                distinct=True,
            ),
        )


class Article(Audited):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(max_length=300)
    body = models.TextField(help_text="Exactly as imported; never rewritten once a claim points into it")
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    source = models.CharField(max_length=500, blank=True, help_text="File name or URL it came from")
    published_on = models.DateField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "content_hash"], name="article_unique_team_content"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ClaimQuerySet(AuditedQuerySet):
    def for_user(self, user) -> ClaimQuerySet:
        return self.filter(article__team__memberships__user=user)

    def for_team(self, team_id: int) -> ClaimQuerySet:
        return self.filter(article__team_id=team_id)

    def disputed(self) -> ClaimQuerySet:
        return self.filter(status=Claim.Status.DISPUTED)


class Claim(Audited):
    """A span of an article's body: code-point offsets plus the W3C TextQuoteSelector triple."""

    class Origin(models.TextChoices):
        MANUAL = "manual", "Marked by hand"
        SUGGESTED = "suggested", "Suggested by the detector"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_REVIEW = "in_review", "In review"
        DISPUTED = "disputed", "Disputed"
        FINAL = "final", "Final"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    prefix = models.CharField(max_length=PREFIX_SUFFIX_LENGTH, blank=True)
    suffix = models.CharField(max_length=PREFIX_SUFFIX_LENGTH, blank=True)
    # RESTRICT: a category in use cannot be deleted, but deleting the whole team cascades through it.
    category = models.ForeignKey(Category, on_delete=models.RESTRICT, related_name="claims")
    note = models.CharField(max_length=500, blank=True)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.MANUAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="claims_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The team's decision. Set only by reviews.services.moderation; `version` goes up with every change
    # of status, so a form shown before someone else acted is recognised as stale.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    final_rating = models.ForeignKey(
        Rating, null=True, blank=True, on_delete=models.RESTRICT, related_name="+", verbose_name="final verdict"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=MAX_REASON_LENGTH, blank=True)
    version = models.PositiveIntegerField(default=0)
    # Claim assistance (reviews.services.assist): the same claim in other articles, and the figure it states.
    cluster = models.ForeignKey(
        "ClaimCluster", null=True, blank=True, on_delete=models.SET_NULL, related_name="claims", editable=False
    )
    match_key = models.TextField(blank=True, editable=False, help_text="Content terms of the claim's sentence")
    figure = models.JSONField(null=True, blank=True, editable=False, help_text="The figure it states, normalised")

    objects = ClaimQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "start", "end", "category"], name="claim_unique_span"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="claim_span_not_empty"),
        ]
        ordering = ["article", "start", "end", "id"]

    def audit_team_id(self) -> int | None:
        return self.article.team_id

    def __str__(self) -> str:
        quote = self.quote if len(self.quote) <= 60 else self.quote[:59] + "…"
        return f"“{quote}”"


class ClaimCluster(Audited):
    """Claims in different articles that state the same thing (syndicated copies, paraphrases)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="clusters")
    created_at = models.DateTimeField(auto_now_add=True)
    figures_disagree = models.BooleanField(
        default=False, help_text="Members state different figures for the same thing"
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Claim cluster #{self.pk}"


class SuggestionQuerySet(AuditedQuerySet):
    def for_team(self, team_id: int) -> SuggestionQuerySet:
        return self.filter(article__team_id=team_id)

    def pending(self) -> SuggestionQuerySet:
        return self.filter(status=Suggestion.Status.PENDING)


class Suggestion(Audited):
    """A candidate claim the detector found. A person accepts it (it becomes a claim) or dismisses it."""

    class Kind(models.TextChoices):
        CASUALTY = "casualty", "Casualty figure"
        GENEVA = "geneva", "Geneva Convention concern"
        ATTRIBUTION = "attribution", "Attribution"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    details = models.JSONField(default=dict, blank=True, help_text="figure, source, attribution hops")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=MAX_REASON_LENGTH, blank=True)
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=0)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "start", "end", "kind"], name="suggestion_unique_span"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="suggestion_span_not_empty"),
        ]
        ordering = ["article", "start", "end", "id"]

    def audit_team_id(self) -> int | None:
        return self.article.team_id

    def __str__(self) -> str:
        quote = self.quote if len(self.quote) <= 60 else self.quote[:59] + "…"
        return f"{self.get_kind_display()}: “{quote}”"

    @property
    def summary(self) -> str:
        """What the detector read in the span, in words: the figure, or the chain of sources."""
        from reviews.detect.figures import Figure

        details = self.details or {}
        if details.get("figure"):
            return Figure(**details["figure"]).describe()
        if details.get("hops"):
            return "this article ← " + " ← ".join(hop["name"] for hop in details["hops"])
        return ""  # a source without a chain is a pronoun or a bare reporting verb: nothing to add


class ReviewQuerySet(AuditedQuerySet):
    def for_team(self, team_id: int) -> ReviewQuerySet:
        return self.filter(claim__article__team_id=team_id)

    def counted(self) -> ReviewQuerySet:
        """Verdicts that stand for their reviewer: submitted or approved, with a rating."""
        return self.filter(state__in=COUNTED_STATES, rating__isnull=False)

    def awaiting_decision(self) -> ReviewQuerySet:
        """Submitted reviews a moderator should decide on: not part of a dispute, not on a final claim."""
        return self.filter(state=Review.State.SUBMITTED).exclude(
            claim__status__in=[Claim.Status.DISPUTED, Claim.Status.FINAL]
        )


class Review(Audited):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        REJECTED = "rejected", "Rejected"

    class Confidence(models.IntegerChoices):
        LOW = 1, "Low"
        MEDIUM = 2, "Medium"
        HIGH = 3, "High"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    rating = models.ForeignKey(Rating, null=True, blank=True, on_delete=models.RESTRICT, related_name="reviews")
    rationale = models.TextField(blank=True)
    confidence = models.PositiveSmallIntegerField(choices=Confidence.choices, default=Confidence.MEDIUM)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="When it was last submitted")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=MAX_REASON_LENGTH, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "reviewer"], name="review_unique_claim_reviewer")]
        ordering = ["claim", "created_at", "id"]
        indexes = [models.Index(fields=["state", "submitted_at"], name="review_state_submitted_idx")]

    def audit_team_id(self) -> int | None:
        return self.claim.article.team_id

    def __str__(self) -> str:
        return f"Review #{self.pk} by user #{self.reviewer_id} on claim #{self.claim_id}"


class Evidence(Audited):
    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        REFUTES = "refutes", "Refutes"
        CONTEXT = "context", "Context"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(max_length=2000, blank=True)
    document_ref = models.CharField(max_length=300, blank=True, help_text="A document that is not on the web")
    excerpt = models.TextField(blank=True)
    stance = models.CharField(max_length=20, choices=Stance.choices, default=Stance.CONTEXT)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["review", "added_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(condition=~Q(url="") | ~Q(document_ref=""), name="evidence_has_url_or_document"),
        ]

    def audit_team_id(self) -> int | None:
        return self.review.claim.article.team_id

    def __str__(self) -> str:
        return self.url or self.document_ref


# Verdicts that count: they stand for their reviewer in disputes and agreement.
COUNTED_STATES = (Review.State.SUBMITTED, Review.State.APPROVED)
# A reviewer is done with a claim once their review reached one of these; changes requested puts it back.
DONE_STATES = (Review.State.SUBMITTED, Review.State.APPROVED, Review.State.REJECTED)


class AssignmentQuerySet(AuditedQuerySet):
    def for_team(self, team_id: int) -> AssignmentQuerySet:
        return self.filter(team_id=team_id)

    def open_for(self, user, team_id: int) -> list[Assignment]:
        """The user's assignments in the team that still wait for a submitted review, oldest first.

        A claim assignment is open until the user's review of it is submitted (or decided); an
        article assignment while the article has no claims yet or a claim the user has not done.
        Each comes with `claim_total` and `claims_done` (its article's claims, and those done).

        The navigation counts these on every page, so this is one plain query when the user has
        no assignments and three otherwise, whatever the number of rows.
        """
        assignments = list(
            self.filter(team_id=team_id, assignee=user)
            .select_related("article", "claim", "assigned_by")
            .order_by("created_at", "id")
        )
        if not assignments:
            return []
        article_ids = {a.article_id for a in assignments}
        claims_of: dict[int, set[int]] = {}
        for article_id, claim_id in Claim.objects.filter(article_id__in=article_ids).values_list("article_id", "pk"):
            claims_of.setdefault(article_id, set()).add(claim_id)
        done = set(
            Review.objects.filter(reviewer=user, state__in=DONE_STATES, claim__article_id__in=article_ids).values_list(
                "claim_id", flat=True
            )
        )
        still_open = []
        for assignment in assignments:
            claims = claims_of.get(assignment.article_id, set())
            assignment.claim_total, assignment.claims_done = len(claims), len(claims & done)
            if assignment.claim_id is not None:
                is_open = assignment.claim_id not in done
            else:
                is_open = not claims or assignment.claims_done < len(claims)
            if is_open:
                still_open.append(assignment)
        return still_open


class Assignment(Audited):
    """A moderator asks a reviewer to review an article (all its claims) or a single claim."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="assignments")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="assignments")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "assignee"], condition=Q(claim__isnull=True), name="assignment_unique_article"
            ),
            models.UniqueConstraint(
                fields=["claim", "assignee"], condition=Q(claim__isnull=False), name="assignment_unique_claim"
            ),
        ]

    def __str__(self) -> str:
        what = f"claim #{self.claim_id}" if self.claim_id else f"article #{self.article_id}"
        return f"{what} for user #{self.assignee_id}"


class Comment(Audited):
    """A note on a claim for the team's discussion."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "created_at", "id"]

    def audit_team_id(self) -> int | None:
        return self.claim.article.team_id

    def __str__(self) -> str:
        text = " ".join(self.body.split())
        return text if len(text) <= 60 else text[:59] + "…"


def status_changes_by_others(user) -> Q:
    """Claim status changes someone else caused: a reviewer who has not submitted yet must not see
    them, since they tell who reviewed the claim and whether the verdicts disagree."""
    return Q(action=AuditEvent.Action.UPDATE, after__has_key="status") & ~Q(actor_id=user.pk)


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))

    def for_claim(self, claim: Claim, review: Review | None, blind_for=None) -> AuditEventQuerySet:
        """The claim's own history, plus the given review's and its evidence's (removed evidence too).

        With `blind_for` (a reviewer who has not submitted yet), status changes that others' verdicts
        caused are left out: they would tell who reviewed the claim and whether they disagree.
        """
        wanted = Q(object_type="reviews.claim", object_id=str(claim.pk))
        if blind_for is not None:
            wanted &= ~status_changes_by_others(blind_for)
        if review is not None:
            wanted |= Q(object_type="reviews.review", object_id=str(review.pk))
            # Updates record only changed fields, so evidence is found by the review its creation names.
            created_here = self.filter(
                object_type="reviews.evidence", action=AuditEvent.Action.CREATE, after__review_id=review.pk
            ).values("object_id")
            wanted |= Q(object_type="reviews.evidence", object_id__in=created_here)
        return self.filter(wanted)


_BOOKKEEPING = {"updated_at", "version", "status_changed_at", "decided_at", "submitted_at"}


class AuditEvent(models.Model):
    """One change to an audited object. Rows are only ever inserted."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    # The chain (reviews/chain.py): gapless sequence, the previous event's hash and this one's. On
    # PostgreSQL the database fills them in whatever the insert says; on SQLite reviews.audit seals.
    seq = models.BigIntegerField(unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    # No database constraint and no cascade: deleting a user or a team never touches audit rows.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, help_text="user:<name> or system:<command>")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    _NAMES = {
        "reviews.article": "the article",
        "reviews.claim": "the claim",
        "reviews.review": "a verdict",
        "reviews.evidence": "evidence",
        "reviews.comment": "a comment",
        "reviews.assignment": "an assignment",
        "reviews.membership": "a membership",
        "reviews.category": "a category",
        "reviews.rating": "a rating label",
    }
    _VERBS = {"create": "added", "update": "changed", "delete": "removed"}

    def describe(self) -> str:
        """The event in words, e.g. "rita changed rating, rationale of a verdict"."""
        who = self.actor_label.removeprefix("user:")
        what = self._NAMES.get(self.object_type, self.object_type)
        because = f": {self.reason}" if self.reason else ""
        if self.action == self.Action.UPDATE and self.after:
            # A workflow step reads as the step, e.g. "mona moved a verdict to changes requested: …".
            step = self.after.get("state") or self.after.get("status")
            if step:
                return f"{who} moved {what} to {step.replace('_', ' ')}{because}"
            fields = [name.removesuffix("_id").replace("_", " ") for name in self.after if name not in _BOOKKEEPING]
            return f"{who} changed {', '.join(fields)} of {what}{because}"
        return f"{who} {self._VERBS.get(self.action, self.action)} {what}{because}"
