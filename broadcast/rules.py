"""Pure policy of the broadcast booth (domain-rules.md §6): the day sheet (R-BC-1/2/3), the insert queue
order (R-BC-4), the script workflow (R-BC-5), reading marks, and planned-versus-aired (R-BC-6).

Stdlib only: plain values in, a result out. Times of day are handled as minutes after midnight of the
store's calendar day (0…1439); the selectors turn rows into the facts below and pass `tz` and `now`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

MINUTES_IN_DAY = 24 * 60

# R-BC-4: emergency first, then lost child, lost person, special situation, lost property. This is the
# rule's order itself (not a tunable number), so it lives here and not in the policy row.
INSERT_PRIORITY = {"emergency": 1, "lost_child": 2, "lost_person": 3, "special": 4, "lost_property": 5}


# The days a sheet is built for: far enough either way for any plan, and clear of datetime's limits
# (a day in year 9999 has no "next midnight"), so no client input can overflow the arithmetic.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def day_in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def minute_of(t: time) -> int:
    return t.hour * 60 + t.minute


def time_of(minute: int) -> time:
    return time(minute // 60, minute % 60)


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


# ---- facts ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SheetPolicy:
    """The numbers of the broadcast policy in force (BroadcastPolicy.facts())."""

    every_min: int = 5  # R-BC-2
    every_max: int = 10  # R-BC-2
    clearance: int = 2  # R-BC-2: minutes a promotion slot keeps from fixed items and moments
    welcome_before_opening: int = 5  # R-BC-3
    closing_reminder_before_closing: int = 15  # R-BC-3
    farewell_before_closing: int = 5  # R-BC-3
    late_after: int = 5  # R-BC-6: a sheet item not logged this many minutes after its time is missed
    welcome_title: str = "迎宾曲"
    closing_reminder_title: str = "温馨提示：商场即将结束营业"
    farewell_title: str = "送宾曲"
    name: str = ""


@dataclass(frozen=True)
class Hours:
    opening: time
    closing: time


@dataclass(frozen=True)
class PlanItemFacts:
    at: time  # as planned for the plan's reference hours (default 08:00–22:00)
    title: str
    anchor: str  # opening | closing | clock
    script_id: int | None = None
    item_id: int | None = None


@dataclass(frozen=True)
class PromotionFacts:
    promotion_id: int | None
    title: str
    starts_at: datetime  # aware
    ends_at: datetime  # aware
    every_minutes: int
    script_id: int | None = None


@dataclass(frozen=True)
class SheetItem:
    minute: int
    kind: str  # fixed | moment | promotion
    title: str
    script_id: int | None = None
    plan_item_id: int | None = None
    promotion_id: int | None = None
    moment: str | None = None
    moved_from: int | None = None  # a promotion slot moved clear of a fixed item (R-BC-2)

    @property
    def at(self) -> str:
        return hhmm(self.minute)

    @property
    def kind_label(self) -> str:
        """The kind as its label on the air-log check (issue 15: not `moment`)."""
        from .choices import SheetKind

        return str(SheetKind(self.kind).label) if self.kind in SheetKind.values else self.kind


@dataclass(frozen=True)
class Dropped:
    """Something that does not make the day's sheet, and why (shown on the booth page)."""

    kind: str
    title: str
    nominal: str  # HH:MM it would have had ("-00:05" / "24:10" when shifted outside the day)
    reason: str  # past_end (R-BC-2) | outside_day (R-BC-1/3 shift over midnight)
    promotion_id: int | None = None


@dataclass(frozen=True)
class DaySheet:
    day: date
    hours: Hours
    items: tuple[SheetItem, ...]
    dropped: tuple[Dropped, ...] = field(default_factory=tuple)

    def slots_of(self, promotion_id: int) -> list[str]:
        return [i.at for i in self.items if i.promotion_id == promotion_id]


