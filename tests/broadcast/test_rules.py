"""Pure rules of the booth (no database): R-BC-1 shifting, R-BC-2 slots, R-BC-3 moments, R-BC-4 order,
R-BC-5 transitions and reading marks, R-BC-6 planned-versus-aired, across the day's edges and midnight."""

import importlib
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from broadcast import rules

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 5)
SEED = importlib.import_module("broadcast.migrations.0002_seed_plan")
DEFAULT = rules.Hours(time(8, 0), time(22, 0))
POLICY = rules.SheetPolicy()


def default_plan() -> list[rules.PlanItemFacts]:
    return [rules.PlanItemFacts(SEED._t(at), title, SEED._anchor(SEED._t(at)), item_id=i)
            for i, (at, title) in enumerate(SEED.DEFAULT_PLAN, start=1)]


def at(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


def promo(pid, start, end, every, title=None):
    return rules.PromotionFacts(pid, title or f"promo {pid}", start, end, every, script_id=100 + pid)


def build(hours=DEFAULT, promotions=(), plan=None, policy=POLICY, day=DAY):
    return rules.day_sheet_build(day=day, hours=hours, reference=DEFAULT, plan=default_plan() if plan is None else plan,
                                 promotions=list(promotions), policy=policy, tz=TZ)


def times_of(sheet, kind):
    return [i.at for i in sheet.items if i.kind == kind]


# ---- R-BC-1 ----------------------------------------------------------------------------------------------
def test_r_bc_1_default_day_is_the_manuals_plan_at_its_clock_times():
    sheet = build()
    assert times_of(sheet, "fixed") == [at for at, _t in SEED.DEFAULT_PLAN]
    assert sheet.items[0].at == "07:50" and sheet.items[-1].at == "22:00"


def test_r_bc_1_hours_0900_2130_shift_opening_and_closing_items_and_keep_the_middle():
    sheet = build(hours=rules.Hours(time(9, 0), time(21, 30)))
    fixed = {i.title: i.at for i in sheet.items if i.kind == "fixed"}
    assert fixed["激励性歌曲"] == "08:50"  # 07:50 keeps its 10 minutes before opening
    assert fixed["开市迎宾词、欢快乐曲（钢琴曲等）"] == "09:00"
    assert fixed["国外歌曲选播"] == "13:30"  # between 12:00 and 17:30: stays
    assert fixed["流行歌曲选播"] == "12:30"
    assert fixed["闭店前预告"] == "21:10"  # 21:40 keeps its 20 minutes before closing
    assert fixed["闭店词，结束"] == "21:30"
    assert fixed["欢快乐曲选播（电子琴）"] == "17:00"  # 17:30 is a closing item


def test_r_bc_1_anchors_of_the_seeded_plan_follow_the_rule_boundaries():
    anchors = {at: SEED._anchor(SEED._t(at)) for at, _t in SEED.DEFAULT_PLAN}
    assert anchors["11:30"] == "opening" and anchors["12:30"] == "clock"
    assert anchors["16:30"] == "clock" and anchors["17:30"] == "closing"


def test_r_bc_1_closing_must_be_after_opening():
    assert rules.hours_refusal(opening=time(9, 0), closing=time(9, 0)) == "closing_not_after_opening"
    assert rules.hours_refusal(opening=time(9, 0), closing=time(8, 59)) == "closing_not_after_opening"
    assert rules.hours_refusal(opening=time(9, 0), closing=time(9, 1)) is None


def test_r_bc_1_items_shifted_over_midnight_leave_the_day_and_are_listed():
    # opening 00:05: 07:50 → −00:05 (the day before); closing 23:59: 22:00 → 23:59, 21:40 → 23:39
    sheet = build(hours=rules.Hours(time(0, 5), time(23, 59)))
    fixed = {i.title: i.at for i in sheet.items if i.kind == "fixed"}
    assert "激励性歌曲" not in fixed
    assert fixed["开市音乐（激昂）、致员工词"] == "00:00"
    assert fixed["闭店词，结束"] == "23:59" and fixed["闭店前预告"] == "23:39"
    outside = [(d.title, d.nominal, d.reason) for d in sheet.dropped]
    assert ("激励性歌曲", "-00:05", "outside_day") in outside
    assert ("迎宾曲", "00:00", "outside_day") not in outside  # the welcome moment is at 00:00, on the day
    assert {i.at for i in sheet.items if i.kind == "moment"} == {"00:00", "23:44", "23:54"}


# ---- R-BC-3 ----------------------------------------------------------------------------------------------
def test_r_bc_3_moments_from_the_hours_0900_2130():
    sheet = build(hours=rules.Hours(time(9, 0), time(21, 30)))
    moments = {i.moment: i.at for i in sheet.items if i.kind == "moment"}
    assert moments == {"welcome": "08:55", "closing_reminder": "21:15", "farewell": "21:25"}


def test_r_bc_3_moment_offsets_are_policy_numbers():
    policy = rules.SheetPolicy(welcome_before_opening=10, closing_reminder_before_closing=30, farewell_before_closing=1)
    sheet = build(policy=policy)
    assert times_of(sheet, "moment") == ["07:50", "21:30", "21:59"]


def test_r_bc_3_welcome_before_a_0003_opening_is_not_on_the_day():
    sheet = build(hours=rules.Hours(time(0, 3), time(22, 0)), plan=[])
    assert [(d.kind, d.nominal) for d in sheet.dropped] == [("moment", "-00:02")]


# ---- R-BC-2 ----------------------------------------------------------------------------------------------
def test_r_bc_2_1220_1245_every_5_its_1230_slot_moves_to_1233():
    sheet = build(promotions=[promo(1, at(DAY, 12, 20), at(DAY, 12, 45), 5)])
    slots = sheet.slots_of(1)
    assert slots == ["12:20", "12:25", "12:33", "12:35", "12:40", "12:45"]
    moved = [i for i in sheet.items if i.promotion_id == 1 and i.moved_from is not None]
    assert [(i.at, rules.hhmm(i.moved_from)) for i in moved] == [("12:33", "12:30")]


def test_r_bc_2_every_slot_within_the_clearance_moves_to_the_first_minute_clear():
    # 12:28 … 12:32 are all within 2 minutes of 12:30: each moves to 12:33, the next free minute after
    for nominal, expected in ((28, "12:33"), (29, "12:33"), (30, "12:33"), (32, "12:33"), (27, "12:27"), (33, "12:33")):
        sheet = build(promotions=[promo(1, at(DAY, 12, nominal), at(DAY, 12, 50), 10)])
        assert sheet.slots_of(1)[0] == expected, nominal


def test_r_bc_2_clearance_is_a_policy_number():
    sheet = build(promotions=[promo(1, at(DAY, 12, 30), at(DAY, 12, 31), 5)],
                  policy=rules.SheetPolicy(clearance=0))
    assert sheet.slots_of(1) == ["12:31"]  # only the plan item's own minute is blocked
    sheet = build(promotions=[promo(1, at(DAY, 12, 26), at(DAY, 12, 40), 5)], policy=rules.SheetPolicy(clearance=4))
    # 12:26 → 12:35 (12:26…12:34 blocked), 12:31 → 12:36, and its own 12:36 moves on a minute → 12:37
    assert sheet.slots_of(1) == ["12:35", "12:36", "12:37"]


def test_r_bc_2_contract_example_1000_1200_every_7():
    sheet = build(promotions=[promo(1, at(DAY, 10, 0), at(DAY, 12, 0), 7)])
    slots = sheet.slots_of(1)
    # 10:00 is the 10:00 plan item's minute → 10:03; 10:28 → 10:33 (10:30 item); 10:56 → 11:03; 11:31 → 11:33
    assert slots[:6] == ["10:03", "10:07", "10:14", "10:21", "10:33", "10:35"]
    assert "11:03" in slots and "11:33" in slots and slots[-1] == "11:59"
    assert len(slots) == 18  # 10:00 + 7k up to 12:00 is 18 slots, none dropped


def test_r_bc_2_slot_pushed_past_the_end_is_dropped():
    sheet = build(promotions=[promo(1, at(DAY, 12, 20), at(DAY, 12, 31), 5)])
    assert sheet.slots_of(1) == ["12:20", "12:25"]
    assert [(d.nominal, d.reason) for d in sheet.dropped if d.promotion_id == 1] == [("12:30", "past_end")]


def test_r_bc_2_two_promotions_never_share_a_minute_the_later_created_moves_on():
    first = promo(1, at(DAY, 14, 0), at(DAY, 14, 40), 10)
    second = promo(2, at(DAY, 14, 0), at(DAY, 14, 40), 10)
    sheet = build(promotions=[first, second])
    assert sheet.slots_of(1) == ["14:00", "14:10", "14:20", "14:33", "14:40"]  # 14:30 item → 14:33
    assert sheet.slots_of(2) == ["14:01", "14:11", "14:21", "14:34", "14:41"][:4]  # 14:41 is past 14:40: dropped
    minutes = [i.minute for i in sheet.items if i.kind == "promotion"]
    assert len(minutes) == len(set(minutes))


def test_r_bc_2_a_moved_slot_does_not_drift_the_grid():
    sheet = build(promotions=[promo(1, at(DAY, 12, 25), at(DAY, 12, 50), 5)])
    assert sheet.slots_of(1) == ["12:25", "12:33", "12:35", "12:40", "12:45", "12:50"]


def test_r_bc_2_a_promotion_over_midnight_keeps_its_cadence_on_the_next_day():
    nxt = date(2026, 12, 6)
    p = promo(1, at(DAY, 23, 50), at(nxt, 0, 20), 7)
    today = build(promotions=[p], plan=[], hours=rules.Hours(time(8, 0), time(22, 0)))
    tomorrow = build(promotions=[p], plan=[], day=nxt)
    assert today.slots_of(1) == ["23:50", "23:57"]
    assert tomorrow.slots_of(1) == ["00:04", "00:11", "00:18"]


def test_r_bc_2_a_slot_pushed_past_2359_is_dropped_not_carried():
    p = promo(1, at(DAY, 23, 58), at(date(2026, 12, 6), 0, 30), 10)
    plan = [rules.PlanItemFacts(time(23, 59), "end", "clock")]
    sheet = build(promotions=[p], plan=plan)
    assert sheet.slots_of(1) == [] and sheet.dropped[-1].reason == "past_end"


def test_r_bc_2_interval_outside_the_policy_range_is_refused():
    assert rules.every_minutes_refusal(every_minutes=4, policy=POLICY) == "every_minutes_out_of_range"
    assert rules.every_minutes_refusal(every_minutes=11, policy=POLICY) == "every_minutes_out_of_range"
    assert rules.every_minutes_refusal(every_minutes=5, policy=POLICY) is None
    assert rules.every_minutes_refusal(every_minutes=10, policy=POLICY) is None


def test_sheet_is_ordered_by_time_moments_before_plan_items():
    sheet = build(hours=rules.Hours(time(8, 5), time(22, 0)))  # welcome 08:00, 07:55 → 08:00
    eight = [(i.kind, i.title) for i in sheet.items if i.at == "08:00"]
    assert eight[0][0] == "moment"
    assert [i.minute for i in sheet.items] == sorted(i.minute for i in sheet.items)


# ---- R-BC-4 ----------------------------------------------------------------------------------------------
def test_r_bc_4_priority_emergency_first_then_lost_child_person_special_property():
    assert [k for k, _p in sorted(rules.INSERT_PRIORITY.items(), key=lambda kv: kv[1])] == [
        "emergency", "lost_child", "lost_person", "special", "lost_property"]
    early, late = at(DAY, 10, 0), at(DAY, 10, 5)
    queue = sorted([("lost_property", early), ("emergency", late), ("lost_child", late), ("lost_child", early)],
                   key=lambda x: rules.insert_queue_key(kind=x[0], raised_at=x[1]))
    assert queue == [("emergency", late), ("lost_child", early), ("lost_child", late), ("lost_property", early)]


def test_r_bc_4_expiry():
    assert rules.insert_is_expired(expires_at=at(DAY, 10, 15), now=at(DAY, 10, 15))
    assert not rules.insert_is_expired(expires_at=at(DAY, 10, 15), now=at(DAY, 10, 14))


def test_r_bc_4_template_filled_in():
    template = "现有一位小朋友 **{details}** 在服务台，登记号 {ref}，{time}"
    assert rules.insert_text(template=template, details="穿红衣服", ref="SW-1", raised="10:05") == (
        "现有一位小朋友 **穿红衣服** 在服务台，登记号 SW-1，10:05")
    assert "****" not in rules.insert_text(template=template, details="", ref="", raised="10:05")
    assert rules.insert_text(template="请注意。", details="三楼", ref="", raised="") == "请注意。\n三楼"
    assert rules.insert_text(template="", details=" 火警 ", ref="", raised="") == "火警"


# ---- R-BC-5 ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("action", "status", "is_author", "may_review", "expected"), [
    ("submit", "draft", True, False, None),
    ("submit", "approved", True, False, "out_of_order"),
    ("approve", "awaiting_review", False, True, None),
    ("approve", "draft", False, True, "out_of_order"),  # not submitted → 409
    ("approve", "awaiting_review", True, True, "forbidden"),  # the author never approves
    ("approve", "awaiting_review", False, False, "forbidden"),  # an announcer → 403
    ("approve", "draft", False, False, "forbidden"),  # 403 before 409
    ("reject", "awaiting_review", False, True, None),
    ("reject", "approved", False, True, "out_of_order"),
])
def test_r_bc_5_script_transitions(action, status, is_author, may_review, expected):
    assert rules.script_transition_refusal(action=action, status=status, is_author=is_author,
                                           may_review=may_review) == expected


