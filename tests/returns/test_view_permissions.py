"""The returns counter, queue, signing and slip, and the returns API against the role matrix."""

from tests.factories.returns import ReturnPolicyFactory, ReturnRequestFactory
from tests.viewcases import ViewCase, view_case_test


def slip(user):
    return {"pk": ReturnRequestFactory().pk}  # awaiting the counter check, created by another clerk


def policy_pk(user):
    return {"pk": ReturnPolicyFactory().pk}


CASES = [
    # the policy rows are the administrators' (the matrix gives desk roles returns.add_* for slips)
    ViewCase("admin:returns_returnpolicy_add", "returns.change_returnpolicy"),
    ViewCase("admin:returns_returnrequest_counter", "returns.add_returnrequest"),
    ViewCase("admin:returns_returnrequest_queue", "returns.approve_return"),
    ViewCase("admin:returns_returnrequest_responsibility", "returns.view_returnrequest"),
    ViewCase("admin:returns_returnrequest_slip", "returns.view_returnrequest", args=slip),
    # signing and rejecting are checked step by step (R-RET-12): the counter check is the counter's
    ViewCase("admin:returns_returnrequest_sign", "returns.counter_check", "post", args=slip, data={"step": "counter_check"}),
    ViewCase("admin:returns_returnrequest_reject", "returns.counter_check", "post", args=slip, data={"reason": "污损"}),
    ViewCase("returns-api:returnrequest-list", "returns.view_returnrequest"),
    ViewCase("returns-api:returnrequest-list", "returns.add_returnrequest", "post", id="POST returnrequest-list"),
    ViewCase("returns-api:returnrequest-quote", "returns.view_returnrequest", "post"),
    ViewCase("returns-api:returnrequest-detail", "returns.view_returnrequest", args=slip),
    ViewCase("returns-api:returnrequest-slip", "returns.view_returnrequest", args=slip),
    ViewCase("returns-api:returnrequest-sign", ("returns.view_returnrequest", "returns.counter_check"), "post", args=slip,
             data={"step": "counter_check"}),
    ViewCase("returns-api:returnrequest-reject", ("returns.view_returnrequest", "returns.counter_check"), "post",
             args=slip, data={"reason": "污损"}),
    ViewCase("returns-api:returnpolicy-list", "returns.view_returnpolicy"),
    ViewCase("returns-api:returnpolicy-detail", "returns.view_returnpolicy", args=policy_pk),
]

test_view_permissions = view_case_test(CASES)
