"""Login throttling (issue 9, item 5): two limits on one django-axes handler.

- `AXES_FAILURE_LIMIT` failures for one username from one IP lock that pair (as before);
- `AXES_IP_FAILURE_LIMIT` failures from one IP, whatever the usernames, lock the IP: password
  spraying (one password tried on many accounts) no longer goes unnoticed.

Axes compares one number with one limit, the highest failure count of its lockout parameters
(`AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]`, in that order). The handler
scales the per-IP count onto the per-user limit so each count meets its own limit:
`ip_failures * user_limit // ip_limit >= user_limit` exactly when `ip_failures >= ip_limit`.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class DeskAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        counts = [attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
                  for attempts in self.get_user_attempts(request, credentials)]
        if not counts:
            return 0
        per_user_ip = counts[0]
        if len(counts) < 2:
            return per_user_ip
        user_limit, ip_limit = int(settings.AXES_FAILURE_LIMIT), max(1, int(settings.AXES_IP_FAILURE_LIMIT))
        return max(per_user_ip, counts[1] * user_limit // ip_limit)
