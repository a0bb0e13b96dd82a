"""Check every balance against its append-only ledger (R-PTS-6 points and stored value, and every other
ledger an app registers in servicedesk.extensions.ledger_checks); exit 1 on any mismatch."""

import sys

from django.core.management.base import BaseCommand

from servicedesk.extensions import ledger_checks, ledger_mismatches


class Command(BaseCommand):
    help = "Check every cached balance against the sum of its ledger (points, stored value, gift stock, …)."

    def handle(self, *args, **options):
        found = ledger_mismatches()
        for name, lines in found.items():
            for line in lines:
                self.stderr.write(f"{name}: {line}")
        total = sum(len(lines) for lines in found.values())
        if total:
            self.stderr.write(f"mismatched={total}")
            sys.exit(1)
        self.stdout.write(f"mismatched=0 checks={','.join(ledger_checks.names())}")
