"""Shared fixtures. Users come in roles (servicedesk/roles.py): `user_in_role("clerk")`."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.factories.servicedesk import StaffUserFactory


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` or `integration` need PostgreSQL; on SQLite they are skipped with a reason."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        if not on_postgres and ({"postgres", "integration"} & {m.name for m in item.iter_markers()}):
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: run `make test-pg`"))
        if "integration" in {m.name for m in item.iter_markers()} and not settings.REDIS_URL:
            item.add_marker(pytest.mark.skip(reason="needs Redis (REDIS_URL): run `make test-pg`"))


@pytest.fixture
def user_in_role(db):
    def make(role: str, **kwargs):
        return StaffUserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def clerk(user_in_role):
    return user_in_role("clerk")


@pytest.fixture
def supervisor(user_in_role):
    return user_in_role("desk_supervisor")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(api_client):
    """`api_as(user)` → an APIClient authenticated with the user's token (as the tills do)."""
    from rest_framework.authtoken.models import Token

    def make(user):
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
