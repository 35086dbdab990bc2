"""Form fields shared by every form that takes posted ids."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection

from scoring import InvalidInput, format_number, parse_decimal


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


class PointsField(forms.DecimalField):
    """Points typed the Vietnamese way (“2,5”, “1.000”, “89,5”), read by the scoring library's
    parser so a form and an import agree on what a number is; at most two decimals."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(str(value))
        except InvalidInput as error:
            raise forms.ValidationError(error.message, code="invalid") from error

    def prepare_value(self, value):
        if isinstance(value, str):
            try:
                value = Decimal(value)
            except ArithmeticError:
                return value
        if isinstance(value, Decimal):
            return format_number(value)
        return value