# ---- R-BC-1 / R-BC-3 -----------------------------------------------------------------------------------
def hours_refusal(*, opening: time, closing: time) -> str | None:
    """R-BC-1: a day's hours are one span inside the calendar day; closing must come after opening."""
    if minute_of(closing) <= minute_of(opening):
        return "closing_not_after_opening"
    return None


def plan_item_minute(*, item: PlanItemFacts, hours: Hours, reference: Hours) -> int:
    """R-BC-1: an `opening` item keeps its distance from opening, a `closing` item from closing, a
    `clock` item stays. Example, hours 09:00–21:30 against the default 08:00–22:00: 07:50 → 08:50,
    13:30 stays, 21:40 → 21:10. The result may fall outside 0…1439 (then it is not on that day)."""
    at = minute_of(item.at)
    if item.anchor == "opening":
        return at + minute_of(hours.opening) - minute_of(reference.opening)
    if item.anchor == "closing":
        return at + minute_of(hours.closing) - minute_of(reference.closing)
    return at


def moments(*, hours: Hours, policy: SheetPolicy) -> list[tuple[str, int]]:
    """R-BC-3: (moment, minute) — welcome music opening−5, closing reminder closing−15, farewell closing−5."""
    opening, closing = minute_of(hours.opening), minute_of(hours.closing)
    return [("welcome", opening - policy.welcome_before_opening),
            ("closing_reminder", closing - policy.closing_reminder_before_closing),
            ("farewell", closing - policy.farewell_before_closing)]


def _signed_hhmm(minute: int) -> str:
    return ("-" + hhmm(-minute)) if minute < 0 else hhmm(minute)


# ---- R-BC-2 ----------------------------------------------------------------------------------------------
def every_minutes_refusal(*, every_minutes: int, policy: SheetPolicy) -> str | None:
    if not policy.every_min <= every_minutes <= policy.every_max:
        return "every_minutes_out_of_range"
    return None


