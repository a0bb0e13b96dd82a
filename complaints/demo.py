"""Demo data of the complaints desk: departments and realistic tickets in every state (idempotent)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from . import services
from .models import Complaint, Department

DEPARTMENTS = [
    ("clothing", "服装部", 48), ("cosmetics", "化妆品部", 24), ("market", "超市部", 24),
    ("appliances", "家电部", 72), ("frontdesk", "收银及服务台", 48),
]


def _backdate(c: Complaint, hours: int) -> None:
    """Move a demo ticket's clocks into the past so lists show running and overdue clocks."""
    delta = timedelta(hours=hours)
    fields = {f: getattr(c, f) - delta for f in ("received_at", "route_by", "routed_at", "feedback_by") if getattr(c, f)}
    Complaint.objects.filter(pk=c.pk).update(**fields)


@transaction.atomic
def load(*, stdout) -> None:
    User = get_user_model()
    for code, name, hours in DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name, "feedback_hours": hours})
    users = {u.username: u for u in User.objects.filter(username__in=["clerk", "clerk2", "desk_supervisor",
                                                                        "dept_supervisor", "ops_manager"])}
    if len(users) < 5:
        stdout.write("complaints demo: desk users missing, run the servicedesk demo first")
        return
    clothing, cosmetics = Department.objects.get(code="clothing"), Department.objects.get(code="cosmetics")
    clothing.staff.add(users["dept_supervisor"])
    cosmetics.staff.add(users["dept_supervisor"])
    if Complaint.objects.exists():
        stdout.write("complaints demo: tickets already there")
        return
    clerk, sup, dept, gm = users["clerk"], users["desk_supervisor"], users["dept_supervisor"], users["ops_manager"]

    def receive(**kw):
        base = {"user": clerk, "channel": "visit", "request": "", "temperament": ""}
        return services.complaint_receive(**{**base, **kw})

    # 1. fresh phone call, awaiting routing
    receive(channel="phone", customer_name="王芳", phone="13800138000", type="quality",
            cause="上周在二楼购买的羊毛大衣，穿了一次袖口就起球严重。", request="要求退货", temperament="analytical")
    # 2. not routed for 30 hours: overdue, escalated to the desk supervisor
    late = receive(customer_name="李建国", phone="13912345678", type="service",
                   cause="三号收银台收银员找零时态度生硬，还把零钱扔在台面上。", request="要求收银员道歉", temperament="decisive")
    _backdate(late, 30)
    # 3. consumer association case, alerted at once, routed by the supervisor, awaiting department feedback
    ca = receive(channel="message", customer_name="赵敏", phone="13600001111", type="quality", consumer_association=True,
                 cause="顾客已向消协反映：在化妆品专柜购买的面霜使用后面部过敏红肿。", request="要求退款并赔偿医药费",
                 temperament="self_centred")
    services.complaint_route(complaint=ca, user=sup, valid=True, department=cosmetics, opinion="涉及消协，按重大投诉处理")
    services.supplier_contact_log(complaint=ca, user=clerk, supplier="某某化妆品有限公司", contact_person="陈经理",
                                  contact_phone="021-55556666", goods_taken_back=True,
                                  summary="已取回剩余面霜送检，供应商承诺三个工作日内给出检测结果。")
    # 4. awaiting approval
    c4 = receive(customer_name="孙丽", phone="13700002222", type="quality", cause="童装拉链第一次穿就坏了。", request="换货",
                 temperament="friendly")
    services.complaint_route(complaint=c4, user=clerk, valid=True, department=clothing)
    services.complaint_feedback(complaint=c4, user=dept, investigation="专柜核实为拉链质量问题",
                                result="属实，同批次另有两件同样问题", proposed_handling="为顾客更换同款新品，并下架同批次商品")
    # 5. closed after a satisfied follow-up call
    c5 = receive(customer_name="周强", phone="13500003333", type="environment", cause="地下停车场出口指示牌不清楚，绕了三圈。",
                 request="改进指示牌")
    services.complaint_route(complaint=c5, user=clerk, valid=True, department=Department.objects.get(code="frontdesk"))
    # The front desk answers for itself (its supervisor); the GM approves (role review: the GM never writes
    # a department's feedback).
    services.complaint_feedback(complaint=c5, user=sup, investigation="现场查看", result="指示牌被柱子遮挡",
                                proposed_handling="增设两块指示牌，并向顾客致谢")
    services.complaint_approve(complaint=c5, user=gm, instruction="同意，本周内完成")
    services.complaint_notify_customer(complaint=c5, user=clerk, reply="周先生您好，感谢您的意见，我们将在本周内增设指示牌。")
    services.complaint_carry_out(complaint=c5, user=clerk, note="已增设指示牌两块")
    services.complaint_followup(complaint=c5, user=clerk, satisfaction="satisfied", note="顾客表示满意")
    # 6. judged not valid, answered and closed
    c6 = receive(channel="form", customer_name="吴女士", phone="13300004444", type="other",
                 cause="意见单：希望商场延长营业时间到晚上十一点。")
    services.complaint_route(complaint=c6, user=clerk, valid=False,
                             reply="感谢您的建议，营业时间由商场统一规定，我们已将您的意见转交管理层参考。")
    stdout.write("complaints demo: 5 departments, 6 tickets")
