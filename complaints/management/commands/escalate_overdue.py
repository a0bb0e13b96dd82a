"""`python manage.py escalate_overdue [--now ISO]`: R-CMP-2 escalation; prints `escalated=N`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from complaints import services


class Command(BaseCommand):
    help = "Escalate complaints whose routing or department feedback is overdue (R-CMP-2). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Run as of this time (ISO 8601; without offset read in store time).")

    def handle(self, *args, **options):
        now = None
        if options.get("now"):
            now = parse_datetime(options["now"])
            if now is None:
                raise CommandError(f"--now: not an ISO 8601 date-time: {options['now']!r}")
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        count = services.complaint_escalate_overdue(now=now)
        self.stdout.write(f"escalated={count}")
