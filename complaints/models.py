"""Complaints desk (R-CMP-1…7): departments, tickets numbered TS-YYYYMMDD-NNNN per store-local day,
the handling form (投诉处理单) captured along the workflow, every transition as a ComplaintEvent,
supplier contacts (R-CMP-5), follow-up calls (回访), and the reply phrase library (R-CMP-6)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from servicedesk.models import TimeStampedModel
from servicedesk.privacy import mask_phone
from servicedesk.timefmt import store_time

from .choices import (
    Channel,
    ComplaintEventType,
    ComplaintStatus,
    ComplaintType,
    DissatisfiedOutcome,
    ForbiddenKind,
    PhraseScene,
    Satisfaction,
    Temperament,
)


class ComplaintPolicy(TimeStampedModel):
    """The clocks of R-CMP-2, effective-dated: the row with the latest `effective_from` on or before the
    intake day is in force. Defaults from the rules; the store edits them in the admin."""

    effective_from = models.DateField(_("effective from"), unique=True)
    routing_hours = models.PositiveIntegerField(
        _("hours to route"), default=24, validators=[MinValueValidator(1)],
        help_text=_("A complaint must be judged and routed within this many wall-clock hours of intake (R-CMP-2)."),
    )
    escalation_hours = models.PositiveIntegerField(
        _("hours to the next escalation"), default=24, validators=[MinValueValidator(1)],
        help_text=_("Overdue this many hours more, the operations manager is alerted (R-CMP-2)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint clock policy")
        verbose_name_plural = _("complaint clock policies")
        ordering = ["-effective_from"]
        # clerks hold complaints.add_*; the clocks are the supervisors' to set
        permissions = [("manage_clock_policy", _("Can set the complaint clocks"))]
        constraints = [
            models.CheckConstraint(condition=Q(routing_hours__gte=1, escalation_hours__gte=1), name="cmp_policy_hours_positive"),
        ]

    def __str__(self):
        return f"{self.effective_from}: {self.routing_hours} h / +{self.escalation_hours} h"


class Department(TimeStampedModel):
    """A responsible department (责任部门) and the staff who answer for it (R-CMP-2, R-CMP-3)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    feedback_hours = models.PositiveIntegerField(
        _("feedback hours"), default=48, validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
        help_text=_("Wall-clock hours the department has to answer after dispatch (R-CMP-2)."),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="complaint_departments", verbose_name=_("staff who answer"),
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[])

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]
        permissions = [("manage_departments", _("Can create and edit departments"))]
        constraints = [models.CheckConstraint(condition=Q(feedback_hours__gte=1), name="cmp_department_hours_positive")]

    def __str__(self):
        # The name the staff read (服装部); the code (`clothing`) is an identifier for imports and the API,
        # shown only on the department's own configuration pages (issue 15).
        return self.name


