"""django-axes' sign-in records in words (issue 15): each record named in store time and the reader's language
(axes names it "Access Log for admin @ 2026-12-02 15:27:29.282109+00:00"), and "未知" where axes stored
"<unknown>" for a missing browser, Accept header or path. Axes' own admin classes otherwise, re-registered on the desk site."""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .timefmt import store_time

UNKNOWN = "<unknown>"  # axes' stored value when the request had no User-Agent / Accept header / path
SHOWN = {"user_agent": "browser", "path_info": "path", "http_accept": "accept"}


def _access_attempt_str(self) -> str:
    return _("Failed sign-ins of %(username)s from %(ip)s, %(time)s") % {
        "username": self.username, "ip": self.ip_address or "—", "time": store_time(self.attempt_time)}


def _access_log_str(self) -> str:
    return _("Sign-in of %(username)s at %(time)s") % {"username": self.username, "time": store_time(self.attempt_time)}


def _access_failure_str(self) -> str:
    text = _("Failed sign-in of %(username)s from %(ip)s at %(time)s") % {
        "username": self.username, "ip": self.ip_address or "—", "time": store_time(self.attempt_time)}
    return f"{text}（{_('Locked Out')}）" if self.locked_out else text


def install_names() -> None:
    """Called from the axes app's config (servicedesk.apps.DeskAxesConfig)."""
    AccessAttempt.__str__ = _access_attempt_str
    AccessLog.__str__ = _access_log_str
    AccessFailureLog.__str__ = _access_failure_str


def _swapped(names):
    return [SHOWN.get(name, name) for name in names]


class PathFilter(admin.AllValuesFieldListFilter):
    def choices(self, changelist):
        for choice in super().choices(changelist):
            yield {**choice, "display": _("unknown")} if choice["display"] == UNKNOWN else choice


class WordsMixin:
    """Axes' columns and read-only fields, with the request's headers and path shown through SHOWN's methods."""

    def get_list_display(self, request):
        return _swapped(super().get_list_display(request))

    def get_list_filter(self, request):
        return [("path_info", PathFilter) if name == "path_info" else name for name in super().get_list_filter(request)]

    def get_readonly_fields(self, request, obj=None):
        return _swapped(super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        return [(title, {**options, "fields": _swapped(options["fields"])})
                for title, options in super().get_fieldsets(request, obj)]

    @admin.display(description=gettext_lazy("User Agent"), ordering="user_agent")
    def browser(self, obj):
        return _("unknown") if obj.user_agent == UNKNOWN else obj.user_agent

    @admin.display(description=gettext_lazy("Path"), ordering="path_info")
    def path(self, obj):
        return _("unknown") if obj.path_info == UNKNOWN else obj.path_info

    @admin.display(description=gettext_lazy("HTTP Accept"))
    def accept(self, obj):
        return _("unknown") if obj.http_accept == UNKNOWN else obj.http_accept


class DeskAccessAttemptAdmin(WordsMixin, axes_admin.AccessAttemptAdmin):
    @admin.display(description=gettext_lazy("Status"))  # axes' column has no translated header
    def status(self, obj):
        return super().status(obj)


class DeskAccessLogAdmin(WordsMixin, axes_admin.AccessLogAdmin):
    pass


class DeskAccessFailureLogAdmin(WordsMixin, axes_admin.AccessFailureLogAdmin):
    pass


def register(site: admin.AdminSite) -> None:
    for model, model_admin in ((AccessAttempt, DeskAccessAttemptAdmin), (AccessLog, DeskAccessLogAdmin),
                               (AccessFailureLog, DeskAccessFailureLogAdmin)):
        if site.is_registered(model):
            site.unregister(model)
            site.register(model, model_admin)
