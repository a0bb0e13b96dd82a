"""Settings for the test suite: the production settings with test-only speed-ups.

The environment is set before the real settings are read, so every switch below goes through the
same code path a deployment uses.
"""

import os

os.environ.setdefault("HTTPS", "0")
# DEBUG is off in tests, so the development key is not offered: the suite brings its own.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment-0123456789abcdef")

from .settings import *  # noqa: E402,F403
from .settings import REDIS_URL  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Unit tests run tasks in-process; integration tests (marker `integration`) start real workers.
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