class Complaint(TimeStampedModel):
    """A complaint or opinion: the record form (客户投诉记录表, R-CMP-1) and the handling form
    (投诉处理单, R-CMP-3) in one ticket."""

    # --- record form (R-CMP-1)
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    customer_name = models.CharField(_("customer name"), max_length=100)
    phone = models.CharField(_("contact phone"), max_length=30, db_index=True)
    card_number = models.CharField(_("member card number"), max_length=32, blank=True, default="", db_index=True)
    receipt = models.ForeignKey(
        "receipts.Receipt", on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
        verbose_name=_("till receipt"),
    )
    type = models.CharField(_("type"), max_length=12, choices=ComplaintType.choices)
    cause = models.TextField(_("cause"))
    request = models.TextField(_("customer's request"), blank=True)
    specialist_opinion = models.TextField(_("specialist's opinion"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints_recorded", verbose_name=_("recorder"),
    )
    # --- flags (R-CMP-4, R-CMP-5) and the customer's temperament (R-CMP-6)
    serious = models.BooleanField(_("serious"), default=False)
    consumer_association = models.BooleanField(_("consumer association / regulator"), default=False)
    product_safety = models.BooleanField(_("product safety"), default=False)
    temperament = models.CharField(_("temperament"), max_length=12, choices=Temperament.choices, blank=True, default="")
    # --- workflow and clocks (R-CMP-2, R-CMP-3)
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.AWAITING_ROUTING,
    )
    route_by = models.DateTimeField(_("route by"))
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("routed by"),
    )
    valid = models.BooleanField(_("valid"), null=True, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
        verbose_name=_("responsible department"),
    )
    feedback_by = models.DateTimeField(_("feedback due"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), default=0, validators=[MaxValueValidator(2)],
        help_text=_("0 none, 1 desk supervisor, 2 operations manager (R-CMP-2)."),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    supervisor_alerted_at = models.DateTimeField(_("supervisor alerted at"), null=True, blank=True)
    reply = models.TextField(_("reply to the customer"), blank=True)
    # --- handling form (R-CMP-3)
    investigation = models.TextField(_("investigation"), blank=True)
    result = models.TextField(_("result of investigation"), blank=True)
    proposed_handling = models.TextField(_("proposed handling"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("department head sign-off"),
    )
    answered_at = models.DateTimeField(_("department sign-off date"), null=True, blank=True)
    approval_instruction = models.TextField(_("supervisor / GM instruction"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("instruction date"), null=True, blank=True)
    customer_notified_at = models.DateTimeField(_("customer notified at"), null=True, blank=True)
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    carried_out_note = models.TextField(_("how it was carried out"), blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True, default="")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    typical_case = models.BooleanField(
        _("typical case"), default=False, help_text=_("Brought to the weekly supervisors' meeting (R-CMP-7)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("route_complaint", _("Can judge and route a complaint")),
            ("answer_feedback", _("Can give a department's feedback on a complaint")),
            ("approve_handling", _("Can approve a complaint's handling")),
            ("record_followup", _("Can notify the customer, record execution and the follow-up call")),
            ("view_all_complaints", _("Can see every department's complaints")),
            # R-CMP-7: a view_ permission, so every desk role that reads complaints (complaints.view_*) sees it
            ("view_complaint_review", _("Can see the complaint review and statistics")),
            ("mark_typical_case", _("Can choose typical cases for the weekly meeting")),
            # Who is told and who signs, by permission (never a group name): the desk supervisor receives
            # serious-case alerts and level-1 escalations (R-CMP-2, R-CMP-4) ...
            ("supervise_complaints", _("Receives serious-case alerts and level-1 escalations")),
            # ... the operations manager / GM approves serious and level-2 cases and receives level 2.
            ("approve_serious", _("Can approve serious and level-2 complaints (general manager)")),
            # R-VIP-7 in spirit: the complainant's full phone number (every view logged)
            ("view_unmasked", _("Can see complainants' full phone numbers")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(escalation_level__lte=2), name="cmp_escalation_level_0_2"),
            models.CheckConstraint(
                condition=~Q(status="awaiting_feedback") | Q(department__isnull=False, feedback_by__isnull=False),
                name="cmp_feedback_needs_department_and_clock",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="cmp_closed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "route_by"], name="cmp_status_route_by"),
            models.Index(fields=["status", "feedback_by"], name="cmp_status_feedback_by"),
            models.Index(fields=["department", "status"], name="cmp_department_status"),
            # R-CMP-4 lists: consumer-association and serious cases are few; partial indexes keep them fast.
            models.Index(fields=["-received_at"], condition=Q(consumer_association=True), name="cmp_consumer_assoc"),
            models.Index(fields=["-received_at"], condition=Q(serious=True), name="cmp_serious"),
            # The queue's default order, time left first (complaints/ordering.py), has an expression index on
            # PostgreSQL, created by migration 0009 (SQLite cannot index NULLS LAST, so it is not declared here).
        ]

    def __str__(self):
        return self.number

    @property
    def masked_phone(self) -> str:
        """138****5678 (R-VIP-7 in spirit): what everyone without complaints.view_unmasked sees."""
        return mask_phone(self.phone)

    @property
    def is_serious(self) -> bool:
        """R-CMP-4: serious, consumer association / regulator, or product safety."""
        return self.serious or self.consumer_association or self.product_safety

    @property
    def due_at(self):
        """The clock that runs now: routing or department feedback (R-CMP-2); None when no clock runs."""
        if self.status == ComplaintStatus.AWAITING_ROUTING:
            return self.route_by
        if self.status == ComplaintStatus.AWAITING_FEEDBACK:
            return self.feedback_by
        return None


class ComplaintEvent(models.Model):
    """Every transition of a ticket: who, when, what, note (append-only)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events", verbose_name=_("complaint"))
    type = models.CharField(_("type"), max_length=20, choices=ComplaintEventType.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["id"]

    def __str__(self):
        return f"{self.complaint_id} {self.get_type_display()} {store_time(self.created_at)}"

    @property
    def from_status_label(self) -> str:
        return dict(ComplaintStatus.choices).get(self.from_status, self.from_status)

    @property
    def to_status_label(self) -> str:
        return dict(ComplaintStatus.choices).get(self.to_status, self.to_status)


class SupplierContact(models.Model):
    """R-CMP-5: each contact with the supplier on a quality case, logged on the ticket (append-only)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="supplier_contacts",
                                  verbose_name=_("complaint"))
    supplier = models.CharField(_("supplier"), max_length=150)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contacted_at = models.DateTimeField(_("contacted at"))
    goods_taken_back = models.BooleanField(_("goods taken back from the customer"), default=False)
    summary = models.TextField(_("what was agreed"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplier contact")
        verbose_name_plural = _("supplier contacts")
        ordering = ["contacted_at", "id"]

    def __str__(self):
        return f"{self.supplier} {store_time(self.contacted_at)}"


class FollowUp(models.Model):
    """The follow-up call (回访) after handling, with the customer's satisfaction (R-CMP-3)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="followups", verbose_name=_("complaint"))
    called_at = models.DateTimeField(_("called at"))
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices)
    outcome = models.CharField(_("when dissatisfied"), max_length=10, choices=DissatisfiedOutcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["called_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction="dissatisfied", outcome__in=["reopen", "escalate"])
                | (~Q(satisfaction="dissatisfied") & Q(outcome="")),
                name="cmp_followup_outcome_when_dissatisfied",
            ),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.get_satisfaction_display()}"


class ReplyPhrase(TimeStampedModel):
    """An approved reply phrase (话术) by scene (R-CMP-6)."""

    scene = models.CharField(_("scene"), max_length=12, choices=PhraseScene.choices, db_index=True)
    text = models.TextField(_("phrase"))
    active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reply phrase")
        verbose_name_plural = _("reply phrases")
        ordering = ["scene", "sort", "id"]
        permissions = [("manage_phrases", _("Can edit the approved phrases and the never-use list"))]

    def __str__(self):
        return self.text[:40]


class ForbiddenPhrase(TimeStampedModel):
    """A phrase never to be used with a customer (R-CMP-6): a draft containing it is flagged."""

    kind = models.CharField(_("kind"), max_length=12, choices=ForbiddenKind.choices)
    text = models.CharField(_("phrase"), max_length=100, unique=True)
    instead = models.CharField(_("say instead"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("never-use phrase")
        verbose_name_plural = _("never-use phrases")
        ordering = ["kind", "id"]

    def __str__(self):
        return self.text


class ComplaintUnmaskedView(models.Model):
    """Every view of a complainant's full phone number: who, which ticket, where, when (append-only)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="unmasked_views",
                                  verbose_name=_("complaint"))
    context = models.CharField(_("where"), max_length=100)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("unmasked phone view")
        verbose_name_plural = _("unmasked phone views log")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.user_id} {self.complaint_id} {store_time(self.at)}"
