"""The team activity feed's filters."""

from __future__ import annotations

from django import forms

from reviews.history import OBJECT_TYPE_CHOICES, actor_name
from reviews.models import AuditEvent


class DateInput(forms.DateInput):
    input_type = "date"


class ActivityFilterForm(forms.Form):
    actor = forms.ChoiceField(
        required=False,
        label="Person",
        error_messages={"invalid_choice": "Choose a person from the list; nobody by that name changed anything here."},
    )
    action = forms.ChoiceField(
        choices=[("", "Any change"), *AuditEvent.Action.choices],
        required=False,
        label="Change",
        error_messages={"invalid_choice": "Choose a change from the list: created, updated or deleted."},
    )
    object_type = forms.ChoiceField(
        choices=[("", "Anything"), *OBJECT_TYPE_CHOICES],
        required=False,
        label="Item",
        error_messages={"invalid_choice": "Choose a kind of item from the list."},
    )
    date_from = forms.DateField(
        required=False,
        label="From",
        widget=DateInput,
        error_messages={"invalid": "Give the “from” date as YYYY-MM-DD, e.g. 2025-03-31."},
    )
    date_to = forms.DateField(
        required=False,
        label="To",
        widget=DateInput,
        error_messages={"invalid": "Give the “to” date as YYYY-MM-DD, e.g. 2025-03-31."},
    )

    def __init__(self, *args, actor_labels: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", "Anyone"), *((label, actor_name(label)) for label in actor_labels)]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The “from” date is after the “to” date.")
        return data
