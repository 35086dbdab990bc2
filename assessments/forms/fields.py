"""Form fields shared by every form that takes posted ids."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection


class ScopedIdsField(forms.ModelMultipleChoiceField):
    """Several ids chosen among a scoped queryset. An id the database cannot even hold is an
    unknown choice like any other: Django's single-id lookup checks the integer range, but its
    `pk__in` lookup does not, and SQLite raises OverflowError on 20 nines."""

    def _check_values(self, value):
        low, high = connection.ops.integer_field_range("BigIntegerField")
        for pk in value if isinstance(value, list | tuple) else ():
            text = str(pk).strip()
            if text.isascii() and text.lstrip("-").isdecimal() and not low <= int(text) <= high:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)
