"""The API's filter backend (the one place list filters are validated; every viewset gets it).

- List filters apply to lists only: a detail route (`retrieve`, `/complaints/{n}/followups/`, `route`…)
  looks its object up without them, so `?received_before=…` on a sub-resource can neither hide the
  object nor crash the lookup (issue 9).
- Every date-time filter refuses what the database cannot hold (`validate_db_datetime`): 400 naming
  the parameter instead of PostgreSQL's `DataError`. Text filters already refuse NUL characters
  (Django's form fields), and the edge middleware refuses NUL anywhere in the query string.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.utils import get_model_field
from rest_framework.exceptions import ValidationError

from .fields import validate_db_datetime


class DeskFilterBackend(filters.DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if getattr(view, "detail", False):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            harden_form(filterset.form)
            _integers_are_integers(filterset)
            refuse_blank(filterset, request.query_params)
        return filterset


def _whole_number(value) -> None:
    if value is not None and value != value.to_integral_value():
        raise DjangoValidationError(_("A whole number is required."), code="not_whole")


def _integers_are_integers(filterset) -> None:
    """A number filter on an integer column is documented as an integer: 0.5 is refused, not rounded away."""
    for name, filter_ in filterset.filters.items():
        if not isinstance(filter_, filters.NumberFilter) or name not in filterset.form.fields:
            continue
        model_field = get_model_field(filterset._meta.model, filter_.field_name) if filterset._meta.model else None
        if isinstance(model_field, models.IntegerField | models.AutoField):
            field = filterset.form.fields[name]
            if _whole_number not in field.validators:
                field.validators.append(_whole_number)


def refuse_blank(filterset, params) -> None:
    """`?read_at=` or `?status=`: the schema says a date-time or one of the choices, so an empty value is
    refused (400 naming it) instead of silently meaning "no filter". Free-text filters may be empty.
    A boolean filter takes true or false only."""
    errors = {}
    for name, field in filterset.form.fields.items():
        if name not in params or any(value != "" for value in params.getlist(name)):
            continue
        if type(field) is forms.CharField:
            continue
        errors[name] = [_("This filter may not be blank.")]
    for name, field in filterset.form.fields.items():
        # The schema says boolean: "true" or "false" (Django's NullBooleanField would also take "null", "2"…).
        if isinstance(field, forms.NullBooleanField) and name in params and name not in errors:
            if any(value not in ("true", "false", "True", "False") for value in params.getlist(name)):
                errors[name] = [_("Use true or false.")]
    if errors:
        raise ValidationError(errors)


def harden_form(form) -> None:
    for field in form.fields.values():
        _harden_field(field)


def _harden_field(field) -> None:
    if isinstance(field, forms.MultiValueField):
        for sub in field.fields:
            _harden_field(sub)
    if isinstance(field, forms.DateTimeField) and validate_db_datetime not in field.validators:
        field.validators.append(validate_db_datetime)
