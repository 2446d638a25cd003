"""Staff roles. One place that says what each role may see."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    DIVISION_HEAD = "division_head", _("Lãnh đạo phòng")
    AGENCY_LEADER = "agency_leader", _("Lãnh đạo cơ quan")
    PROVINCE_SUPERVISOR = "province_supervisor", _("Giám sát cấp tỉnh")
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")


# Roles whose holders read every agency's data.
PROVINCE_WIDE_ROLES = frozenset({Role.PROVINCE_SUPERVISOR, Role.SYSTEM_ADMIN})
# Roles that can be required to confirm a TOTP code at log-in.
PRIVILEGED_ROLES = frozenset({Role.AGENCY_LEADER, Role.PROVINCE_SUPERVISOR, Role.SYSTEM_ADMIN})
# Roles of the head of a unit (an agency): hands out its work and sees each official's load.
UNIT_HEAD_ROLES = frozenset({Role.AGENCY_LEADER})
