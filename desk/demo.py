"""Demo data of the desk services: the brand directory, a morning's enquiries, umbrellas out, free items,
a lost child and a found wallet (with their PA inserts), a delivery and a stored bag (idempotent)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import services
from .models import Brand, Enquiry, SupplyItem

BRANDS = [
    ("雅诗兰黛", "1F", "C-1F-01", "化妆品", "021-6000-1101"), ("兰蔻", "1F", "C-1F-02", "化妆品", "021-6000-1102"),
    ("周大福", "1F", "C-1F-08", "珠宝", "021-6000-1108"), ("耐克", "4F", "C-4F-03", "运动", "021-6000-1403"),
    ("李宁", "4F", "C-4F-05", "运动", "021-6000-1405"), ("海澜之家", "3F", "C-3F-10", "男装", "021-6000-1310"),
    ("百丽", "2F", "C-2F-04", "鞋", "021-6000-1204"), ("好孩子", "5F", "C-5F-01", "童装", "021-6000-1501"),
]
SUPPLIES = [
    ("sewing-kit", "针线包", "sewing_kit", "个", 40), ("band-aid", "创可贴", "first_aid", "片", 100),
    ("safflower-oil", "红花油", "first_aid", "瓶", 6), ("flyer-dec", "十二月促销宣传单", "publication", "张", 500),
    ("gift-paper", "礼品包装纸", "desk_supply", "张", 80),
]


@transaction.atomic
def load(*, stdout) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["clerk", "desk_supervisor"])}
    if len(users) < 2:
        stdout.write("desk demo: desk users missing, run the servicedesk demo first")
        return
    clerk, sup = users["clerk"], users["desk_supervisor"]
    for brand, floor, counter, category, phone in BRANDS:
        if not Brand.objects.filter(brand=brand).exists():
            services.brand_save(user=sup, brand=brand, floor=floor, counter=counter, category=category, phone=phone)
    for code, name, kind, unit, qty in SUPPLIES:
        item, created = SupplyItem.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "unit": unit})
        if created:
            services.supply_receive(item=item, quantity=qty, user=sup, note="期初入库")
    if Enquiry.objects.exists():
        stdout.write("desk demo: already there")
        return
    now = timezone.now()
    for minutes, channel, topic, question in [
        (180, "phone", "brand_location", "雅诗兰黛在几楼？"), (150, "in_person", "directions", "洗手间怎么走"),
        (120, "in_person", "services", "可以开发票吗"), (90, "phone", "brand_location", "有没有耐克专柜"),
        (60, "in_person", "other", "停车怎么收费"), (30, "phone", "services", "会员生日礼怎么领"),
    ]:
        services.enquiry_log(user=clerk, channel=channel, topic=topic, question=question, now=now - timedelta(minutes=minutes))
    services.umbrella_lend(user=clerk, umbrella="U-003", customer_name="陈女士", phone="13800001234",
                           now=now - timedelta(days=4))
    services.umbrella_lend(user=clerk, umbrella="U-017", customer_name="刘先生", phone="13900005678")
    back = services.umbrella_lend(user=clerk, umbrella="U-021", customer_name="赵先生", phone="13700009876")
    services.umbrella_return(loan=back, user=clerk)
    services.supply_issue(item=SupplyItem.objects.get(code="sewing-kit"), quantity=1, user=clerk)
    services.lost_property_register(user=clerk, kind="lost_child", description="男孩，约5岁，穿红色外套，名叫乐乐",
                                    found_where="三楼童装区", found_by="保洁员王阿姨")
    services.lost_property_register(user=clerk, kind="found_item", description="黑色钱包一个", found_where="一楼化妆品区",
                                    found_by="顾客", holding_place="服务台保险柜")
    services.delivery_request(user=clerk, customer_name="孙先生", phone="13600002222", address="浦东新区某某路88号3室",
                              goods="双门冰箱一台", wanted_on=timezone.localdate() + timedelta(days=2))
    services.bag_store(user=clerk, tag="B-05", description="购物袋两个")
    stdout.write("desk demo: 8 brands, 5 supplies, 6 enquiries, 3 umbrellas, 2 lost-property entries, 1 delivery, 1 bag")
