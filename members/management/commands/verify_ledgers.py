"""R-PTS-6: check that every card's balances equal the sums of its ledger; exit 1 on any mismatch."""

import sys

from django.core.management.base import BaseCommand

from members.selectors import ledgers_mismatched


class Command(BaseCommand):
    help = "Check every card's cached balances against its points ledger (R-PTS-6)."

    def handle(self, *args, **options):
        mismatches = ledgers_mismatched()
        for m in mismatches:
            self.stderr.write(f"{m['card_number']}: dept {m['dept']} market {m['market']} stored_value {m['stored_value']}")
        if mismatches:
            self.stderr.write(f"mismatched={len(mismatches)}")
            sys.exit(1)
        self.stdout.write("mismatched=0")
