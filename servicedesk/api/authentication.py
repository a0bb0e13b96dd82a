"""Token authentication with the user and its permissions resolved once per token (performance.md: the
stock TokenAuthentication + ModelBackend cost 3 queries and ~20% of a till request, every request).

The first request with a token reads the token, its user and the user's permissions (as Django's
ModelBackend computes them) and keeps them in the cache; later requests read one cache entry and no
table. Any change that could change what a token may do drops every cached token at once (a new
generation): a user saved (deactivated, made superuser…; not a bare `last_login` update), a user's
groups or permissions, a group's permissions, a group or permission deleted, a token deleted. With Redis
(production) that reaches every process immediately; with the per-process memory cache of a one-machine
demo, an entry lives at most TOKEN_CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from rest_framework.authentication import TokenAuthentication

logger = logging.getLogger(__name__)

TOKEN_CACHE_SECONDS = 30  # technical bound on a cached token without a shared cache (not a business number)
GENERATION_KEY = "desk:api-token-generation"
# This process trusts its own copy of a token for a second before asking the shared cache again, so a
# change made in another process is seen within a second (this process's own changes at once).
GENERATION_CHECK_SECONDS = 1.0


@dataclass
class _State:
    generation: str
    checked_at: float
    tokens: dict = field(default_factory=dict)  # entry key → (token with its user, expires at)


_state: _State | None = None


def _entry_key(key: str) -> str:
    return f"desk:api-token:{hashlib.sha256(key.encode()).hexdigest()[:40]}"  # never the token itself


def token_cache_clear(**kwargs) -> None:
    """Drop every cached token (signal receiver; also callable by hand)."""
    if kwargs.get("sender") is not None and kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # a login stamps last_login: nothing a token may do changed
    _generation_bump()
    if kwargs.get("sender") is not None:
        # again once committed, so a request that read the old rows meanwhile cannot keep them cached
        transaction.on_commit(_generation_bump)


def _generation_bump() -> None:
    global _state
    _state = None
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001 - a cache outage must not fail a role change; the entries' age bounds it
        logger.warning("token cache: the shared cache is not reachable; cached tokens expire within %ss",
                       TOKEN_CACHE_SECONDS)


class CachedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` as DRF's TokenAuthentication, with (token, user, permissions) cached."""

    def authenticate_credentials(self, key):
        global _state
        entry_key = _entry_key(key)
        clock = time.monotonic()
        state = _state  # one read: another thread may replace it meanwhile
        if state is not None and clock - state.checked_at < GENERATION_CHECK_SECONDS:
            found = state.tokens.get(entry_key)
            if found is not None and clock < found[1]:
                return found[0].user, found[0]
        try:
            found = cache.get_many([GENERATION_KEY, entry_key])  # one round trip to Redis
            generation = found.get(GENERATION_KEY)
            if generation is None:
                generation = uuid.uuid4().hex
                if not cache.add(GENERATION_KEY, generation, None):
                    generation = cache.get(GENERATION_KEY)
            cached = found.get(entry_key)
        except Exception:  # noqa: BLE001 - no cache: authenticate against the database as DRF does
            return super().authenticate_credentials(key)
        if state is None or state.generation != generation or len(state.tokens) > 1000:
            state = _State(generation=generation, checked_at=clock)
        else:
            state = _State(generation=generation, checked_at=clock, tokens=state.tokens)
        if cached is not None and cached[0] == generation:
            token = cached[1]
        else:
            user, token = super().authenticate_credentials(key)  # raises AuthenticationFailed as DRF does
            user.get_all_permissions()  # fills ModelBackend's _perm_cache, pickled with the user
            token.user = user
            try:
                cache.set(entry_key, (generation, token), TOKEN_CACHE_SECONDS)
            except Exception:  # noqa: BLE001
                logger.warning("token cache: could not store the token")
        state.tokens[entry_key] = (token, clock + TOKEN_CACHE_SECONDS)
        _state = state
        return token.user, token


def connect() -> None:
    """Wire the invalidation (from ServicedeskConfig.ready)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from rest_framework.authtoken.models import Token

    user_model = get_user_model()
    for sender in (user_model, Group, Permission):
        post_save.connect(token_cache_clear, sender=sender, dispatch_uid=f"desk.token_cache.save.{sender.__name__}")
        post_delete.connect(token_cache_clear, sender=sender, dispatch_uid=f"desk.token_cache.delete.{sender.__name__}")
    post_delete.connect(token_cache_clear, sender=Token, dispatch_uid="desk.token_cache.delete.Token")
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(token_cache_clear, sender=through, dispatch_uid=f"desk.token_cache.m2m.{through.__name__}")
