"""Choices of the complaints desk (R-CMP-1…7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone")
    FORM = "form", _("Written opinion form")
    MESSAGE = "message", _("Message")


class ComplaintType(models.TextChoices):
    SERVICE = "service", _("Service attitude")
    QUALITY = "quality", _("Product quality")
    ENVIRONMENT = "environment", _("Shopping environment")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    AWAITING_ROUTING = "awaiting_routing", _("Awaiting routing")
    AWAITING_FEEDBACK = "awaiting_feedback", _("Awaiting department feedback")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    AWAITING_NOTICE = "awaiting_notice", _("Awaiting customer notice")
    AWAITING_EXECUTION = "awaiting_execution", _("Awaiting execution")
    AWAITING_FOLLOWUP = "awaiting_followup", _("Awaiting follow-up call")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = tuple(s for s in ComplaintStatus.values if s != ComplaintStatus.CLOSED)


class Temperament(models.TextChoices):
    UNKNOWN = "", _("Not assessed")
    FRIENDLY = "friendly", _("Friendly")
    DECISIVE = "decisive", _("Decisive")
    ANALYTICAL = "analytical", _("Analytical")
    SELF_CENTRED = "self_centred", _("Self-centred")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class DissatisfiedOutcome(models.TextChoices):
    REOPEN = "reopen", _("Reopen: back to the department")
    ESCALATE = "escalate", _("Escalate to the next level")


class PhraseScene(models.TextChoices):
    GREETING = "greeting", _("Greeting")
    EMOTION = "emotion", _("Calming and apology")
    PRODUCT = "product", _("Product question")
    ORDER = "order", _("Order / receipt query")
    DELIVERY = "delivery", _("Logistics / delivery")
    RETURNS = "returns", _("Returns and exchanges")
    PRICE = "price", _("Price objection")
    CLOSING = "closing", _("Closing")


class ForbiddenKind(models.TextChoices):
    COMMANDING = "commanding", _("Commanding tone")
    BLAME = "blame", _("Blame-shifting")
    ARGUING = "arguing", _("Arguing with the customer")
    PROMISE = "promise", _("Promise that cannot be kept")
    VAGUE = "vague", _("Vague words for key facts")


class ComplaintEventType(models.TextChoices):
    RECEIVED = "received", _("Received")
    SUPERVISOR_ALERTED = "supervisor_alerted", _("Desk supervisor alerted (serious case)")
    ROUTED = "routed", _("Routed to department")
    REJECTED = "rejected", _("Judged not valid, customer answered")
    FEEDBACK = "feedback", _("Department feedback")
    SENT_BACK = "sent_back", _("Proposal sent back to the department")
    APPROVED = "approved", _("Handling approved")
    CUSTOMER_NOTIFIED = "customer_notified", _("Customer notified")
    CARRIED_OUT = "carried_out", _("Handling carried out")
    FOLLOWED_UP = "followed_up", _("Follow-up call")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    ESCALATED = "escalated", _("Escalated")
    SUPPLIER_CONTACTED = "supplier_contacted", _("Supplier contacted")
    EDITED = "edited", _("Record edited")


# Handling advice per customer temperament, in the store's words after the handbook (R-CMP-6).
TEMPERAMENT_ADVICE = {
    Temperament.FRIENDLY: "随和宽容、信任商场，多是忠诚顾客。不因对方好说话而降低标准，照样给出最好的服务，按时兑现承诺。",
    Temperament.DECISIVE: "自信果断、情绪强烈，要求付出有回报，最忌被怀疑、被怠慢。小心应对，尽量满足合理要求，让对方感到被尊重；"
    "先认可其想法，再给方案，由主管出面更有效。",
    Temperament.ANALYTICAL: "心思细、讲道理，重逻辑也重公平，懂得用法律维权。真诚相待，把事实、依据和处理理由讲清楚，"
    "给出书面的合理解释，争取理解，切勿含糊。",
    Temperament.SELF_CENTRED: "以自我为中心、敏感多疑，不容利益受损。先控制好自己的情绪，以礼相待；属我方过失的真诚道歉，"
    "每一步都留记录，说到做到。",
}
