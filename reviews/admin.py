"""The Django admin, for staff. Every change goes through the same services as the pages.

A service that refuses raises ActionRefused; `ServiceAdmin` turns that into an error message and
leaves everything as it was (the admin's own transaction rolls back).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponseRedirect

from reviews import services
from reviews.audit import within_team
from reviews.forms import EvidenceForm
from reviews.models import (
    DECIDING_ROLES,
    Article,
    Assignment,
    AuditEvent,
    Category,
    Claim,
    ClaimCluster,
    Comment,
    Evidence,
    Membership,
    Outlet,
    Rating,
    Review,
    Role,
    Suggestion,
    Team,
)
from reviews.services import assist

EVIDENCE_FIELDS = ["url", "document_ref", "excerpt", "stance"]


def _record_formset_changes(formset, *, new: list, changed: list, deleted: list) -> None:
    """What formset.save() would have noted, for the admin's change message; the services saved."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = new, changed, deleted


class TeamScopedAdmin(admin.ModelAdmin):
    """Staff who are not superusers see only their own teams' rows (`team_path` leads to the team)."""

    team_path = "team"
    reviewer_path = ""  # set where reviews are independent: reviewers see only their own rows

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        queryset = queryset.filter(**{f"{self.team_path}__memberships__user": user})
        if self.reviewer_path:
            deciding = Team.objects.filter(memberships__user=user, memberships__role__in=DECIDING_ROLES)
            queryset = queryset.filter(Q(**{self.reviewer_path: user}) | Q(**{f"{self.team_path}__in": deciding}))
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "team" and not request.user.is_superuser:
            kwargs["queryset"] = Team.objects.filter(memberships__user=request.user, memberships__role=Role.OWNER)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CascadesThroughReviews:
    """Deleting this removes reviews, evidence and suggestions with it, through the services' own checks.

    Their admins refuse deleting those on their own, which Django would otherwise read as "no
    permission" for any delete that cascades to them.
    """

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed -= {str(model._meta.verbose_name) for model in (Review, Evidence, Suggestion, ClaimCluster)}
        return deleted, counts, perms_needed, protected


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Who belongs to which team is for superusers: anyone else could make themselves an owner."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class ServiceAdmin(TeamScopedAdmin):
    def _refusal(self, request: HttpRequest, exc: services.ActionRefused) -> HttpResponseRedirect:
        self.message_user(request, f"Nothing was changed: {exc}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.ActionRefused as exc:
            return self._refusal(request, exc)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except services.ActionRefused as exc:
            return self._refusal(request, exc)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except services.ActionRefused as exc:
            return self._refusal(request, exc)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0


@admin.register(Team)
class TeamAdmin(CascadesThroughReviews, SuperuserOnlyAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, CategoryInline, RatingInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.seed_team_defaults(obj)

    def delete_model(self, request, obj):
        with within_team(obj.pk):
            obj.delete()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for team in queryset:
                self.delete_model(request, team)


@admin.register(Membership)
class MembershipAdmin(SuperuserOnlyAdmin):
    list_display = ["user", "team", "role", "created_at"]
    list_filter = ["team", "role"]
    search_fields = ["user__username", "team__name"]
    autocomplete_fields = ["user"]


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(TeamScopedAdmin):
    list_display = ["name", "team", "colour", "position"]
    list_filter = [("team", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug"]


@admin.register(Rating)
class RatingAdmin(TeamScopedAdmin):
    list_display = ["label", "team", "value", "is_scored"]
    list_filter = [("team", admin.RelatedOnlyFieldListFilter), "is_scored"]
    search_fields = ["label", "slug"]


class ClaimInline(admin.TabularInline):
    model = Claim
    extra = 0
    fields = ["quote", "category", "start", "end", "origin", "created_by"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # a claim is a selected span: tag it in the reader or the claim admin


class ArticleAdminForm(forms.ModelForm):
    # Not stripped: the body is stored exactly; only the browser's line endings are normalised.
    body = forms.CharField(widget=forms.Textarea, strip=False)
    title = forms.CharField(max_length=300, required=False, help_text="Left empty: derived from the text")
    outlet_name = forms.CharField(max_length=200, required=False, label="Outlet")

    class Meta:
        model = Article
        fields = ["team", "title", "body", "source"]

    def clean_body(self) -> str:
        return self.cleaned_data["body"].replace("\r\n", "\n").replace("\r", "\n")


@admin.register(Article)
class ArticleAdmin(CascadesThroughReviews, ServiceAdmin):
    form = ArticleAdminForm
    list_display = ["title", "team", "outlet", "claim_count", "created_at"]
    list_filter = [("team", admin.RelatedOnlyFieldListFilter), ("outlet", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "body", "source"]
    readonly_fields = ["content_hash", "imported_by", "created_at"]
    inlines = [ClaimInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team", "outlet").annotate(_claims=Count("claims"))

    @admin.display(description="Claims", ordering="_claims")
    def claim_count(self, obj: Article) -> int:
        return obj._claims

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("team")
            if obj.claims.exists():
                fields.append("body")  # claims point into it
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.outlet:
            form.base_fields["outlet_name"].initial = obj.outlet.name
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            result = services.import_article(
                team=data["team"],
                data=data["body"].encode("utf-8"),
                source=data["source"],
                actor=request.user,
                title=data["title"],
                outlet_name=data["outlet_name"],
            )
            if result.status != "imported":
                raise services.ActionRefused(result.message)
            article = result.article
        else:
            article = services.update_article(
                user=request.user,
                article=Article.objects.get(pk=obj.pk),
                title=data["title"] or obj.title,
                outlet_name=data["outlet_name"],
                source=data["source"],
                body=data.get("body"),
            )
        obj.pk = article.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        for formset in formsets:  # the claim inline only deletes, through the service
            removed = [deleted.instance for deleted in formset.deleted_forms if deleted.instance.pk]
            for claim in removed:
                services.delete_claim(user=request.user, claim=claim)
            _record_formset_changes(formset, new=[], changed=[], deleted=removed)

    def delete_model(self, request, obj):
        services.delete_article(user=request.user, article=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # all or nothing: admin actions run outside the admin's transaction
            for article in queryset:
                services.delete_article(user=request.user, article=article)


class ClaimAdminForm(forms.ModelForm):
    class Meta:
        model = Claim
        fields = ["article", "start", "end", "category", "note"]


@admin.register(Claim)
class ClaimAdmin(CascadesThroughReviews, ServiceAdmin):
    form = ClaimAdminForm
    list_display = ["__str__", "article", "category", "status", "final_rating", "decided_by", "created_at"]
    list_filter = [
        "status",
        ("category", admin.RelatedOnlyFieldListFilter),
        "origin",
        ("article__team", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["quote", "note", "article__title"]
    list_select_related = ["article", "category", "created_by", "final_rating", "decided_by"]
    autocomplete_fields = ["article"]
    # The decision is made in the reader or the moderation queue, through the workflow's services.
    readonly_fields = ["status", "final_rating", "decided_by", "decided_at", "decision_reason"]

    team_path = "article__team"

    def has_change_permission(self, request, obj=None) -> bool:
        # A claim's span is fixed once marked; it can be viewed, added and removed.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        claim = services.tag_claim(
            user=request.user,
            article=data["article"],
            start=data["start"],
            end=data["end"],
            category=data["category"],
            note=data["note"],
        )
        obj.pk = claim.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.delete_claim(user=request.user, claim=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # all or nothing: admin actions run outside the admin's transaction
            for claim in queryset.select_related("article__team"):
                services.delete_claim(user=request.user, claim=claim)


class EvidenceInlineForm(EvidenceForm):
    def clean(self):  # an untouched extra row is not an error
        if not self.has_changed():
            return self.cleaned_data
        return super().clean()


class EvidenceInline(admin.StackedInline):
    model = Evidence
    form = EvidenceInlineForm
    extra = 0
    fields = ["url", "document_ref", "excerpt", "stance", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]


class ReviewAdminForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["claim", "rating", "rationale", "confidence"]


@admin.register(Review)
class ReviewAdmin(ServiceAdmin):
    form = ReviewAdminForm
    list_display = ["__str__", "reviewer", "rating", "confidence", "state", "decided_by", "updated_at"]
    actions = ["approve_selected"]
    list_filter = [
        "state",
        ("rating", admin.RelatedOnlyFieldListFilter),
        "confidence",
        ("claim__article__team", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["rationale", "reviewer__username", "claim__quote"]
    list_select_related = ["reviewer", "rating", "claim"]
    readonly_fields = [
        "reviewer",
        "state",
        "submitted_at",
        "decided_by",
        "decided_at",
        "decision_reason",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["claim"]
    inlines = [EvidenceInline]

    team_path = "claim__article__team"
    reviewer_path = "reviewer"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["claim"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change and obj.reviewer_id != request.user.pk:
            raise services.ActionRefused("you can change only your own reviews and evidence")
        claim = obj.claim if change else data["claim"]
        review = services.save_review(
            user=request.user,
            claim=claim,
            rating=data["rating"],
            rationale=data["rationale"],
            confidence=data["confidence"],
        )
        obj.pk = review.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        review = form.instance
        for formset in formsets:
            new, changed, deleted = [], [], []
            for inline_form in formset.forms:
                instance = inline_form.instance
                if inline_form in formset.deleted_forms:
                    if instance.pk:
                        services.remove_evidence(user=request.user, evidence=instance)
                        deleted.append(instance)
                    continue
                if not inline_form.has_changed():
                    continue
                fields = {name: inline_form.cleaned_data.get(name, "") for name in EVIDENCE_FIELDS}
                if instance.pk:
                    stored = Evidence.objects.select_related("review__claim__article").get(pk=instance.pk)
                    updated = services.update_evidence(user=request.user, evidence=stored, **fields)
                    changed.append((updated, inline_form.changed_data))
                else:
                    new.append(services.add_evidence(user=request.user, review=review, **fields))
            _record_formset_changes(formset, new=new, changed=changed, deleted=deleted)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a verdict is withdrawn by clearing its rating, never erased

    @admin.action(description="Approve selected submitted reviews")
    def approve_selected(self, request, queryset):
        with transaction.atomic():  # all or nothing, under the same four-eyes rule as the pages
            for review in queryset.select_related("claim__article__team"):
                services.decide_review(user=request.user, review=review, action="approve")
        self.message_user(request, f"Approved {len(queryset)} reviews.", messages.SUCCESS)


@admin.register(Evidence)
class EvidenceAdmin(TeamScopedAdmin):
    team_path = "review__claim__article__team"
    reviewer_path = "review__reviewer"

    list_display = ["__str__", "stance", "added_by", "added_at"]
    list_filter = ["stance"]
    search_fields = ["url", "document_ref", "excerpt"]
    list_select_related = ["added_by"]

    def has_add_permission(self, request) -> bool:
        return False  # evidence belongs to a review: edit it there

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(TeamScopedAdmin):
    list_display = ["id", "at", "actor_label", "action", "object_type", "object_id", "object_repr", "request_id"]
    list_filter = ["action", "object_type", ("team", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["actor_label", "object_id", "object_repr", "request_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assignment)
class AssignmentAdmin(ServiceAdmin):
    list_display = ["__str__", "assignee", "article", "claim", "assigned_by", "created_at"]
    list_filter = [("team", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["assignee__username", "article__title"]
    list_select_related = ["assignee", "article", "claim", "assigned_by"]

    def has_add_permission(self, request) -> bool:
        return False  # assign in the reader, where the article and claim are at hand

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj):
        services.unassign(user=request.user, assignment=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for assignment in queryset.select_related("team"):
                services.unassign(user=request.user, assignment=assignment)


@admin.register(Comment)
class CommentAdmin(TeamScopedAdmin):
    team_path = "claim__article__team"
    list_display = ["__str__", "author", "claim", "created_at"]
    search_fields = ["body", "author__username"]
    list_select_related = ["author", "claim"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the discussion is part of the record


@admin.register(Suggestion)
class SuggestionAdmin(ServiceAdmin):
    """The detector's suggestions: accepted in bulk through the same service as in the reader; dismiss there."""

    team_path = "article__team"
    list_display = ["__str__", "kind", "status", "article", "decided_by", "decided_at"]
    list_filter = ["kind", "status"]
    search_fields = ["quote", "article__title"]
    list_select_related = ["article", "decided_by"]
    readonly_fields = ["article", "start", "end", "quote", "kind", "details", "status", "decided_by", "decided_at"]
    readonly_fields += ["reason", "claim", "created_at"]
    actions = ["accept_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a dismissal needs a reason; give it in the reader

    @admin.action(description="Accept selected suggestions as claims")
    def accept_selected(self, request, queryset):
        with transaction.atomic():  # all or nothing, as in the other admin actions
            accepted = [
                assist.accept_suggestion(user=request.user, suggestion=suggestion)
                for suggestion in queryset.select_related("article__team")
            ]
        self.message_user(request, f"{len(accepted)} suggestion(s) accepted as claims.", messages.SUCCESS)


@admin.register(ClaimCluster)
class ClaimClusterAdmin(TeamScopedAdmin):
    list_display = ["__str__", "team", "created_at"]
    search_fields = ["claims__quote"]
    list_filter = [("team", admin.RelatedOnlyFieldListFilter)]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # unlink claims in the reader
