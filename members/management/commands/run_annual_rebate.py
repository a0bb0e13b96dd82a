"""R-RBT-1: settle every card's dept points for a year; prints `cards=N cleared=N rebated=N total=AMOUNT`.
Idempotent (one run per year) and resumable (continues from its checkpoint after a crash)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from members.services import annual_rebate_run


class Command(BaseCommand):
    help = "Run the annual dept-points rebate (R-RBT-1) for a year."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--chunk-size", type=int, default=5000)

    def handle(self, *args, year=None, chunk_size=5000, **options):
        run = annual_rebate_run(year=year or timezone.localdate().year, chunk_size=chunk_size)
        self.stdout.write(run.summary())
