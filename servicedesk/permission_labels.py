"""Permissions read in the reader's language on the user and group pages (issue 15, "Words, not codes").

Django stores a permission's name in English when it migrates ("Can add receipt") and prints it as
`app | model | name`. Here the same three parts come from the translated app and model names, the four
built-in actions from translated phrases, and the apps' own permissions from their marked names (stored
in English, translated at display time). Installed on the auth admin's user and group forms from
ServicedeskConfig.ready()."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _

BUILT_IN = {
    "add": lambda model: _("Can add %(model)s") % {"model": model},
    "change": lambda model: _("Can change %(model)s") % {"model": model},
    "delete": lambda model: _("Can delete %(model)s") % {"model": model},
    "view": lambda model: _("Can view %(model)s") % {"model": model},
}


def permission_label(permission) -> str:
    """`app | model | what it allows`, translated (content_type select_related by the caller)."""
    content_type = permission.content_type
    model = content_type.model_class()
    try:
        app_name = apps.get_app_config(content_type.app_label).verbose_name
    except LookupError:
        app_name = content_type.app_label
    model_name = model._meta.verbose_name if model is not None else content_type.model
    original = getattr(model, "instance_type", None)  # a django-simple-history model: "historical …" untranslated
    if original is not None:
        model_name = _("history of %(model)s") % {"model": original._meta.verbose_name}
    action, _sep, rest = permission.codename.partition("_")
    if action in BUILT_IN and model is not None and rest == model._meta.model_name:  # Django's four, per model
        name = BUILT_IN[action](model_name)
    else:
        name = _(permission.name)  # the apps' own permissions are marked for translation where declared
    return f"{app_name} | {model_name} | {name}"


def _labelled(admin_class):
    class Labelled(admin_class):
        def formfield_for_manytomany(self, db_field, request, **kwargs):
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            if field is not None and db_field.name in ("permissions", "user_permissions"):
                field.queryset = field.queryset.select_related("content_type")
                field.label_from_instance = permission_label
            return field

    Labelled.__name__ = admin_class.__name__
    return Labelled


def install() -> None:
    for model in (get_user_model(), Group):
        if admin.site.is_registered(model):
            model_admin = type(admin.site._registry[model])
            admin.site.unregister(model)
            admin.site.register(model, _labelled(model_admin))
