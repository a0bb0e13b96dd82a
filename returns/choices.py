from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnReason(models.TextChoices):
    """Why the customer brings the goods back (api-contract.md `reason`)."""

    CHANGE_OF_MIND = "change_of_mind", _("Change of mind")
    QUALITY = "quality", _("Quality problem")
    MISUSE = "misuse", _("Damage from use, washing or care")
    PRICE_TAG_MISLEADING = "price_tag_misleading", _("Misleading price tag")
    STAFF_MISLEADING = "staff_misleading", _("Misleading advice from a salesperson")


STORE_AT_FAULT_REASONS = (ReturnReason.PRICE_TAG_MISLEADING, ReturnReason.STAFF_MISLEADING)  # R-RET-9


class ReturnKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    EXCHANGE = "exchange", _("Exchange")


class ReturnStatus(models.TextChoices):
    """The sign-off chain (R-RET-12); the transitions are in rules.SIGN_STEPS."""

    AWAITING_COUNTER_CHECK = "awaiting_counter_check", _("Awaiting counter check")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    AWAITING_LOSS_PREVENTION = "awaiting_loss_prevention", _("Awaiting loss prevention")
    AWAITING_REFUND = "awaiting_refund", _("Awaiting refund at the till")
    REFUNDED = "refunded", _("Refunded")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = (
    ReturnStatus.AWAITING_COUNTER_CHECK,
    ReturnStatus.AWAITING_APPROVAL,
    ReturnStatus.AWAITING_LOSS_PREVENTION,
    ReturnStatus.AWAITING_REFUND,
)


class SignStep(models.TextChoices):
    COUNTER_CHECK = "counter_check", _("Counter check")
    APPROVE = "approve", _("Approval")
    LOSS_PREVENTION = "loss_prevention", _("Loss prevention")
    REFUND = "refund", _("Refund")


class ApprovalLevel(models.TextChoices):
    """R-RET-11: who signs the approval."""

    DEPT_SUPERVISOR = "dept_supervisor", _("Department supervisor")
    OPS_MANAGER = "ops_manager", _("Operations manager / GM")


class ReturnEventType(models.TextChoices):
    CREATED = "created", _("Created")
    COUNTER_CHECKED = "counter_check", _("Goods checked at the counter")
    APPROVED = "approve", _("Approved")
    LOSS_PREVENTION_SIGNED = "loss_prevention", _("Loss prevention signed")
    REFUNDED = "refund", _("Refunded")
    REJECTED = "rejected", _("Rejected")
    CLAWED_BACK = "clawed_back", _("Clawback applied")
