"""Seed data: the default clock policy (R-CMP-2) and the reply phrase library with the never-use list
(R-CMP-6), written in the store's own words after the communication handbooks (seeds/000…003)."""

import datetime

from django.db import migrations

PHRASES = {
    "greeting": [
        "您好，这里是商场服务台，我是客服专员，请问有什么可以帮您？",
        "您好，请坐，先喝杯水，慢慢说，我来帮您处理。",
        "您好，感谢您来电，我已经准备好记录，请您讲。",
    ],
    "emotion": [
        "非常理解您现在的心情，遇到这样的事换作是我也会着急。",
        "给您带来了不好的购物体验，我代表商场向您诚恳道歉。",
        "您反映的情况我都记下了，我先跟您复述一遍，看看有没有遗漏。",
        "谢谢您把问题告诉我们，这能帮我们把服务做得更好。",
    ],
    "product": [
        "这件商品的材质和保养方法我帮您向专柜核实，核实后第一时间回复您。",
        "您提到的质量问题，我们会请专柜和厂家一起检验，结果出来马上告诉您。",
        "这款商品的主要特点是……，您比较关心的这一点，我给您具体说明一下。",
    ],
    "order": [
        "麻烦您提供一下购物小票或会员卡号，我马上帮您查询。",
        "您这张小票的购买记录我已经查到了，是某月某日在某专柜购买的，对吗？",
        "小票上的信息我核对过了，接下来的处理步骤是这样的……",
    ],
    "delivery": [
        "给您添麻烦了，我现在就联系送货部门查询具体进度，请您稍等。",
        "送货途中造成的破损由我们负责，我们会为您安排补送或退换。",
        "送货员会在出发前先给您打电话确认时间，请您保持电话畅通。",
    ],
    "returns": [
        "按照商场的退换货规定，您的情况符合办理条件，我现在带您去办理。",
        "这种情况暂时不符合退换条件，原因是……，我们可以为您这样处理，您看可以吗？",
        "需要请专柜先确认一下商品状况，大约需要十分钟，请您稍坐。",
    ],
    "price": [
        "商场的商品在质量和售后上都有保障，这个价格是合理的。",
        "您可以关注一下会员活动，持会员卡购物可以积分，积分能兑换购物券。",
        "如果您购买后发现标价有误导，我们会按规定为您退换。",
    ],
    "closing": [
        "针对这个问题，我们给您的处理方案是……，您看这样可以吗？",
        "请问还有其他可以帮到您的吗？",
        "处理结果出来后，我们会在约定时间给您回电，感谢您的耐心。",
        "感谢您的理解和支持，欢迎您常来，祝您购物愉快！",
    ],
}

FORBIDDEN = [
    ("commanding", "你必须", "麻烦您……，好吗？"),
    ("commanding", "你应该", "建议您……"),
    ("commanding", "赶紧", "请您稍等，我尽快……"),
    ("blame", "这不是我的错", "我来帮您查清楚并处理。"),
    ("blame", "与我们无关", "我们会协助您联系相关方处理。"),
    ("blame", "这是物流公司的问题", "我马上帮您联系送货部门查询。"),
    ("blame", "不归我管", "我帮您转给负责的同事，并跟进结果。"),
    ("blame", "找厂家去", "我们会替您联系供应商并跟进。"),
    ("arguing", "你搞错了", "是我没解释清楚，我再给您说明一下。"),
    ("arguing", "不可能", "我马上核实一下这个情况。"),
    ("arguing", "你自己看", "我给您指一下具体的位置。"),
    ("promise", "我保证", "我会尽力为您争取，并在某时前回复您。"),
    ("promise", "绝对没问题", "我们会按规定认真处理。"),
    ("promise", "肯定能退", "我先核实是否符合退换条件。"),
    ("vague", "可能", "说明确定的事实与时间，不确定的先核实再答复。"),
    ("vague", "大概", "给出准确的时间或金额。"),
    ("vague", "也许", "核实后给出明确答复。"),
    ("vague", "差不多", "给出准确的数字。"),
]


def seed(apps, schema_editor):
    Policy = apps.get_model("complaints", "ComplaintPolicy")
    Phrase = apps.get_model("complaints", "ReplyPhrase")
    Forbidden = apps.get_model("complaints", "ForbiddenPhrase")
    Policy.objects.get_or_create(effective_from=datetime.date(2000, 1, 1),
                                 defaults={"routing_hours": 24, "escalation_hours": 24})
    for scene, texts in PHRASES.items():
        for sort, text in enumerate(texts):
            Phrase.objects.get_or_create(scene=scene, text=text, defaults={"sort": sort})
    for kind, text, instead in FORBIDDEN:
        Forbidden.objects.get_or_create(text=text, defaults={"kind": kind, "instead": instead})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
