from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator, URLValidator

from reviews.models import (
    MAX_COMMENT_LENGTH,
    MAX_EXCERPT_LENGTH,
    MAX_RATIONALE_LENGTH,
    MAX_REASON_LENGTH,
    Category,
    Claim,
    Evidence,
    Rating,
    Review,
    Role,
    Team,
)

MAX_QUOTE_LENGTH = 20_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once. An empty file is not an error here: the importer reports it per file."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = [item for item in data if item] if isinstance(data, list | tuple) else ([data] if data else [])
        if not items and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label="Article files (.txt)",
        widget=MultipleFileInput(attrs={"accept": ".txt,text/plain", "multiple": True}),
    )


class TagClaimForm(forms.Form):
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quote = forms.CharField(max_length=MAX_QUOTE_LENGTH, strip=False, required=False, widget=forms.HiddenInput)
    category = forms.ModelChoiceField(queryset=Category.objects.none(), empty_label=None)
    note = forms.CharField(
        max_length=500, required=False, widget=forms.TextInput(attrs={"placeholder": "Optional note"})
    )

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(team=team)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end <= start:
            raise forms.ValidationError("Select some text first: the span is empty.")
        if not cleaned.get("quote"):
            cleaned["quote"] = None  # a plain form without the selected text: offsets alone
        return cleaned


class ReviewForm(forms.ModelForm):
    rating = forms.ModelChoiceField(queryset=Rating.objects.none(), required=False, empty_label="— no verdict yet —")
    rationale = forms.CharField(
        max_length=MAX_RATIONALE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "Why this verdict?"}),
    )

    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    class Meta:
        model = Review
        fields = ["rating", "rationale", "confidence"]

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = Rating.objects.filter(team=team)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)


class EvidenceForm(forms.ModelForm):
    url = forms.CharField(
        label="Link",
        max_length=2000,
        required=False,
        validators=[URLValidator(schemes=["http", "https"], message="Enter an http:// or https:// link.")],
        widget=forms.URLInput(attrs={"placeholder": "https://…"}),
    )
    document_ref = forms.CharField(label="Or document", max_length=300, required=False)
    excerpt = forms.CharField(
        max_length=MAX_EXCERPT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Quoted excerpt"}),
    )

    class Meta:
        model = Evidence
        fields = ["url", "document_ref", "excerpt", "stance"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("url") and not cleaned.get("document_ref"):
            raise forms.ValidationError("Give a link or a document reference.")
        return cleaned


class DecisionForm(forms.Form):
    """A moderator's decision on a submitted review; `version` is the review's version the page showed."""

    action = forms.ChoiceField(
        choices=[("approve", "Approve"), ("request_changes", "Request changes"), ("reject", "Reject")]
    )
    reason = forms.CharField(
        max_length=MAX_REASON_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Reason (needed to reject or send back)"}),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class ResolveForm(forms.Form):
    """A moderator's own verdict on a claim, with the reason the team will read."""

    rating = forms.ModelChoiceField(
        queryset=Rating.objects.none(), label="Moderator verdict", empty_label="— choose the verdict —"
    )
    reason = forms.CharField(
        max_length=MAX_REASON_LENGTH, widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Why this verdict?"})
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = Rating.objects.filter(team=team)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Add to the team's discussion"}),
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=None, label="Assign to", empty_label="— choose a member —")
    claim = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            get_user_model().objects.filter(memberships__team=team).order_by("username").distinct()
        )


class ClaimFilterForm(forms.Form):
    q = forms.CharField(
        max_length=200,
        required=False,
        label="Search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Quote or article title", "aria-label": "Search"}
        ),
    )
    status = forms.ChoiceField(choices=[("", "Any status"), *Claim.Status.choices], required=False)
    category = forms.ModelChoiceField(queryset=Category.objects.none(), required=False, empty_label="Any category")
    linked = forms.ChoiceField(
        choices=[
            ("", "Linked or not"),
            ("elsewhere", "Also in other articles"),
            ("disagree", "Figures disagree elsewhere"),
        ],
        required=False,
    )

    def __init__(self, *args, team_id: int | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(team_id=team_id)


class ArticleSearchForm(forms.Form):
    q = forms.CharField(max_length=200, required=False, label="Search")


# --- team settings (owners) ----------------------------------------------------------------------
class MemberAddForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.REVIEWER)


class RoleForm(forms.Form):
    """A member's role; `expected_role` is the role the page showed, so a stale form is recognised."""

    role = forms.ChoiceField(choices=Role.choices)
    expected_role = forms.ChoiceField(choices=Role.choices, required=False, widget=forms.HiddenInput)

    def clean_expected_role(self) -> str | None:
        return self.cleaned_data["expected_role"] or None


class CategoryForm(forms.Form):
    name = forms.CharField(max_length=Category._meta.get_field("name").max_length)
    colour = forms.CharField(
        max_length=7,
        initial="#ffd54f",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Give the colour as #rrggbb, for example #ffcc80.")],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    description = forms.CharField(max_length=Category._meta.get_field("description").max_length, required=False)
    position = forms.IntegerField(min_value=0, max_value=32767, required=False)

    def clean_colour(self) -> str:
        return self.cleaned_data["colour"].lower()


class RatingForm(forms.Form):
    label = forms.CharField(max_length=Rating._meta.get_field("label").max_length)
    value = forms.IntegerField(min_value=-32768, max_value=32767, help_text="Higher is more accurate")
    is_scored = forms.BooleanField(required=False, initial=True, label="Scored")


class DismissSuggestionForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_REASON_LENGTH,
        error_messages={"required": "Say why this is not a claim.", "max_length": "The reason is too long."},
    )
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
