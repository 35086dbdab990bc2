from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    Agency,
    AgencyChange,
    AgencyKind,
    AuditEntry,
    CriteriaTable,
    Criterion,
    Evidence,
    Extension,
    IssuedDocument,
    ItemScore,
    Message,
    Notification,
    Period,
    PrefilledFact,
    Program,
    ReferenceValue,
    SignedCopy,
    Submission,
    User,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Workflow records are written by domain functions that lock, check and audit; the Django
    admin only shows them (it would be a second, unaudited write path)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Every field shown as text: no form field is even built.
        model_fields = [*self.model._meta.fields, *self.model._meta.many_to_many]
        return [f.name for f in model_fields if f.name not in (self.exclude or ())]


def _table_has_results(table) -> bool:
    return table is not None and table.submissions.exists()


@admin.register(AgencyKind)
class AgencyKindAdmin(admin.ModelAdmin):
    list_display = ["appendix_label", "name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]


@admin.register(AgencyChange)
class AgencyChangeAdmin(ReadOnlyAdmin):
    """Recorded through Quản trị → Đổi tên, hợp nhất, chia tách (checked and audited there)."""

    list_display = ["effective_date", "kind", "old_name", "new_name", "recorded_by"]
    list_filter = ["kind"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "agency", "email", "is_active"]
    list_filter = ["role", "is_active", "agency__kind"]
    search_fields = ["username", "first_name", "last_name", "email", "agency__name"]
    autocomplete_fields = ["agency"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Vai trò trong cổng đánh giá"), {"fields": ("role", "agency", "job_title", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Vai trò trong cổng đánh giá"), {"fields": ("role", "agency", "email")}),
    )


class CriterionInline(admin.TabularInline):
    model = Criterion
    fk_name = "table"
    extra = 0
    fields = ["order", "code", "parent", "title", "rule", "maximum", "allow_not_applicable"]
    show_change_link = True

    # Criteria of a table with results are what those results were scored against.
    def has_add_permission(self, request, obj=None):
        return not _table_has_results(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _table_has_results(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _table_has_results(obj) and super().has_delete_permission(request, obj)


@admin.register(CriteriaTable)
class CriteriaTableAdmin(admin.ModelAdmin):
    list_display = ["label", "title", "period", "kind"]
    list_filter = ["period", "kind"]
    inlines = [CriterionInline]

    def has_change_permission(self, request, obj=None):
        return not _table_has_results(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _table_has_results(obj) and super().has_delete_permission(request, obj)


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "table", "rule", "maximum", "measurable"]
    list_filter = ["table__period", "table__kind", "rule", "measurable"]
    search_fields = ["code", "title"]

    def has_change_permission(self, request, obj=None):
        table = obj.table if obj is not None else None
        return not _table_has_results(table) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        table = obj.table if obj is not None else None
        return not _table_has_results(table) and super().has_delete_permission(request, obj)


class ExtensionInline(admin.TabularInline):
    model = Extension
    extra = 0
    autocomplete_fields = ["agency"]
    readonly_fields = ["granted_by", "created_at"]


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdmin):
    """Shown only: a program's wording is changed on the portal's own page, which audits each
    field (the documents of every period read it)."""

    list_display = ["name", "code", "evaluating_agency", "parent_body"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "status", "self_assessment_deadline", "is_practice"]
    list_filter = ["status", "is_practice"]
    search_fields = ["title", "code"]
    # Status moves through assessments.workflow (with audit), not through this form.
    readonly_fields = ["status", "published_at"]
    inlines = [ExtensionInline]


class ItemScoreInline(admin.TabularInline):
    model = ItemScore
    extra = 0
    can_delete = False
    fields = [
        "criterion",
        "points",
        "reviewer_points",
        "agreed_points",
        "agreement",
        "agreed_by",
        "not_applicable",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["agency", "period", "status", "self_score", "final_score", "final_grade"]
    list_filter = ["period", "status", "agency__kind", "is_late"]
    search_fields = ["agency__name"]
    readonly_fields = [
        "status",
        "version",
        "round",
        "submitted_at",
        "submitted_by",
        "self_score",
        "self_grade",
        "final_score",
        "final_grade",
        "final_thresholds",
        "finalised_at",
        "finalised_by",
    ]
    inlines = [ItemScoreInline]


@admin.register(ItemScore)
class ItemScoreAdmin(ReadOnlyAdmin):
    list_display = ["submission", "criterion", "points", "reviewer_points", "agreed_points"]
    list_filter = ["submission__period", "agreement"]


@admin.register(ReferenceValue)
class ReferenceValueAdmin(ReadOnlyAdmin):
    """Computed when the period is finalised (assessments.references); never typed."""

    list_display = ["criterion", "period", "kind", "method", "value", "contributors", "computed_at"]
    list_filter = ["period", "method"]


@admin.register(PrefilledFact)
class PrefilledFactAdmin(ReadOnlyAdmin):
    """Written only by the prefill import (audited): read here, replaced by importing again."""

    list_display = ["agency", "criterion", "inputs", "source", "as_of", "imported_at"]
    list_filter = ["period", "source"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "submission", "original_filename", "created_at"]
    list_filter = ["submission__period"]
    search_fields = ["doc_number", "summary", "original_filename", "submission__agency__name"]
    exclude = ["file"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["submission", "kind", "author", "is_internal", "created_at"]
    list_filter = ["kind", "is_internal"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "submission", "target", "old_value", "new_value"]
    list_filter = ["action", "period"]
    search_fields = ["target", "reason", "submission__agency__name"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "title", "read_at"]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    """An issued report never changes: number, date, signer and file are as issued."""

    list_display = ["period", "kind", "number", "issued_on", "signer_name", "issued_by"]


@admin.register(SignedCopy)
class SignedCopyAdmin(ReadOnlyAdmin):
    """A signed copy is checked on upload (signature, same document) and served as the official
    copy: it is replaced only by another checked upload, never edited."""

    list_display = ["__str__", "signer_name", "signed_at", "uploaded_at", "uploaded_by"]
