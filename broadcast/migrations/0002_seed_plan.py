"""Seed the booth: the policy with the rules' numbers (R-BC-2/3/4), the weekly hours of the default plan
(08:00–22:00 every day), the default plan of R-BC-1 (seeds/004, 七、播音管理规范 播音流程) with each item's
anchor, and one approved template per urgent-insert kind (R-BC-4).

The templates are the store's standard wording, approved by this migration (no author, no reviewer): a
new installation can raise an insert at once; the desk supervisor edits them like any other script."""

from datetime import date, time

from django.db import migrations

# (time, title) as in the manual, for opening 08:00 and closing 22:00.
DEFAULT_PLAN = [
    ("07:50", "激励性歌曲"),
    ("07:55", "开市音乐（激昂）、致员工词"),
    ("08:00", "开市迎宾词、欢快乐曲（钢琴曲等）"),
    ("09:00", "商场介绍及各楼层介绍"),
    ("10:00", "商品介绍（含一般商品、特价商品）"),
    ("10:30", "商场服务介绍"),
    ("11:00", "商场相关信息介绍"),
    ("11:30", "商场介绍、各楼层介绍"),
    ("12:30", "流行歌曲选播"),
    ("13:30", "国外歌曲选播"),
    ("14:30", "劲歌选播"),
    ("15:30", "商场服务介绍"),
    ("16:30", "商场相关信息介绍"),
    ("17:30", "欢快乐曲选播（电子琴）"),
    ("18:30", "商场相关信息介绍"),
    ("19:30", "商场介绍、各楼层介绍"),
    ("20:00", "商品介绍（含一般商品、特价商品）"),
    ("21:00", "轻音乐"),
    ("21:40", "闭店前预告"),
    ("22:00", "闭店词，结束"),
]

TEMPLATES = {
    "emergency": ("紧急通知", "顾客朋友们请注意：/ **{details}** // 请听从商场工作人员的指引，/ 有序离开，/ 不要拥挤。"
                  "// 再播送一遍：{details}"),
    "lost_child": ("寻人启事（儿童）", "顾客朋友们请注意：/ 现有一位小朋友 **{details}** / 正在一楼服务台等候家长，"
                   "// 请孩子的家长听到广播后 / 尽快到一楼服务台认领。// 谢谢！"),
    "lost_person": ("寻人启事", "{details} // 请听到广播后 / 尽快到一楼服务台，/ 您的家人正在等您。// 谢谢！"),
    "special": ("特别提示", "顾客朋友们请注意：/ {details} // 给您带来的不便，/ 敬请谅解。"),
    "lost_property": ("失物招领", "顾客朋友们请注意：/ 服务台拾到 **{details}**，/ 登记号 {ref}。"
                      "// 请失主带好有效证件 / 到一楼服务台认领。// 谢谢！"),
}


def _t(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _anchor(at: time) -> str:
    # R-BC-1: items before 12:00 keep their distance from opening, from 17:30 from closing, in between the clock.
    if at < time(12, 0):
        return "opening"
    if at >= time(17, 30):
        return "closing"
    return "clock"


def seed(apps, schema_editor):
    BroadcastPolicy = apps.get_model("broadcast", "BroadcastPolicy")
    WeeklyHours = apps.get_model("broadcast", "WeeklyHours")
    PlanVersion = apps.get_model("broadcast", "PlanVersion")
    PlanItem = apps.get_model("broadcast", "PlanItem")
    Script = apps.get_model("broadcast", "Script")
    InsertTemplate = apps.get_model("broadcast", "InsertTemplate")
    if not BroadcastPolicy.objects.exists():
        BroadcastPolicy.objects.create(effective_from=date(2000, 1, 1), note="按《播音管理规范》默认值")
    for weekday in range(7):
        WeeklyHours.objects.get_or_create(weekday=weekday, defaults={"opening": time(8, 0), "closing": time(22, 0)})
    if not PlanVersion.objects.exists():
        plan = PlanVersion.objects.create(name="默认播音计划", effective_from=date(2000, 1, 1),
                                          note="《播音管理规范》播音流程")
        PlanItem.objects.bulk_create([PlanItem(version=plan, at=_t(at), title=title, anchor=_anchor(_t(at)))
                                      for at, title in DEFAULT_PLAN])
    for kind, (title, text) in TEMPLATES.items():
        if not InsertTemplate.objects.filter(kind=kind).exists():
            script = Script.objects.create(title=title, kind="notice", text=text, status="approved")
            InsertTemplate.objects.create(kind=kind, script=script)


class Migration(migrations.Migration):
    dependencies = [("broadcast", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
