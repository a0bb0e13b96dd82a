import pytest

from tests.factories.complaints import DepartmentFactory


@pytest.fixture
def dept_user(user_in_role):
    return user_in_role("dept_supervisor")


@pytest.fixture
def department(dept_user):
    dept = DepartmentFactory(code="clothing", name="服装部", feedback_hours=48)
    dept.staff.add(dept_user)
    return dept


@pytest.fixture
def other_department(user_in_role):
    dept = DepartmentFactory(code="cosmetics", name="化妆品部", feedback_hours=24)
    dept.staff.add(user_in_role("dept_supervisor"))
    return dept


@pytest.fixture
def ops(user_in_role):
    return user_in_role("ops_manager")


@pytest.fixture
def receive(clerk):
    from complaints import services

    def make(**kwargs):
        data = {"user": clerk, "channel": "visit", "customer_name": "王芳", "phone": "13800138000", "type": "quality",
                "cause": "羊毛大衣穿了一次就起球", "request": "退货"}
        data.update(kwargs)
        return services.complaint_receive(**data)

    return make
