from __future__ import annotations

from django import forms
from django.core.validators import URLValidator

from reviews.models import MAX_EXCERPT_LENGTH, MAX_RATIONALE_LENGTH, Category, Evidence, Rating, Review, Team

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

    class Meta:
        model = Review
        fields = ["rating", "rationale", "confidence"]

    def __init__(self, *args, team: Team, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = Rating.objects.filter(team=team)


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


class ArticleSearchForm(forms.Form):
    q = forms.CharField(max_length=200, required=False, label="Search")
