"""Demo data of the PA booth: today with two promotions on approved scripts (one of them moved clear of
the 12:30 plan item), a script awaiting review, a lost-child insert waiting for the booth, the morning's
log, a handover note and a maintenance record. Idempotent."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import selectors, services
from .models import AirLogEntry, BoothHandover, EquipmentMaintenance, Promotion, Script, UrgentInsert

PROMOTIONS = [
    ("冬季羊绒衫特卖", "冬季羊绒衫特卖：/ 三楼女装区 / 全场 **八折**，// 会员再享双倍积分。/ 活动时间：即日起至本周日。",
     time(10, 0), time(12, 0), 7),
    ("化妆品品牌周", "一楼化妆品区 [Lancôme|兰蔻 lán kòu]、[Estée Lauder|雅诗兰黛 yǎ shī lán dài] 品牌周：/ "
     "购满 **五百元** 赠精美礼品一份，// 数量有限，送完即止。", time(12, 20), time(12, 45), 5),
]


def load(*, stdout) -> None:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["announcer", "desk_supervisor", "clerk"])}
    if len(users) < 3:
        stdout.write("broadcast: demo users missing, skipped")
        return
    announcer, supervisor, clerk = users["announcer"], users["desk_supervisor"], users["clerk"]
    tz = selectors.store_tz()
    today = timezone.localdate()
    made = 0
    for title, text, start, end, every in PROMOTIONS:
        starts_at = datetime.combine(today, start, tzinfo=tz)
        if Promotion.objects.filter(title=title, starts_at=starts_at).exists():
            continue
        script = Script.objects.filter(title=title).first()
        if script is None:
            script = services.script_create(title=title, text=text, kind="promotion", user=announcer)
            services.script_submit(script=script, user=announcer)
            services.script_approve(script=script, user=supervisor)
        services.promotion_create(title=title, script=script, starts_at=starts_at,
                                  ends_at=datetime.combine(today, end, tzinfo=tz), every_minutes=every, user=supervisor)
        made += 1
    if not Script.objects.filter(title="春节营业时间通知").exists():
        draft = services.script_create(title="春节营业时间通知", kind="notice", user=announcer,
                                       text="顾客朋友们：/ 春节期间 / 本商场营业时间为 **上午九点至晚上九点**，// 欢迎光临。")
        services.script_submit(script=draft, user=announcer)
    now = timezone.now()
    if not AirLogEntry.objects.filter(day=today).exists():
        plan = selectors.day_sheet(day=today)
        for item in plan.sheet.items:
            at = datetime.combine(today, time(item.minute // 60, item.minute % 60), tzinfo=tz) + timedelta(minutes=1)
            if at >= now or item.minute >= 11 * 60:
                break
            services.air_log_record(kind=item.kind, title=item.title, planned_at=time(item.minute // 60,
                                    item.minute % 60), aired_at=at, user=announcer)
    if not UrgentInsert.objects.filter(raised_at__date__gte=today - timedelta(days=1)).exists():
        services.urgent_insert_raise(kind="lost_child", text="穿红色羽绒服、约五岁的男孩（名叫乐乐）", user=clerk)
    if not BoothHandover.objects.exists():
        services.booth_handover_write(shift_date=today - timedelta(days=1), shift="late", user=announcer,
                                      equipment_ok=True, notes="功放二号通道音量偏小，已调至 -6 dB；明早 7:50 开机。")
    if not EquipmentMaintenance.objects.exists():
        services.equipment_maintenance_record(equipment="功放 / 调音台", kind="inspection", user=announcer,
                                              description="开机检查各楼层分区音量，五楼东侧喇叭有杂音，已报工程部。",
                                              result="faulty", next_due=today + timedelta(days=7))
    stdout.write(f"broadcast: {made} demo promotions")
