"""A server process settles after start-up: the loaded site frozen out of the collector (issue 16)."""

import gc

import pytest

from servicedesk.runtime import GC_THRESHOLD, gc_threshold, settle_process


def test_threshold_default_and_overrides():
    assert gc_threshold(None) == GC_THRESHOLD == (50000, 20, 100)
    assert gc_threshold("") == GC_THRESHOLD
    assert gc_threshold("default") is None
    assert gc_threshold(" 700, 10 ") == (700, 10)


@pytest.mark.parametrize("value", ["a,b", "1,2,3,4", "-1", ","])
def test_threshold_refuses_nonsense_naming_the_variable(value):
    with pytest.raises(ValueError, match="WEB_GC_THRESHOLD"):
        gc_threshold(value)


@pytest.fixture
def restore_gc():
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


@pytest.mark.usefixtures("restore_gc")
def test_settle_freezes_what_is_loaded_and_raises_the_threshold(monkeypatch):
    monkeypatch.delenv("WEB_GC_THRESHOLD", raising=False)
    gc.unfreeze()
    settle_process()
    assert gc.get_freeze_count() > 10000  # the site's modules, models and URL patterns
    assert gc.get_threshold() == GC_THRESHOLD


@pytest.mark.usefixtures("restore_gc")
def test_settle_keeps_pythons_threshold_when_asked(monkeypatch):
    monkeypatch.setenv("WEB_GC_THRESHOLD", "default")
    gc.set_threshold(2000, 10, 10)
    settle_process()
    assert gc.get_threshold() == (2000, 10, 10)
