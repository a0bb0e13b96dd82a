"""A view-test base in the spirit of NetBox's `ViewTestCases`: every admin counter page and API endpoint
is declared once — URL name, method, the permission it needs, how to build the objects it names — and
one generated test checks, for that declaration:

- anonymous: an admin page redirects to the login page; the API answers 401 in the contract's format;
- every role of servicedesk/roles.py WITHOUT the permission: 403 (a role that may not use the desk
  site at all, `pos`, is sent to the login page by the admin instead);
- every role WITH it: 200 for a read; for a write (sent with `data`, often empty), any answer past the
  permission check (200/201/204, a redirect back to a desk page, or the 400/409 of the rules).

Which roles hold the permission is not listed by hand: it is resolved from each role's grants in the
role matrix (`resolve_grants`), so a change of the matrix changes what these tests expect.

    CASES = [ViewCase("admin:complaints_complaint_intake", "complaints.add_complaint"), ...]
    test_permissions = view_case_test(CASES)

`args(user)` builds what the URL names for the user about to call it (a department user is made staff of
the ticket's department, a notification is the user's own) and returns the URL kwargs. Each role runs in
a savepoint that is rolled back, so one role's write never changes what the next one sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from servicedesk.roles import ROLES, resolve_grants

WRITE_OK = {200, 201, 204, 302, 400, 409}
CONTRACT_ERROR = {"code", "detail", "fields"}  # api-contract.md: every API error


@dataclass(frozen=True)
class ViewCase:
    url: str  # URL name for reverse(): "admin:…" is an admin page, anything else the API
    perm: str | tuple[str, ...] | None  # all of these; None: any signed-in user (own rows only)
    method: str = "get"
    args: Callable | None = None  # user → URL kwargs (building the objects)
    data: dict | Callable | None = field(default=None)  # body, or user → body
    id: str = ""

    @property
    def is_admin(self) -> bool:
        return self.url.startswith("admin:")

    @property
    def perms(self) -> tuple[str, ...]:
        if self.perm is None:
            return ()
        return (self.perm,) if isinstance(self.perm, str) else tuple(self.perm)

    def __str__(self) -> str:
        return self.id or f"{self.method.upper()} {self.url}"


def _available_permissions() -> list[str]:
    from django.contrib.auth.models import Permission

    return sorted(f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type"))


def roles_split(case: ViewCase) -> tuple[list[str], list[str]]:
    """(roles holding every permission of the case, the others), from the role matrix."""
    available = _available_permissions()
    missing = [p for p in case.perms if p not in available]
    assert not missing, f"{case}: unknown permission {missing}"
    holding, lacking = [], []
    for role in ROLES.values():
        granted = set(available) if role.is_superuser else resolve_grants(role.grants, available)
        (holding if all(p in granted for p in case.perms) else lacking).append(role.name)
    return holding, lacking


def _client_for(case: ViewCase, user):
    if case.is_admin:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client
    client = APIClient()
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _call(case: ViewCase, user, owner):
    """One request of the case by `user` (None: anonymous); objects are built for `owner`."""
    kwargs = case.args(owner) if case.args else {}
    url = reverse(case.url, kwargs=kwargs)
    data = case.data(owner) if callable(case.data) else case.data
    client = _client_for(case, user)
    if case.is_admin:
        return getattr(client, case.method)(url, data or {})
    return getattr(client, case.method)(url, data or {}, format="json") if case.method != "get" else client.get(url)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def check_case(case: ViewCase) -> list[str]:
    """Every refusal or admission the case should get, and what it got instead (empty: all as expected)."""
    from tests.factories.servicedesk import StaffUserFactory

    wrong: list[str] = []
    holding, lacking = roles_split(case)
    with transaction.atomic():
        response = _call(case, None, StaffUserFactory(role="clerk"))
        transaction.set_rollback(True)
    if case.is_admin and not _is_login_redirect(response):
        wrong.append(f"anonymous: {response.status_code}, expected a redirect to the login page")
    if not case.is_admin and (response.status_code != 401 or response.json().get("code") != "not_authenticated"
                              or set(response.json()) != CONTRACT_ERROR):
        wrong.append(f"anonymous: {response.status_code}, expected 401 not_authenticated in the contract's format")
    for role in ROLES:
        with transaction.atomic():
            user = StaffUserFactory(role=role)
            response = _call(case, user, user)
            transaction.set_rollback(True)
        status = response.status_code
        if role in lacking:
            if case.is_admin and not ROLES[role].is_staff:
                if not _is_login_redirect(response):
                    wrong.append(f"{role} (no desk site): {status}, expected a redirect to the login page")
            elif status != 403 or (not case.is_admin and set(response.json()) != CONTRACT_ERROR):
                wrong.append(f"{role} (lacks {', '.join(case.perms)}): {status}, expected 403")
        elif case.method == "get":
            if status != 200:
                wrong.append(f"{role} (holds {', '.join(case.perms) or 'a login'}): {status}, expected 200")
        elif status not in WRITE_OK or _is_login_redirect(response):
            wrong.append(f"{role} (holds {', '.join(case.perms) or 'a login'}): {status}, expected to get past the check")
    return wrong


def view_case_test(cases: list[ViewCase]):
    """A test function parametrized over the cases (one test per page or endpoint)."""

    @pytest.mark.django_db
    @pytest.mark.parametrize("case", cases, ids=[str(c) for c in cases])
    def test_view_permissions(case):
        wrong = check_case(case)
        assert not wrong, f"{case}:\n  " + "\n  ".join(wrong)

    return test_view_permissions