def promotion_nominal_minutes(*, promotion: PromotionFacts, day: date, tz: tzinfo) -> tuple[list[int], int]:
    """The promotion's grid on `day`: starts_at + k × every (k = 0, 1, …) up to and including ends_at,
    as minutes of that store day, and the last minute a slot may take on that day (ends_at, or 23:59 when
    the promotion runs on past midnight). The grid is counted from starts_at across midnight, so the slots
    of the next day continue the same cadence and never drift."""
    start = promotion.starts_at.astimezone(tz).replace(second=0, microsecond=0)
    end = promotion.ends_at.astimezone(tz)
    step = timedelta(minutes=promotion.every_minutes)
    day_start = datetime.combine(day, time(0, 0), tzinfo=tz)
    day_end = day_start + timedelta(days=1)
    if end < day_start or start >= day_end:
        return [], -1
    k = 0
    if start < day_start:  # jump to the first grid point of the day (real elapsed minutes, in UTC)
        elapsed = (day_start - start).total_seconds() / 60
        k = int(-(-elapsed // promotion.every_minutes))
    result = []
    at = start + k * step
    while at <= end and at < day_end:
        local = at.astimezone(tz)
        result.append(local.hour * 60 + local.minute)
        k += 1
        at = start + k * step
    last = MINUTES_IN_DAY - 1 if end >= day_end else (end.hour * 60 + end.minute)
    return result, last


def day_sheet_build(*, day: date, hours: Hours, reference: Hours, plan: list[PlanItemFacts],
                    promotions: list[PromotionFacts], policy: SheetPolicy, tz: tzinfo) -> DaySheet:
    """The whole day ahead (R-BC-1, R-BC-2, R-BC-3).

    1. Plan items are shifted by the day's hours (plan_item_minute); moments come from the hours.
       Anything shifted outside the calendar day (before 00:00 or after 23:59) is not on the sheet and
       is listed in `dropped` as `outside_day`.
    2. Promotions are laid out in the order given (the order they were created): each slot of the grid
       that falls within `clearance` minutes of a fixed item or moment (|slot − fixed| ≤ clearance,
       12:28…12:32 around 12:30 with the default 2) moves forward to the first minute clear of every
       fixed item and moment (12:33); a slot whose minute is already taken by an earlier-created
       promotion, or by an earlier slot of its own, moves on a minute (and must still be clear). A slot
       moved past the promotion's end on that day is dropped (`past_end`). Later slots keep the
       promotion's own grid: a moved slot does not shift the ones after it.
    """
    titles = {"welcome": policy.welcome_title, "closing_reminder": policy.closing_reminder_title,
              "farewell": policy.farewell_title}
    items: list[SheetItem] = []
    dropped: list[Dropped] = []
    for item in plan:
        minute = plan_item_minute(item=item, hours=hours, reference=reference)
        if 0 <= minute < MINUTES_IN_DAY:
            items.append(SheetItem(minute, "fixed", item.title, item.script_id, plan_item_id=item.item_id))
        else:
            dropped.append(Dropped("fixed", item.title, _signed_hhmm(minute), "outside_day"))
    for moment, minute in moments(hours=hours, policy=policy):
        title = titles.get(moment, moment)
        if 0 <= minute < MINUTES_IN_DAY:
            items.append(SheetItem(minute, "moment", title, moment=moment))
        else:
            dropped.append(Dropped("moment", title, _signed_hhmm(minute), "outside_day"))

    blocked: set[int] = set()
    for fixed in items:
        blocked.update(range(fixed.minute - policy.clearance, fixed.minute + policy.clearance + 1))
    taken: set[int] = set()
    for promotion in promotions:
        nominal, last = promotion_nominal_minutes(promotion=promotion, day=day, tz=tz)
        for minute in nominal:
            slot = minute
            while slot in blocked or slot in taken:
                slot += 1
            if slot > last:
                dropped.append(Dropped("promotion", promotion.title, hhmm(minute), "past_end",
                                       promotion_id=promotion.promotion_id))
                continue
            taken.add(slot)
            items.append(SheetItem(slot, "promotion", promotion.title, promotion.script_id,
                                   promotion_id=promotion.promotion_id, moved_from=minute if slot != minute else None))
    order = {"moment": 0, "fixed": 1, "promotion": 2}
    items.sort(key=lambda i: (i.minute, order[i.kind], i.title))
    return DaySheet(day, hours, tuple(items), tuple(dropped))


# ---- R-BC-4 ----------------------------------------------------------------------------------------------
def insert_priority(kind: str) -> int:
    return INSERT_PRIORITY[kind]


def insert_queue_key(*, kind: str, raised_at: datetime, insert_id: int = 0) -> tuple:
    """R-BC-4: by kind in priority order, then by the time it was queued."""
    return INSERT_PRIORITY[kind], raised_at, insert_id


def insert_is_expired(*, expires_at: datetime, now: datetime) -> bool:
    return now >= expires_at


def insert_text(*, template: str, details: str, ref: str, raised: str) -> str:
    """The words to read for an insert: the kind's approved template with `{details}`, `{ref}` and
    `{time}` filled in. Without a `{details}` place, details given are added as a paragraph of their
    own; without a template the details are the text."""
    details = details.strip()
    if not template:
        return details
    text = template.replace("{ref}", ref).replace("{time}", raised)
    if "{details}" in text:
        if not details:  # no empty stress marks left behind
            text = text.replace("**{details}**", "{details}")
        return text.replace("{details}", details)
    return f"{text}\n{details}" if details else text


# ---- R-BC-5 ----------------------------------------------------------------------------------------------
SCRIPT_TRANSITIONS = {
    "submit": ("draft", "awaiting_review"),
    "approve": ("awaiting_review", "approved"),
    "reject": ("awaiting_review", "draft"),
}


def script_transition_refusal(*, action: str, status: str, is_author: bool, may_review: bool) -> str | None:
    """Why this script action is refused, or None. `forbidden` (403) comes before `out_of_order` (409):
    an announcer may not approve anything, whatever its state."""
    source, _target = SCRIPT_TRANSITIONS[action]
    if action in ("approve", "reject") and (not may_review or is_author):
        return "forbidden"
    if status != source:
        return "out_of_order"
    return None


# Reading marks (R-BC-5; the manual: 对断句、重点字句等处作出标记): written inside the script text.
#   /  a short pause (断句)          //  a long pause
#   **words**  stress (重读)          [Brand|reading]  how to pronounce a brand name, e.g. [Lancôme|兰蔻 lán kòu]
MARK_PATTERN = re.compile(r"//|/|\*\*(?P<stress>.+?)\*\*|\[(?P<word>[^\[\]|\n]+)\|(?P<reading>[^\[\]\n]+)\]")


@dataclass(frozen=True)
class Segment:
    kind: str  # text | pause | long_pause | stress | pronounce | newline
    text: str = ""
    reading: str = ""


def reading_marks_parse(text: str) -> list[Segment]:
    segments: list[Segment] = []

    def plain(chunk: str) -> None:
        for i, line in enumerate(chunk.split("\n")):
            if i:
                segments.append(Segment("newline"))
            if line:
                segments.append(Segment("text", line))

    pos = 0
    for match in MARK_PATTERN.finditer(text):
        plain(text[pos:match.start()])
        token = match.group(0)
        if token == "//":
            segments.append(Segment("long_pause"))
        elif token == "/":
            segments.append(Segment("pause"))
        elif match.group("stress") is not None:
            segments.append(Segment("stress", match.group("stress")))
        else:
            segments.append(Segment("pronounce", match.group("word").strip(), match.group("reading").strip()))
        pos = match.end()
    plain(text[pos:])
    return segments


def reading_marks_strip(text: str) -> str:
    """The words alone, as heard (for search and the log)."""
    parts = []
    for s in reading_marks_parse(text):
        parts.append({"text": s.text, "stress": s.text, "pronounce": s.text, "newline": "\n"}.get(s.kind, ""))
    return "".join(parts)


# ---- R-BC-6 ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoggedFacts:
    kind: str
    title: str
    planned_minute: int | None
    aired_minute: int
    by: str = ""


@dataclass(frozen=True)
class AirCheck:
    item: SheetItem
    status: str  # aired | missed | due | upcoming
    logged: LoggedFacts | None = None


def air_check(*, sheet: DaySheet, logged: list[LoggedFacts], now_minute: int, policy: SheetPolicy) -> list[AirCheck]:
    """Planned against aired: an item is `aired` when a log row names its kind, title and planned time;
    otherwise `missed` once `late_after` minutes have passed, `due` from its minute until then, and
    `upcoming` before. `now_minute` is −1 for a day not yet begun and 1440 for a day gone."""
    by_key = {(row.kind, row.title, row.planned_minute): row for row in logged if row.planned_minute is not None}
    result = []
    for item in sheet.items:
        row = by_key.get((item.kind, item.title, item.minute))
        if row is not None:
            status = "aired"
        elif now_minute > item.minute + policy.late_after:
            status = "missed"
        elif now_minute >= item.minute:
            status = "due"
        else:
            status = "upcoming"
        result.append(AirCheck(item, status, row))
    return result


def sheet_item_for_log(*, sheet: DaySheet, kind: str, title: str, aired_minute: int,
                       already: set[tuple[str, str, int]]) -> SheetItem | None:
    """The sheet item a log row without a planned time most likely records: same kind and title, not yet
    logged, nearest to the time it aired."""
    candidates = [i for i in sheet.items if i.kind == kind and i.title == title
                  and (i.kind, i.title, i.minute) not in already]
    if not candidates:
        return None
    return min(candidates, key=lambda i: (abs(i.minute - aired_minute), i.minute))
