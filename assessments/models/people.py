from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.enums import DEPARTMENT_ROLES, Role


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # A superuser administers the portal; the default role (officer) would need an agency.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person using the portal. An officer belongs to exactly one agency; reviewers and leads
    belong to the evaluating department (which is itself evaluated, so their agency matters)."""

    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.OFFICER)
    agency = models.ForeignKey(
        "assessments.Agency",
        verbose_name=_("cơ quan, đơn vị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Bắt buộc với cán bộ đầu mối; với người thẩm định là cơ quan công tác."),
    )
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    job_title = models.CharField(_("chức vụ"), max_length=150, blank=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.OFFICER) | Q(agency__isnull=False),
                name="officer_has_agency",
                violation_error_message=_("Cán bộ đầu mối phải thuộc một cơ quan, đơn vị."),
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        # Vietnamese names read family name first: “Trần Văn Hùng”.
        return f"{self.last_name} {self.first_name}".strip()

    def save(self, *args, **kwargs):
        # Administrators work in the Django admin too; nobody else does.
        self.is_staff = self.role == Role.ADMIN or self.is_superuser
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "is_staff"}
        super().save(*args, **kwargs)

    def has_perm(self, perm, obj=None):
        if self.is_active and self.role == Role.ADMIN:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        if self.is_active and self.role == Role.ADMIN:
            return True
        return super().has_module_perms(app_label)

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER

    @property
    def is_reviewer(self) -> bool:
        return self.role == Role.REVIEWER

    @property
    def is_lead(self) -> bool:
        return self.role == Role.LEAD

    @property
    def is_department_staff(self) -> bool:
        return self.role in DEPARTMENT_ROLES

    @property
    def is_portal_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser
