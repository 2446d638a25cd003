"""Receivers that write security-relevant actions to the audit log (see core.audit).

Model receivers skip raw saves (fixture loading); migrations use historical models, which
are other classes than the ones connected here, so `migrate` writes no audit rows.
Queryset .update()/.delete() and bulk_create send no signals and are not seen here.
"""

import json

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from . import audit
from .models import User, UserRole

# User fields whose change is a security event; the password hash itself is never logged.
WATCHED_USER_FIELDS = ("is_active", "is_staff", "is_superuser", "agency_id", "password")
_WATCHED_NAMES = {f.removesuffix("_id") for f in WATCHED_USER_FIELDS}
ADMIN_ACTIONS = {ADDITION: "admin.addition", CHANGE: "admin.change", DELETION: "admin.deletion"}


# --- Authentication.


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit.record("auth.login", actor=user, target=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    audit.record("auth.logout", actor=user, target=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password; only the name tried is kept.
    field = get_user_model().USERNAME_FIELD
    username = credentials.get(field, credentials.get("username", ""))
    audit.record("auth.login_failed", data={"username": str(username)[:150]}, request=request)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit.record(
        "auth.locked_out",
        data={"username": str(username or "")[:150], "client_ip": ip_address},
        request=request,
    )


# --- Roles.


def _role_data(role: UserRole) -> dict:
    # On a cascade from deleting the user the role's user may not be loaded; ask for the name.
    if UserRole.user.is_cached(role):
        username = role.user.get_username()
    else:
        username = User.objects.filter(pk=role.user_id).values_list("username", flat=True).first()
    return {"role": role.role, "user": username or ""}


@receiver(post_save, sender=UserRole, dispatch_uid="audit_role_granted")
def _role_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    action = "role.granted" if created else "role.changed"
    audit.record(action, target=("core.user", instance.user_id), data=_role_data(instance))


@receiver(post_delete, sender=UserRole, dispatch_uid="audit_role_revoked")
def _role_deleted(sender, instance, **kwargs):
    audit.record("role.revoked", target=("core.user", instance.user_id), data=_role_data(instance))


# --- Accounts.


@receiver(pre_save, sender=User, dispatch_uid="audit_user_before")
def _user_before(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._audit_before = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not _WATCHED_NAMES & {
        f.removesuffix("_id") for f in update_fields
    }:
        return  # e.g. last_login on every log-in: nothing watched, no extra query
    instance._audit_before = (
        User.objects.filter(pk=instance.pk).values(*WATCHED_USER_FIELDS).first()
    )


@receiver(post_save, sender=User, dispatch_uid="audit_user_after")
def _user_after(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        audit.record("user.created", target=instance, data={
            "username": instance.get_username(),
            "is_active": instance.is_active,
            "is_staff": instance.is_staff,
            "is_superuser": instance.is_superuser,
            "agency": instance.agency_id,
        })
        return
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if not before:
        return
    changes = {
        field.removesuffix("_id"): [before[field], getattr(instance, field)]
        for field in WATCHED_USER_FIELDS
        if field != "password" and before[field] != getattr(instance, field)
    }
    if changes:
        audit.record("user.updated", target=instance, data={
            "username": instance.get_username(), "changes": changes,
        })
    if before["password"] != instance.password:
        audit.record("user.password_changed", target=instance, data={
            "username": instance.get_username(),
        })


@receiver(post_delete, sender=User, dispatch_uid="audit_user_deleted")
def _user_deleted(sender, instance, **kwargs):
    audit.record("user.deleted", target=("core.user", instance.pk), data={
        "username": instance.get_username(),
    })


# --- Django admin: every add/change/delete a staff member makes there.


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_log")
def _admin_logged(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    try:
        message = json.loads(instance.change_message or "[]")
    except ValueError:
        message = instance.change_message
    content_type = instance.content_type
    audit.record(
        ADMIN_ACTIONS.get(instance.action_flag, "admin.other"),
        actor=instance.user,
        target=(
            content_type.app_label + "." + content_type.model if content_type else "",
            instance.object_id or "",
        ),
        data={"object_repr": instance.object_repr, "change_message": message},
    )
