"""What a process pays for at start-up (issue 16, README decisions 63–64): `django.setup()` imports no admin
module and no Celery; the admin's pages are registered when the URLconf is imported or the admin is checked,
and a task still binds to the desk's Celery app in a process that never imported it."""

import json
import os
import subprocess
import sys

from django.conf import settings


def _fresh_process(code: str) -> dict:
    """Run `code` after `django.setup()` in a new interpreter (this one has long loaded everything) and answer
    the JSON it prints."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "servicedesk.settings", "HTTPS": "0"}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    script = "import django, json, sys\ndjango.setup()\n" + code
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=settings.BASE_DIR, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_setup_imports_no_apps_admin_module_no_celery_and_no_document_library():
    """Django's own admin package loads (the site class, axes' and simple-history's admin bases the desk dresses
    at start); the desk apps' admin modules and what they pull in do not."""
    loaded = _fresh_process(
        "from django.conf import settings\n"
        "apps = {a.split('.')[0] for a in settings.DESK_APPS} | {'import_export'}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'celery', 'openpyxl', 'reportlab',\n"
        "    'tablib', 'xlsxwriter'}) + sorted(m for m in sys.modules if m.split('.')[0] in apps\n"
        "    and m.split('.')[1:2] == ['admin'])))")
    assert loaded == []


def test_the_urlconf_registers_every_apps_admin_pages_with_the_permission_words():
    found = _fresh_process(
        "from django.contrib import admin\n"
        "from django.contrib.auth.models import Group\n"
        "from members.models import Card\n"
        "before = len(admin.site._registry)\n"
        "import servicedesk.urls\n"
        "group_admin = type(admin.site._registry[Group])\n"
        "print(json.dumps([before, Card in admin.site._registry, len(admin.site._registry) > 50,\n"
        "                  'formfield_for_manytomany' in vars(group_admin)]))")
    assert found[0] < 10 and found[1:] == [True, True, True]  # before: only axes' three, registered by axes


def test_the_admin_checks_run_alone_see_every_model_admin():
    """`manage.py check --tag admin` without the URLconf: the discovery check runs before the admin's own."""
    found = _fresh_process(
        "from django.contrib import admin\n"
        "from django.core import checks\n"
        "problems = checks.run_checks(tags=[checks.Tags.admin])\n"
        "print(json.dumps([len(admin.site._registry) > 50, [str(p) for p in problems if p.is_serious()]]))")
    assert found == [True, []]


def test_a_task_binds_to_the_desks_celery_app_in_a_process_that_never_imported_it():
    found = _fresh_process(
        "before = 'servicedesk.celery' in sys.modules\n"
        "from members.tasks import annual_rebate_run_task as annual_rebate_run\n"
        "import celery\n"
        "print(json.dumps([before, annual_rebate_run.app.main, celery.current_app.main,\n"
        "                  'members.annual_rebate_run' in annual_rebate_run.app.tasks]))")
    assert found == [False, "servicedesk", "servicedesk", True]


def test_a_celery_pool_process_settles_without_loading_the_admin():
    """worker_process_init (servicedesk/celery.py): Django's set-up is frozen out of the collector; the
    URLconf and the apps' admin modules stay unloaded in a process that serves no page."""
    found = _fresh_process(
        "import gc\n"
        "from servicedesk.celery import _settle\n"
        "_settle()\n"
        "print(json.dumps([gc.get_freeze_count() > 10000, 'servicedesk.urls' in sys.modules,\n"
        "                  'members.admin' in sys.modules]))")
    assert found == [True, False, False]


def test_the_package_still_answers_celery_app():
    import servicedesk
    from servicedesk.celery import app

    assert servicedesk.celery_app is app