def test_r_bc_5_reading_marks_parse():
    segments = rules.reading_marks_parse("欢迎光临 / [Lancôme|兰蔻 lán kòu] //**八折**\n谢谢")
    assert [(s.kind, s.text, s.reading) for s in segments] == [
        ("text", "欢迎光临 ", ""), ("pause", "", ""), ("text", " ", ""), ("pronounce", "Lancôme", "兰蔻 lán kòu"),
        ("text", " ", ""), ("long_pause", "", ""), ("stress", "八折", ""), ("newline", "", ""), ("text", "谢谢", "")]
    assert rules.reading_marks_strip("欢迎 / **光临** [Dior|迪奥]") == "欢迎  光临 Dior"
    assert [s.kind for s in rules.reading_marks_parse("a ** b")] == ["text"]  # an unclosed mark is plain text


# ---- R-BC-6 ----------------------------------------------------------------------------------------------
def test_r_bc_6_air_check_aired_missed_due_upcoming():
    sheet = build(plan=[rules.PlanItemFacts(time(9, 0), "A", "clock"), rules.PlanItemFacts(time(10, 0), "B", "clock"),
                        rules.PlanItemFacts(time(11, 0), "C", "clock"), rules.PlanItemFacts(time(12, 0), "D", "clock")])
    logged = [rules.LoggedFacts("fixed", "A", 9 * 60, 9 * 60 + 1, "ann")]
    checks = {c.item.title: c.status for c in rules.air_check(sheet=sheet, logged=logged, now_minute=11 * 60 + 5,
                                                              policy=POLICY) if c.item.kind == "fixed"}
    assert checks == {"A": "aired", "B": "missed", "C": "due", "D": "upcoming"}  # C at 11:00, late after 11:05
    checks = {c.item.title: c.status for c in rules.air_check(sheet=sheet, logged=logged, now_minute=11 * 60 + 6,
                                                              policy=POLICY) if c.item.kind == "fixed"}
    assert checks["C"] == "missed"
