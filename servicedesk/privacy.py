"""R-VIP-7 masks, shared by every app that shows a customer's phone or ID number (members, complaints).
Plain values in, a string out."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """R-VIP-7: 138****5678."""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id_number(number: str) -> str:
    """R-VIP-7: 110105********1234."""
    if len(number) <= 8:
        return "*" * len(number)
    keep = 6 if len(number) >= 14 else 2
    return number[:keep] + "*" * (len(number) - keep - 4) + number[-4:]
