"""Complaints API (api-contract.md): departments, tickets and one action per R-CMP-3 step."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from servicedesk.api.permissions import HasPerms

from .. import rules, selectors, services
from ..filters import ComplaintFilter
from ..models import Complaint, Department
from . import serializers as s


class DepartmentViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Responsible departments with their feedback hours (R-CMP-2). Created and edited by the desk supervisor
    or admin; a changed feedback_hours applies to tickets routed from then on."""

    queryset = Department.objects.all().order_by("code")
    serializer_class = s.DepartmentSerializer
    lookup_field = "code"
    action_permissions = {
        "create": ["complaints.manage_departments"],
        "update": ["complaints.manage_departments"],
        "partial_update": ["complaints.manage_departments"],
    }


class ComplaintViewSet(viewsets.ReadOnlyModelViewSet):
    """Complaint tickets (R-CMP-1…5). A department user sees only its own departments' tickets (404 otherwise)."""

    serializer_class = s.ComplaintSerializer
    lookup_field = "number"
    lookup_value_regex = r"TS-\d{8}-\d{4,}"
    filterset_class = ComplaintFilter
    action_permissions = {
        "create": ["complaints.add_complaint"],
        "partial_update": ["complaints.change_complaint"],
        "route": ["complaints.route_complaint"],
        "feedback": ["complaints.answer_feedback"],
        "approve": ["complaints.approve_handling"],
        "send_back": ["complaints.approve_handling"],
        "notify": ["complaints.record_followup"],
        "carry_out": ["complaints.view_complaint"],  # the desk or the department: the service decides
        "followup": ["complaints.record_followup"],
        "reopen": ["complaints.route_complaint"],
        "events": ["complaints.view_complaint"],
        "followups": ["complaints.view_complaint"],
        "supplier_contacts": ["complaints.view_complaint"],  # logging one needs add_suppliercontact (service)
    }

    def get_queryset(self):
        qs = Complaint.objects.select_related("department", "receipt", "recorded_by").order_by("-received_at", "-id")
        return selectors.complaints_visible_to(user=self.request.user, queryset=qs)

    def get_serializer(self, *args, **kwargs):
        """Complainants' phones as the user may see them, one lookup (and one log INSERT) per page."""
        if args and self.get_serializer_class() is s.ComplaintSerializer:
            tickets = list(args[0]) if kwargs.get("many") else [args[0]]
            kwargs["context"] = {**self.get_serializer_context(), "phones": selectors.complaint_phones_for(
                complaints=tickets, user=self.request.user, context=f"API {self.action}")}
            if kwargs.get("many"):
                args = (tickets, *args[1:])
        return super().get_serializer(*args, **kwargs)

    def _answer(self, complaint):
        return Response(self.get_serializer(self.get_queryset().get(pk=complaint.pk)).data)

    @extend_schema(request=s.ComplaintCreateSerializer, responses={201: s.ComplaintCreatedSerializer})
    def create(self, request, *args, **kwargs):
        data = s.ComplaintCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.complaint_receive(user=request.user, **data.validated_data)
        return Response(s.ComplaintCreatedSerializer(complaint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ComplaintRecordSerializer, responses=s.ComplaintSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = s.ComplaintRecordSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return self._answer(services.complaint_update_record(complaint=self.get_object(), user=request.user,
                                                             **data.validated_data))

    @extend_schema(request=s.RouteSerializer)
    @action(detail=True, methods=["post"])
    def route(self, request, number=None):
        data = s.RouteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        c = services.complaint_route(complaint=self.get_object(), user=request.user, **data.validated_data)
        if c.status == rules.CLOSED:
            return Response({"status": c.status})
        return Response({"status": c.status, "feedback_by": serializers.DateTimeField().to_representation(c.feedback_by)})

    @extend_schema(request=s.FeedbackSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, number=None):
        data = s.FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.complaint_feedback(complaint=self.get_object(), user=request.user, **data.validated_data))

    @extend_schema(request=s.InstructionSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, number=None):
        data = s.InstructionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.complaint_approve(complaint=self.get_object(), user=request.user, **data.validated_data))

    @extend_schema(request=s.InstructionSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, number=None):
        data = s.InstructionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.complaint_send_back(complaint=self.get_object(), user=request.user, **data.validated_data))

    @extend_schema(request=s.ReplySerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def notify(self, request, number=None):
        data = s.ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.complaint_notify_customer(complaint=self.get_object(), user=request.user,
                                                               **data.validated_data))

    @extend_schema(request=s.NoteSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="carry-out")
    def carry_out(self, request, number=None):
        data = s.NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.complaint_carry_out(complaint=self.get_object(), user=request.user, **data.validated_data))

    @extend_schema(request=s.FollowUpInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def followup(self, request, number=None):
        data = s.FollowUpInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow = services.complaint_followup(complaint=self.get_object(), user=request.user, **data.validated_data)
        return self._answer(follow.complaint)

    @extend_schema(request=s.NoteSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, number=None):
        data = s.NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.complaint_reopen(complaint=self.get_object(), user=request.user, **data.validated_data))

    @extend_schema(responses=s.ComplaintEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, number=None):
        complaint = self.get_object()
        return Response(s.ComplaintEventSerializer(complaint.events.select_related("user"), many=True).data)

    @extend_schema(request=s.SupplierContactSerializer, responses=s.SupplierContactSerializer(many=True))
    @action(detail=True, methods=["get", "post"], url_path="supplier-contacts")
    def supplier_contacts(self, request, number=None):
        complaint = self.get_object()
        if request.method == "POST":
            data = s.SupplierContactSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            contact = services.supplier_contact_log(complaint=complaint, user=request.user, **data.validated_data)
            return Response(s.SupplierContactSerializer(contact).data, status=status.HTTP_201_CREATED)
        return Response(s.SupplierContactSerializer(complaint.supplier_contacts.select_related("recorded_by"), many=True).data)

    @extend_schema(responses=s.FollowUpSerializer(many=True))
    @action(detail=True, methods=["get"])
    def followups(self, request, number=None):
        return Response(s.FollowUpSerializer(self.get_object().followups.select_related("called_by"), many=True).data)


class ReplyPhraseViewSet(viewsets.ReadOnlyModelViewSet):
    """Approved reply phrases (R-CMP-6), searchable: ?q=道歉&scene=emotion."""

    serializer_class = s.ReplyPhraseSerializer
    pagination_class = None

    def get_queryset(self):
        qs = selectors.reply_phrases(q=self.request.query_params.get("q", ""),
                                     scene=self.request.query_params.get("scene", ""))
        return qs[:50] if self.action == "list" else qs  # a sliced queryset cannot look one phrase up


class DraftCheckApi(APIView):
    """R-CMP-6: which never-use phrases a reply draft contains (nothing is saved)."""

    permission_classes = [HasPerms.of("complaints.view_replyphrase")]

    @extend_schema(request=s.DraftCheckSerializer, responses=s.DraftCheckResultSerializer)
    def post(self, request):
        data = s.DraftCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hits = rules.forbidden_hits(draft=data.validated_data["draft"], phrases=selectors.forbidden_phrases())
        return Response({"ok": not hits, "hits": [{"text": h.text, "kind": h.kind, "instead": h.instead,
                                                    "position": h.position} for h in hits]})
