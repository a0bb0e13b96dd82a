"""Back office of invoices: books (receive, correct a range before use), the counter page (scan the
receipts, see exactly what to write, then issue and print), the invoice list with search by invoice
number, receipt number or buyer, voids, stubs to finance, lost-invoice case files (report, sign, notice),
the monthly report (page, PDF, XLSX) and the month's register, and the effective-dated policy."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from servicedesk.admin_tools import LargeTableAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline
from servicedesk.errors import DomainError

from . import exports, rules, selectors, services
from .choices import InvoiceStatus, LossStatus
from .filters import invoice_search
from .forms import (
    BookRangeForm,
    BookReceiveForm,
    InvoiceCounterForm,
    LossReportForm,
    MonthForm,
    NoticeForm,
    VoidForm,
)
from .models import (
    Invoice,
    InvoiceBook,
    InvoiceEvent,
    InvoiceLoss,
    InvoicePolicy,
    InvoiceReceipt,
    InvoiceReport,
    LostNumber,
)
from .pdf import monthly_report_pdf


def _page(admin_obj, request, template, title, **context):
    return TemplateResponse(request, template, {**admin_obj.admin_site.each_context(request), "opts": admin_obj.opts,
                                                "title": title, **context})


@admin.register(InvoicePolicy)
class InvoicePolicyAdmin(SimpleHistoryAdmin):
    list_display = ["effective_from", "time_limit_days", "within_month", "notice_days", "report_day", "low_remaining",
                    "note"]

    def has_add_permission(self, request):
        return request.user.has_perm("invoices.change_invoicepolicy")

    def has_delete_permission(self, request, obj=None):
        return False


class BookEventInline(ReadOnlyInline):
    model = InvoiceEvent
    fk_name = "book"
    fields = readonly_fields = ["created_at", "type", "user", "parameters"]
    verbose_name_plural = gettext_lazy("Events")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(invoice__isnull=True, loss__isnull=True).select_related("user")


@admin.register(InvoiceBook)
class InvoiceBookAdmin(SimpleHistoryAdmin):
    """R-INV-1: the ledger of books — received / used / voided / lost / remaining."""

    list_display = ["code", "first_number", "last_number", "next_number_display", "face_limit", "count", "used_display",
                    "voided_count", "lost_count", "remaining_display", "status", "received_by", "received_at"]
    list_filter = ["status"]
    search_fields = ["code", "first_number"]
    list_select_related = ["received_by"]
    readonly_fields = ["code", "serial", "first_number", "last_number", "count", "face_limit", "received_by",
                       "received_at", "status", "next_number_display", "issued_count", "voided_count", "lost_count",
                       "remaining_display", "note"]
    fields = readonly_fields
    inlines = [BookEventInline]
    change_list_template = "invoices/book_changelist.html"
    change_form_template = "invoices/book_change_form.html"

    @admin.display(description=gettext_lazy("Next number"))
    def next_number_display(self, obj):
        return obj.next_number or "—"

    @admin.display(description=gettext_lazy("used"))
    def used_display(self, obj):
        return obj.used

    @admin.display(description=gettext_lazy("remaining"))
    def remaining_display(self, obj):
        return obj.remaining

    def has_add_permission(self, request):
        return False  # books are received on their own page, through the service

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("receive/", view(self.receive_view), name="%s_%s_receive" % info),
            path("<int:pk>/range/", view(self.range_view), name="%s_%s_range" % info),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra = {"can_receive": request.user.has_perm("invoices.add_invoicebook"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        book = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        extra["can_change_range"] = bool(book and not book.range_locked
                                         and request.user.has_perm("invoices.change_book_range"))
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def receive_view(self, request):
        if not request.user.has_perm("invoices.add_invoicebook"):
            raise PermissionDenied
        form = BookReceiveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                book = services.invoice_book_receive(**form.cleaned_data, user=request.user)
            except DomainError as exc:
                form.add_error(None, f"{exc.code}: {exc.detail}")
            else:
                messages.success(request, _("Book %(code)s received: %(first)s–%(last)s.")
                                 % {"code": book.code, "first": book.first_number, "last": book.last_number})
                return redirect(reverse("admin:invoices_invoicebook_change", args=[book.pk]))
        return _page(self, request, "invoices/form.html", _("Receive an invoice book (R-INV-1)"), form=form)

    def range_view(self, request, pk: int):
        if not request.user.has_perm("invoices.change_book_range"):
            raise PermissionDenied
        book = get_object_or_404(InvoiceBook, pk=pk)
        form = BookRangeForm(request.POST or None, initial={"first_number": book.first_number, "count": book.count})
        if request.method == "POST" and form.is_valid():
            try:
                services.invoice_book_change_range(book=book, **form.cleaned_data, user=request.user)
            except DomainError as exc:
                form.add_error(None, f"{exc.code}: {exc.detail}")
            else:
                messages.success(request, _("The book's range is corrected."))
                return redirect(reverse("admin:invoices_invoicebook_change", args=[book.pk]))
        return _page(self, request, "invoices/form.html", _("Correct the range of %(book)s") % {"book": book}, form=form)


class InvoiceReceiptInline(ReadOnlyInline):
    model = InvoiceReceipt
    fields = readonly_fields = ["receipt", "amount"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("receipt")


class InvoiceEventInline(ReadOnlyInline):
    model = InvoiceEvent
    fk_name = "invoice"
    fields = readonly_fields = ["created_at", "type", "user", "parameters"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class StubFilter(admin.SimpleListFilter):
    title = gettext_lazy("stub (R-INV-6)")
    parameter_name = "stub"

    def lookups(self, request, model_admin):
        return [("desk", _("At the desk")), ("finance", _("Handed to finance"))]

    def queryset(self, request, queryset):
        if self.value() == "desk":
            return queryset.filter(stub_handed_at__isnull=True).exclude(status=InvoiceStatus.LOST)
        if self.value() == "finance":
            return queryset.filter(stub_handed_at__isnull=False)
        return queryset


@admin.register(Invoice)
class InvoiceAdmin(LargeTableAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "book", "status", "amount", "buyer", "issued_by", "issued_at", "stub_handed_at"]
    list_filter = ["status", "book", StubFilter, "issued_at"]
    search_fields = ["number", "buyer"]
    search_help_text = gettext_lazy("Invoice number, receipt number or buyer")
    list_select_related = ["book", "issued_by"]
    readonly_fields = ["number", "book", "status", "amount", "buyer", "tax_id", "remarks", "issued_by", "issued_at",
                       "voided_by", "voided_at", "void_reason", "stub_handed_by", "stub_handed_at"]
    fields = readonly_fields
    inlines = [InvoiceReceiptInline, InvoiceEventInline]
    actions = ["hand_stubs_to_finance"]
    change_list_template = "invoices/invoice_changelist.html"
    change_form_template = "invoices/invoice_change_form.html"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        return (invoice_search(queryset, term), False) if term else (queryset, False)

    def has_add_permission(self, request):
        return False  # invoices are written on the counter page, through the service

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # R-INV-5: never deleted

    def has_hand_over_stubs_permission(self, request):
        return request.user.has_perm("invoices.hand_over_stubs")

    @admin.action(permissions=["hand_over_stubs"], description=gettext_lazy("Stubs handed to finance (R-INV-6)"))
    def hand_stubs_to_finance(self, request, queryset):
        done = services.invoice_stubs_hand_over(invoices=list(queryset[:1000]), user=request.user)
        self.message_user(request, _("%(n)d stubs recorded as handed to finance.") % {"n": done}, messages.SUCCESS)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("counter/", view(self.counter_view), name="%s_%s_counter" % info),
            path("report/", view(self.report_view), name="%s_%s_report" % info),
            path("report/<str:month>.pdf", view(self.report_pdf_view), name="%s_%s_report_pdf" % info),
            path("report/<str:month>.xlsx", view(self.report_xlsx_view), name="%s_%s_report_xlsx" % info),
            path("register/<str:month>.<str:fmt>", view(self.register_view), name="%s_%s_register" % info),
            path("<int:pk>/print/", view(self.print_view), name="%s_%s_print" % info),
            path("<int:pk>/void/", view(self.void_view), name="%s_%s_void" % info),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra = {"can_issue": request.user.has_perm("invoices.issue_invoice"),
                 "can_report": request.user.has_perm("invoices.report_invoices"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        invoice = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        extra["can_void"] = bool(invoice and invoice.status == InvoiceStatus.ISSUED
                                 and request.user.has_perm("invoices.void_invoice"))
        return super().change_view(request, object_id, form_url, extra_context=extra)

    # ---- the counter page -------------------------------------------------------------------------------
    def counter_view(self, request):
        """Scan the receipts → see exactly what to write (number, buyer, amount, remarks) → issue → print."""
        if not request.user.has_perm("invoices.issue_invoice"):
            raise PermissionDenied
        form = InvoiceCounterForm(request.POST or None)
        preview = None
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            kwargs = {"receipts": d["receipts"], "buyer": d["buyer"], "tax_id": d["tax_id"] or None,
                      "amount": d["amount"], "book": d["book"].strip() or None}
            try:
                if "issue" in request.POST:
                    invoice = services.invoice_issue(**kwargs, user=request.user)
                    messages.success(request, _("Invoice %(number)s issued: write it exactly as shown and print.")
                                     % {"number": invoice.number})
                    return redirect(reverse("admin:invoices_invoice_change", args=[invoice.pk]))
                preview = services.invoice_preview(**kwargs, user=request.user)
            except DomainError as exc:
                form.add_error(None, f"{exc.code}: {exc.detail}")
        return _page(self, request, "invoices/counter.html", _("Write an invoice"), form=form, preview=preview)

    def print_view(self, request, pk: int):
        invoice = get_object_or_404(Invoice.objects.select_related("book", "issued_by")
                                    .prefetch_related("receipt_parts__receipt"), pk=pk)
        if not request.user.has_perm("invoices.view_invoice"):
            raise PermissionDenied
        return TemplateResponse(request, "invoices/print.html", {"invoice": invoice,
                                                                 "local_issued": timezone.localtime(invoice.issued_at)})

    def void_view(self, request, pk: int):
        if not request.user.has_perm("invoices.void_invoice"):
            raise PermissionDenied
        invoice = get_object_or_404(Invoice, pk=pk)
        form = VoidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.invoice_void(invoice=invoice, reason=form.cleaned_data["reason"], user=request.user)
            except DomainError as exc:
                form.add_error(None, f"{exc.code}: {exc.detail}")
            else:
                messages.success(request, _("Invoice %(number)s is void; its amount may be invoiced again.")
                                 % {"number": invoice.number})
                return redirect(reverse("admin:invoices_invoice_change", args=[invoice.pk]))
        return _page(self, request, "invoices/form.html", _("Void invoice %(number)s (R-INV-5)") % {"number": invoice.number},
                     form=form, intro=_("Keep every copy of the paper invoice and write 作废 (VOID) across it."))

    # ---- the monthly report (R-INV-8) and the register ----------------------------------------------------
    def _month(self, request, month: str | None = None) -> str:
        if not request.user.has_perm("invoices.report_invoices"):
            raise PermissionDenied
        month = month or request.GET.get("month") or rules.month_before(timezone.localdate())
        if rules.parse_month(month) is None:
            from django.http import Http404

            raise Http404
        return month

    def report_view(self, request):
        month = request.GET.get("month") or rules.month_before(timezone.localdate())
        if rules.parse_month(month) is None:
            month = rules.month_before(timezone.localdate())
        month = self._month(request, month)
        report = selectors.monthly_report(month=month)
        return _page(self, request, "invoices/report.html", _("Monthly invoice report %(month)s") % {"month": month},
                     report=report, month=month, form=MonthForm(initial={"month": month}),
                     prepared=InvoiceReport.objects.filter(month=month).first())

    def report_pdf_view(self, request, month: str):
        month = self._month(request, month)
        response = HttpResponse(monthly_report_pdf(selectors.monthly_report(month=month)), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="invoices-{month}.pdf"'
        return response

    def report_xlsx_view(self, request, month: str):
        month = self._month(request, month)
        response = HttpResponse(exports.monthly_report_xlsx(selectors.monthly_report(month=month)),
                                content_type=exports.XLSX)
        response["Content-Disposition"] = f'attachment; filename="invoices-{month}.xlsx"'
        return response

    def register_view(self, request, month: str, fmt: str):
        month = self._month(request, month)
        if fmt not in ("csv", "xlsx"):
            from django.http import Http404

            raise Http404
        return exports.register_response(month=month, fmt=fmt)


class LostNumberInline(ReadOnlyInline):
    model = LostNumber
    fields = readonly_fields = ["number", "invoice"]


class LossEventInline(ReadOnlyInline):
    model = InvoiceEvent
    fk_name = "loss"
    fields = readonly_fields = ["created_at", "type", "user", "parameters"]


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("public notice")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue (R-INV-7)"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=selectors.losses_overdue(today=timezone.localdate()).values("pk"))
        return queryset


@admin.register(InvoiceLoss)
class InvoiceLossAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "status", "blank", "amount", "reported_by", "reported_at", "notice_due", "signed_by",
                    "published_on"]
    list_filter = ["status", OverdueFilter, "blank", "book"]
    search_fields = ["book__code", "reason", "publication"]
    list_select_related = ["book", "reported_by", "signed_by"]
    readonly_fields = ["book", "numbers", "blank", "face_limit", "amount", "reason", "stub_copy", "status", "reported_by",
                       "reported_at", "notice_due", "signed_by", "signed_at", "published_on", "publication",
                       "notice_recorded_by", "escalated_at"]
    fields = readonly_fields
    inlines = [LostNumberInline, LossEventInline]
    change_list_template = "invoices/loss_changelist.html"
    change_form_template = "invoices/loss_change_form.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("report/", view(self.report_view), name="%s_%s_report" % info),
            path("<int:pk>/sign/", view(self.sign_view), name="%s_%s_sign" % info),
            path("<int:pk>/notice/", view(self.notice_view), name="%s_%s_notice" % info),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra = {"can_report": request.user.has_perm("invoices.add_invoiceloss"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        loss = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if loss is not None:
            extra["can_sign"] = loss.status == LossStatus.AWAITING_SIGNATURE and request.user.has_perm("invoices.sign_loss")
            extra["can_notice"] = (loss.status == LossStatus.AWAITING_NOTICE
                                   and request.user.has_perm("invoices.record_loss_notice"))
            extra["notice_form"] = NoticeForm(initial={"published_on": timezone.localdate()})
            extra["days_left"] = (loss.notice_due - timezone.localdate()).days
            extra["days_overdue"] = -extra["days_left"]
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def report_view(self, request):
        if not request.user.has_perm("invoices.add_invoiceloss"):
            raise PermissionDenied
        form = LossReportForm(request.POST or None, request.FILES or None, initial={"book": request.GET.get("book", "")})
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                loss = services.invoice_loss_report(book=d["book"], numbers=d["numbers"], reason=d["reason"],
                                                    stub_copy=d.get("stub_copy"), user=request.user)
            except DomainError as exc:
                form.add_error(None, f"{exc.code}: {exc.detail}")
            else:
                messages.success(request, _("Loss reported; the public notice is due %(due)s. The desk supervisor signs next.")
                                 % {"due": loss.notice_due})
                return redirect(reverse("admin:invoices_invoiceloss_change", args=[loss.pk]))
        return _page(self, request, "invoices/form.html", _("Report lost invoices (R-INV-7)"), form=form, multipart=True,
                     intro=_("Blank invoices: give the numbers (the face limit and count are taken from the book). "
                             "Issued invoices: give the numbers and attach a copy of the counter stub."))

    def sign_view(self, request, pk: int):
        if request.method != "POST":
            return redirect(reverse("admin:invoices_invoiceloss_change", args=[pk]))
        loss = get_object_or_404(InvoiceLoss, pk=pk)
        try:
            services.invoice_loss_sign(loss=loss, user=request.user)
            messages.success(request, _("Signed: the report went to the branch head, security and finance."))
        except DomainError as exc:
            if exc.status_code == 403:
                raise PermissionDenied from exc
            messages.error(request, f"{exc.code}: {exc.detail}")
        return redirect(reverse("admin:invoices_invoiceloss_change", args=[pk]))

    def notice_view(self, request, pk: int):
        if not request.user.has_perm("invoices.record_loss_notice"):
            raise PermissionDenied
        loss = get_object_or_404(InvoiceLoss, pk=pk)
        form = NoticeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.invoice_loss_notice(loss=loss, user=request.user, **form.cleaned_data)
                messages.success(request, _("Public notice recorded: the case is closed."))
            except DomainError as exc:
                messages.error(request, f"{exc.code}: {exc.detail}")
        elif request.method == "POST":
            messages.error(request, _("Give the date and where the notice was published."))
        return redirect(reverse("admin:invoices_invoiceloss_change", args=[pk]))


@admin.register(InvoiceReport)
class InvoiceReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["month", "prepared_at", "totals"]
