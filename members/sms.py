"""Pluggable SMS sending (R-VIP-9 greetings, R-VIP-4 upgrade notices).

`settings.MEMBERS_SMS_BACKEND` names a class with `send(*, phone, text, key) -> bool` (True when sent now,
False when that key was already sent). The default writes to the outbox table, visible in the admin."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "members.sms.OutboxBackend"


class OutboxBackend:
    def send(self, *, phone: str, text: str, key: str) -> bool:
        from .models import SmsOutbox

        _obj, created = SmsOutbox.objects.get_or_create(key=key[:100], defaults={"phone": phone, "text": text})
        return created


def get_backend():
    return import_string(getattr(settings, "MEMBERS_SMS_BACKEND", DEFAULT_BACKEND))()


def sms_send(*, phone: str, text: str, key: str) -> bool:
    return get_backend().send(phone=phone, text=text, key=key)
