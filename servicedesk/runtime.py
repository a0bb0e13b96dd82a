"""How a long-running server process settles once it has loaded the site (gunicorn's post_worker_init,
Celery's worker_process_init).

Python's cyclic garbage collector walks every tracked object of the generation it collects. After start-up
a worker holds some 170,000 such objects (models, admin, URL patterns, views, serializers) that live as long
as the process; a 500-receipt batch allocates enough to trigger a full collection every second batch, each
walking all of them again: ~50 ms of a ~250 ms batch (issue 16, profiled). `gc.freeze()` moves what is
loaded to the permanent generation, which no collection walks, and a larger first-generation threshold
collects less often (a request's garbage is mostly freed by reference counting; the collector only finds
cycles). Both are process tuning, not business numbers: `WEB_GC_THRESHOLD` (three integers, e.g.
"50000,20,100"; "default" keeps Python's 2000,10,10) overrides the value below.
"""

import gc
import os

GC_THRESHOLD = (50000, 20, 100)


def gc_threshold(value: str | None) -> tuple[int, ...] | None:
    """WEB_GC_THRESHOLD's value → a threshold tuple; None for Python's default ("default")."""
    if not value:
        return GC_THRESHOLD
    if value.strip().lower() == "default":
        return None
    try:
        parts = tuple(int(part) for part in value.split(","))
    except ValueError:
        parts = ()
    if not 1 <= len(parts) <= 3 or any(part < 0 for part in parts):
        raise ValueError(f"WEB_GC_THRESHOLD: one to three non-negative integers, not {value!r}")
    return parts


def settle_process(*, load_site: bool = True) -> None:
    """Load what the first request would load (a web worker; `load_site`), then freeze what is loaded out of
    the collector's sight. A Celery pool process serves no page: it freezes what Django's set-up loaded and
    leaves the URLconf, and with it every app's admin (servicedesk/admin_discovery.py), to a task that reverses
    a URL."""
    if load_site:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 - imports every view, form and serializer module now
    threshold = gc_threshold(os.environ.get("WEB_GC_THRESHOLD"))
    gc.collect()  # whatever start-up left as garbage is freed, not frozen
    gc.freeze()
    if threshold is not None:
        gc.set_threshold(*threshold)
