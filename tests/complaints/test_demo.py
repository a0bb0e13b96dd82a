import io

import pytest

from complaints.models import Complaint, Department

pytestmark = pytest.mark.django_db


def test_demo_loads_tickets_in_several_states_and_is_idempotent():
    from complaints import demo
    from servicedesk import demo as desk_demo

    out = io.StringIO()
    desk_demo.load(stdout=out)
    demo.load(stdout=out)
    demo.load(stdout=out)
    assert Department.objects.count() == 5 and Complaint.objects.count() == 6
    assert set(Complaint.objects.values_list("status", flat=True)) == {
        "awaiting_routing", "awaiting_feedback", "awaiting_approval", "closed"}
    assert Complaint.objects.filter(consumer_association=True, supplier_contacts__isnull=False).exists()
