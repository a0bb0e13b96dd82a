"""Per-app plug-in modules: each desk app may have `<app>/<name>.py` (dashboard, schedule, demo,
api.urls); the project finds them here instead of keeping a shared list."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.conf import settings


def app_modules(name: str) -> Iterator[tuple[str, ModuleType]]:
    """(app label, module) for every desk app that has `<app>.<name>`, in DESK_APPS order. A missing
    module is skipped; an import error inside an existing module is raised, never hidden."""
    for label in settings.DESK_APPS:
        dotted = f"{label}.{name}"
        try:
            module = importlib.import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name is not None and (dotted == exc.name or dotted.startswith(exc.name + ".")):
                continue
            raise
        yield label, module
