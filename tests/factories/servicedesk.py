import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from servicedesk.choices import Shift
from servicedesk.models import HandoverEntry, HandoverItem
from servicedesk.roles import ROLES, sync_roles


def assign_role(user, role: str) -> None:
    """Put the user in exactly that role, as `create_staff` does."""
    group = Group.objects.filter(name=role).first()
    if group is None or not group.permissions.exists():
        sync_roles()
        group = Group.objects.get(name=role)
    user.groups.set([group])


class StaffUserFactory(factory.django.DjangoModelFactory):
    """A staff user in one role: `StaffUserFactory(role="clerk")` (default clerk). Password: `pw`."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@store.example")
    is_staff = True
    password = factory.django.Password("pw")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        spec = ROLES[extracted or "clerk"]
        self.is_staff, self.is_superuser = spec.is_staff, spec.is_superuser
        if create:
            self.save()
            assign_role(self, spec.name)


class HandoverEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandoverEntry

    shift_date = factory.LazyFunction(timezone.localdate)
    shift = Shift.EARLY
    notes = factory.Faker("sentence")
    written_by = factory.SubFactory(StaffUserFactory)


class HandoverItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandoverItem

    entry = factory.SubFactory(HandoverEntryFactory)
    text = factory.Faker("sentence")
