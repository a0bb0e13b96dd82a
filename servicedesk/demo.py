"""Demo data of the desk app: one user per role, and a handover book with an open item."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from .choices import Shift
from .models import HandoverEntry
from .roles import ROLES

DEMO_PASSWORD_SUFFIX = "-desk-2026"


def demo_users() -> list[tuple[str, str, str]]:
    """(username, role, password) for every role: username = role name, e.g. clerk / clerk-desk-2026."""
    users = [(name, name, f"{name}{DEMO_PASSWORD_SUFFIX}") for name in ROLES]
    users.append(("clerk2", "clerk", f"clerk2{DEMO_PASSWORD_SUFFIX}"))  # the next shift
    return users


def load(*, stdout) -> None:
    for username, role, password in demo_users():
        call_command("create_staff", username, role=role, password=password, email=f"{username}@store.example",
                     stdout=stdout)
    User = get_user_model()
    if not HandoverEntry.objects.exists():
        from .services import handover_write

        clerk = User.objects.get(username="clerk")
        yesterday = timezone.localdate() - timedelta(days=1)
        handover_write(
            shift_date=yesterday, shift=Shift.LATE, user=clerk,
            notes="今日赠品已发完一批，剩余库存见赠品台账；3号收银台小票打印机缺纸已报修。",
            new_items=["王女士投诉 TS 单待回访（明早10点后致电）", "雨伞 #12 借出未还，押金 50 元"],
        )
