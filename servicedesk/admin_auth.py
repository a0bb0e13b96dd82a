"""The user and group pages in words (issue 15): a password as "已设置密码（pbkdf2_sha256）" and its button, not
the hash's masked salt; the sign-in-by-password switch in the desk's words (Django's names SSO and LDAP,
which the desk has not, and leaves one warning untranslated); a delete page lists what goes, without the
user↔group and group↔permission link rows Django creates itself ("User_groups object (5)")."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, identify_hasher
from django.contrib.auth.models import Group
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

USABLE_PASSWORD_HELP = gettext_lazy("Whether the user can sign in to the desk with a password.")


class PasswordSummaryWidget(auth_forms.ReadOnlyPasswordHashWidget):
    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if value and not value.startswith(UNUSABLE_PASSWORD_PREFIX):
            try:
                label = _("Password set (%(algorithm)s)") % {"algorithm": identify_hasher(value).algorithm}
            except ValueError:
                label = _("Invalid password format or unknown hashing algorithm.")
            context["summary"] = [{"label": label}]
        return context


class DeskUserChangeForm(auth_forms.UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].widget = PasswordSummaryWidget()


class DeskUserCreationForm(auth_forms.AdminUserCreationForm):
    usable_password = auth_forms.SetUnusablePasswordMixin.create_usable_password_field(USABLE_PASSWORD_HELP)


class DeskPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        USABLE_PASSWORD_HELP, gettext_lazy("If disabled, the current password for this user will be lost."))


def _without_link_rows(items: list, prefixes: tuple[str, ...]) -> list:
    """Django's nested delete list (an object, then the list of what goes with it) minus the link rows."""
    kept = []
    for item in items:
        if isinstance(item, list):
            if nested := _without_link_rows(item, prefixes):
                kept.append(nested)
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return kept


class NamedDeletionsMixin:
    """Django's delete list, permission and protection checks as they are; only the auto-created link rows
    (many-to-many "through" rows, deleted with the object and named by no one) are left out of the list."""

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        from django.apps import apps

        links = [m._meta for m in apps.get_models(include_auto_created=True) if m._meta.auto_created]
        prefixes = tuple(f"{capfirst(opts.verbose_name)}: " for opts in links)
        plurals = {str(opts.verbose_name_plural) for opts in links}
        model_count = {name: n for name, n in model_count.items() if str(name) not in plurals}
        return _without_link_rows(to_delete, prefixes), model_count, perms_needed, protected


class DeskUserAdmin(NamedDeletionsMixin, auth_admin.UserAdmin):
    form = DeskUserChangeForm
    add_form = DeskUserCreationForm
    change_password_form = DeskPasswordChangeForm


class DeskGroupAdmin(NamedDeletionsMixin, auth_admin.GroupAdmin):
    pass


def register(site: admin.AdminSite) -> None:
    for model, model_admin in ((get_user_model(), DeskUserAdmin), (Group, DeskGroupAdmin)):
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
