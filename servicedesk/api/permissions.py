"""Role checks for the API, enforced on the server.

`RoleModelPermissions` is Django's model permissions (what the role matrix grants), with reads
needing the `view_` permission too. A view can name the permissions of its extra actions:

    action_permissions = {"acknowledge": ["servicedesk.change_handoverentry"]}
"""

from rest_framework.permissions import DjangoModelPermissions


class RoleModelPermissions(DjangoModelPermissions):
    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        action_perms = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if action_perms is not None:
            return request.user.has_perms(action_perms)
        if getattr(view, "_ignore_model_permissions", False):
            return True
        return super().has_permission(request, view)


class HasPerms:
    """`permission_classes = [HasPerms.of("returns.approve_return")]` for a plain APIView."""

    @staticmethod
    def of(*perms: str):
        from rest_framework.permissions import BasePermission

        class _HasPerms(BasePermission):
            def has_permission(self, request, view):
                return bool(request.user and request.user.is_authenticated and request.user.has_perms(perms))

        _HasPerms.__name__ = "HasPerms_" + "_".join(p.replace(".", "_") for p in perms)
        return _HasPerms
