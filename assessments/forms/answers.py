"""The answer to one criterion as a Django form: one form class per scoring rule, built from the
criterion, shared by the agency's self-assessment and the reviewer's correction.

`clean()` puts in ``cleaned_data["inputs"]`` the JSON the scoring rules read (numbers as the
Vietnamese text “1.234”, “87,5”); the rule itself validates them through `scoring.score_item`,
and its Vietnamese sentence lands next to the field it is about. Nothing here writes: the domain
functions (`selfassessment.save_item`, `appraisal.correct_inputs` …) take the cleaned values.
"""

from decimal import Decimal

from django import forms

from assessments.display import describe_inputs
from assessments.workbooks import validate_no_control_characters
from scoring import (
    COUNT,
    DEDUCTION,
    RATIO,
    TIERS,
    YES_NO,
    InvalidInput,
    format_number,
    format_points,
    is_cross_agency,
    parse_decimal,
    score_item,
)

NOT_APPLICABLE_REFUSED = "Tiêu chí này không được chọn “Không áp dụng”."
PAIR, PERCENT = "pair", "percent"
USE_PERCENT_OR_PAIR = (
    "Đang tính theo tỷ lệ (%); hãy xóa tử số và mẫu số, "
    "hoặc chọn “Nhập tử số và mẫu số” để dùng chúng."
)
USE_PAIR_OR_PERCENT = (
    "Đang tính theo tử số và mẫu số; hãy xóa tỷ lệ, hoặc chọn “Nhập tỷ lệ (%)” để dùng tỷ lệ này."
)
# Long enough for any explanation an officer writes; a paste of megabytes is refused.
TEXT_LIMIT = 5000


class NumberField(forms.CharField):
    """A number typed the Vietnamese way (“1.234”, “2,5”, “87,5 %”); cleans to the stored text
    (`format_number` of `parse_decimal`), "" when empty. Too many digits or characters are
    refused by `parse_decimal` with its Vietnamese sentence."""

    def __init__(self, *, inputmode="decimal", **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": inputmode, "autocomplete": "off"})

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return ""
        try:
            return format_number(parse_decimal(text))
        except InvalidInput as error:
            raise forms.ValidationError(error.message) from None


class AnswerForm(forms.Form):
    """Base of every answer form. Subclasses name their input fields (`answer_fields`), turn
    cleaned values into inputs (`to_inputs`) and stored inputs into initial values
    (`initial_for`). `answer_used()` tells whether the inputs are to be validated at all (the
    reviewer's form validates them only when correcting the inputs)."""

    answer_fields: tuple[str, ...] = ()
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_version(self) -> int | None:
        """The item's version the page was loaded with: empty is None, anything that is not a
        version (a garbled or tampered value) is -1, which never matches: a conflict, shown as
        such, rather than a form error in a hidden field."""
        value = self.cleaned_data.get("version", "")
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            return -1
        return number if 0 <= number < 2**31 else -1

    def __init__(self, *args, criterion, inputs=None, **kwargs):
        self.criterion = criterion
        self.params = criterion.params or {}
        kwargs.setdefault("auto_id", "%s")
        initial = {**self.initial_for(inputs or {}), **(kwargs.pop("initial", None) or {})}
        super().__init__(*args, initial=initial, **kwargs)
        self.setup()
        for field in self.fields.values():
            widget = field.widget
            if widget.is_hidden:
                continue
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)

    # --- per rule -------------------------------------------------------------------------

    def setup(self):
        """Labels and choices from the criterion's parameters."""

    def initial_for(self, inputs: dict) -> dict:
        return {}

    def to_inputs(self, data: dict) -> dict:
        return {}

    def answer_used(self) -> bool:
        return True

    # --- shared ---------------------------------------------------------------------------

    @property
    def answer_bound_fields(self):
        return [self[name] for name in self.answer_fields]

    def clean(self):
        data = super().clean()
        data["inputs"] = None
        if not self.answer_used() or any(name in self.errors for name in self.answer_fields):
            return data
        inputs = self.to_inputs(data)
        if any(name in self.errors for name in self.answer_fields):
            return data
        criterion = self.criterion
        try:
            score_item(criterion.rule, self.params, criterion.maximum, inputs or None)
        except InvalidInput as error:
            field = error.field if error.field in self.answer_fields else None
            self.add_error(field, error.message)
            return data
        data["inputs"] = inputs
        return data

    def full_clean(self):
        super().full_clean()
        # Point each invalid input at its message (the partial always renders “<name>-err”).
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}-err"}
                )

    @property
    def answer_errors(self) -> dict[str, str]:
        """Errors of the answer, by field name (“inputs” for the whole answer)."""
        errors = {
            name: " ".join(self.errors[name]) for name in self.answer_fields if name in self.errors
        }
        if self.non_field_errors():
            errors["inputs"] = " ".join(self.non_field_errors())
        return errors


class YesNoForm(AnswerForm):
    answer_fields = ("met",)
    met = forms.ChoiceField(
        label="Kết quả",
        required=False,
        choices=[("yes", "Có (đạt)"), ("no", "Không (chưa đạt)")],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Hãy chọn “Có” hoặc “Không”."},
    )

    def setup(self):
        super().setup()
        self.fields["met"].choices = [
            ("yes", self.params.get("label_yes") or "Có (đạt)"),
            ("no", self.params.get("label_no") or "Không (chưa đạt)"),
        ]

    def initial_for(self, inputs):
        met = inputs.get("met")
        if met is None or met == "":
            return {}
        return {"met": "yes" if met in (True, "yes", "có", "true", "1", 1) else "no"}

    def to_inputs(self, data):
        met = data.get("met")
        return {"met": met == "yes"} if met in ("yes", "no") else {}


class ChecklistForm(AnswerForm):
    answer_fields = ("checked", "checked_none")
    checked = forms.TypedMultipleChoiceField(
        label="Đánh dấu các mục đã đạt",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Mục “%(value)s” không có trong danh sách."},
    )
    checked_none = forms.BooleanField(label="Không có mục nào đạt", required=False)

    def setup(self):
        super().setup()
        self.fields["checked"].choices = list(enumerate(self.params.get("checklist", [])))

    def initial_for(self, inputs):
        if inputs.get("checked") is None:
            return {}
        checked = list(inputs["checked"])
        return {"checked": checked, "checked_none": not checked}

    def to_inputs(self, data):
        checked = sorted(set(data.get("checked") or []))
        if checked:
            return {"checked": checked}
        # “none of them” is an answer (0 points); no box ticked at all is “not answered yet”.
        return {"checked": []} if data.get("checked_none") else {}


class OptionsForm(AnswerForm):
    answer_fields = ("option",)
    option = forms.ChoiceField(
        label="Chọn mức đạt được",
        required=False,
        error_messages={"invalid_choice": "Lựa chọn không hợp lệ."},
    )

    def setup(self):
        super().setup()
        self.fields["option"].choices = [("", "— Chưa chọn —")] + [
            (
                option["key"],
                f"{option.get('label') or option['key']} "
                f"({format_points(Decimal(str(option['points'])))} điểm)",
            )
            for option in self.params.get("options", [])
        ]

    def initial_for(self, inputs):
        return {"option": inputs["option"]} if inputs.get("option") else {}

    def to_inputs(self, data):
        return {"option": data["option"]} if data.get("option") else {}


class CountForm(AnswerForm):
    answer_fields = ("count",)
    count = NumberField(label="Số lượng", inputmode="numeric")

    def setup(self):
        super().setup()
        label = "Số vi phạm" if self.criterion.rule == DEDUCTION else "Số lượng"
        if self.params.get("unit_label"):
            label += f" ({self.params['unit_label']})"
        self.fields["count"].label = label

    @property
    def counted_items(self) -> list[str]:
        """What is counted, as labels (a count rule may list them); never the raw parameters."""
        return list(self.params.get("items") or [])

    def initial_for(self, inputs):
        return {"count": inputs["count"]} if inputs.get("count") not in (None, "") else {}

    def to_inputs(self, data):
        return {"count": data["count"]} if data.get("count") else {}


class RatioForm(AnswerForm):
    """A ratio has one source of truth: the numerator and denominator, or a percentage. The
    radio `source` says which one scores; a value typed in the other one is refused next to the
    field rather than silently ignored."""

    answer_fields = ("source", "numerator", "denominator", "percent")
    source = forms.ChoiceField(
        label="Cách nhập",
        required=False,
        choices=[(PAIR, "Nhập tử số và mẫu số"), (PERCENT, "Nhập tỷ lệ (%)")],
        widget=forms.RadioSelect,
    )
    numerator = NumberField(label="Tử số (số đạt)")
    denominator = NumberField(label="Mẫu số (tổng số)")
    percent = NumberField(label="Tỷ lệ (%)")

    def setup(self):
        super().setup()
        self.fields["numerator"].label = self.params.get("numerator_label") or "Tử số (số đạt)"
        self.fields["denominator"].label = (
            self.params.get("denominator_label") or "Mẫu số (tổng số)"
        )
        self.fields["numerator"].widget.attrs["placeholder"] = "ví dụ 1.234"
        self.fields["denominator"].widget.attrs["placeholder"] = "ví dụ 1.300"
        self.fields["percent"].widget.attrs["placeholder"] = "ví dụ 87,5"
        # portal.js: typing in one source selects it (the radio) and sets the other one aside.
        for name in ("numerator", "denominator"):
            self.fields[name].widget.attrs["data-source"] = PAIR
        self.fields["percent"].widget.attrs["data-source"] = PERCENT

    def initial_for(self, inputs):
        initial = {
            name: inputs[name]
            for name in ("numerator", "denominator", "percent")
            if inputs.get(name) not in (None, "")
        }
        uses_percent = "percent" in initial and not {"numerator", "denominator"} & set(initial)
        return {**initial, "source": PERCENT if uses_percent else PAIR}

    def to_inputs(self, data):
        numerator, denominator = data.get("numerator"), data.get("denominator")
        percent = data.get("percent")
        source = data.get("source")
        if not source:
            # A client that does not say (no radio posted): whichever was typed, never both.
            source = PERCENT if percent and not (numerator or denominator) else PAIR
        if source == PERCENT:
            if numerator or denominator:
                self.add_error("numerator" if numerator else "denominator", USE_PERCENT_OR_PAIR)
            return {"percent": percent} if percent else {}
        if percent:
            self.add_error("percent", USE_PAIR_OR_PERCENT)
        pair = {"numerator": numerator, "denominator": denominator}
        return {name: value for name, value in pair.items() if value}


class ValueForm(AnswerForm):
    """A raw value scored against the other agencies (the best of the kind, the provincial
    average): the agency enters the value only; its points are computed when the period is
    finalised (`assessments.references`)."""

    answer_fields = ("value",)
    value = NumberField(label="Giá trị")

    def setup(self):
        super().setup()
        label = self.params.get("value_label") or "Giá trị"
        if self.params.get("unit_label"):
            label += f" ({self.params['unit_label']})"
        self.fields["value"].label = label
        self.fields["value"].widget.attrs["placeholder"] = "ví dụ 12,5"
        self.fields[
            "value"
        ].help_text = "Điểm được tính khi chốt kết quả kỳ đánh giá, so với các đơn vị khác."

    def initial_for(self, inputs):
        return {"value": inputs["value"]} if inputs.get("value") not in (None, "") else {}

    def to_inputs(self, data):
        return {"value": data["value"]} if data.get("value") else {}


def rule_form_class(criterion) -> type[AnswerForm]:
    """The answer form class of a criterion's scoring rule."""
    params = criterion.params or {}
    if criterion.rule == YES_NO:
        return YesNoForm
    if criterion.rule == RATIO and "checklist" in params:
        return ChecklistForm
    if criterion.rule == TIERS and "options" in params:
        return OptionsForm
    if criterion.rule in (COUNT, DEDUCTION):
        return CountForm
    if criterion.rule in (RATIO, TIERS):
        return RatioForm
    if is_cross_agency(criterion.rule):
        return ValueForm
    raise ValueError(f"unknown rule {criterion.rule!r}")


_CLASSES: dict[tuple[type, type], type] = {}


def form_class(criterion, base: type) -> type:
    """The rule's form combined with a purpose (`SelfAssessmentForm`, `AppraisalForm`)."""
    rule = rule_form_class(criterion)
    key = (rule, base)
    if key not in _CLASSES:
        _CLASSES[key] = type(f"{base.__name__}{rule.__name__}", (rule, base), {})
    return _CLASSES[key]


# --- the agency's self-assessment -----------------------------------------------------------


PREFILL_EXPLANATION_REQUIRED = (
    "Số liệu khác số liệu điền sẵn từ {source} ({value}, ngày {as_of}): hãy giải trình vì sao "
    "số liệu của đơn vị khác."
)


def needs_explanation(fact, inputs, explanation, *, not_applicable=False) -> bool:
    """True when an answer differs from the fact prefilled from a provincial system and has no
    explanation (the one place this rule is written; issue 14)."""
    if fact is None or not inputs or not_applicable:
        return False
    return inputs != fact.inputs and not (explanation or "").strip()


def explanation_required_message(fact, criterion) -> str:
    return PREFILL_EXPLANATION_REQUIRED.format(
        source=fact.source,
        value=describe_inputs(criterion, fact.inputs),
        as_of=f"{fact.as_of:%d/%m/%Y}",
    )


class SelfAssessmentForm(AnswerForm):
    """One criterion of the self-assessment: the answer, the explanation and “not applicable”.
    The prefix “c<item id>” keeps the names of the criteria apart on one page. `prefill` is the
    fact prefilled for the agency (PrefilledFact or None): an answer that differs from it needs
    an explanation, and is not stored without one."""

    def __init__(self, *args, prefill=None, **kwargs):
        self.prefill = prefill
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        fact = self.prefill
        if "explanation" not in self.errors and needs_explanation(
            fact,
            data.get("inputs"),
            data.get("explanation"),
            not_applicable=bool(data.get("not_applicable")),
        ):
            self.add_error("explanation", explanation_required_message(fact, self.criterion))
            data["inputs"] = None
        return data

    explanation = forms.CharField(
        label="Giải trình cách tính điểm",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_control_characters],
    )
    not_applicable = forms.BooleanField(
        label="Không áp dụng đối với đơn vị (nêu lý do)", required=False
    )
    not_applicable_reason = forms.CharField(
        label="Lý do không áp dụng",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 1, "placeholder": "Lý do không áp dụng"}),
        validators=[validate_no_control_characters],
    )

    def clean_not_applicable(self):
        value = self.cleaned_data.get("not_applicable")
        if value and not self.criterion.allow_not_applicable:
            raise forms.ValidationError(NOT_APPLICABLE_REFUSED)
        return value

    def clean_not_applicable_reason(self):
        reason = self.cleaned_data.get("not_applicable_reason", "")
        return reason if self.criterion.allow_not_applicable else ""

    @property
    def answer(self) -> dict:
        """What `selfassessment.save_item` stores: an invalid part is None (left unchanged)."""
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in ("inputs", "explanation", "not_applicable", "not_applicable_reason")
        }


class AcceptPrefillForm(forms.Form):
    """The agency's one click taking the prefilled value: only the item's version the page was
    loaded with (read as the answer forms read it: anything else never matches)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    clean_version = AnswerForm.clean_version


def answer_of(item, data: dict) -> SelfAssessmentForm:
    """The self-assessment form of `item` validated on unprefixed values, as scripts and demo
    data give them ({"numerator": "1.234", "denominator": "1.300"})."""
    cls = form_class(item.criterion, SelfAssessmentForm)
    form = cls(data, criterion=item.criterion, inputs=item.inputs)
    form.is_valid()
    return form


def self_assessment_form(item, data=None, *, prefill=None):
    """The form of one item of the agency's dossier, bound to `data` when given; `prefill` is
    the item's prefilled fact, if any."""
    cls = form_class(item.criterion, SelfAssessmentForm)
    return cls(
        data,
        criterion=item.criterion,
        inputs=item.inputs,
        prefill=prefill,
        prefix=f"c{item.pk}",
        initial={
            "version": item.version,
            "explanation": item.explanation,
            "not_applicable": item.not_applicable,
            "not_applicable_reason": item.not_applicable_reason,
        },
    )


# --- the reviewer's correction --------------------------------------------------------------


class Mode:
    KEEP, INPUTS, OVERRIDE, NOT_APPLICABLE = "keep", "inputs", "override", "not_applicable"


class AppraisalForm(AnswerForm):
    """The reviewer's column of one criterion: keep the agency's answer, correct its inputs
    (the same fields as the agency's form), set the points directly, or “not applicable”."""

    mode = forms.ChoiceField(
        label="Cách thẩm định",
        choices=[
            (Mode.KEEP, "Giữ như đơn vị"),
            (Mode.INPUTS, "Sửa số liệu"),
            (Mode.OVERRIDE, "Nhập điểm trực tiếp"),
            (Mode.NOT_APPLICABLE, "Không áp dụng"),
        ],
        initial=Mode.KEEP,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Hãy chọn cách thẩm định.",
            "invalid_choice": "Cách thẩm định không hợp lệ.",
        },
    )
    points = NumberField(label="Điểm nhập trực tiếp")
    reason = forms.CharField(
        label="Lý do điều chỉnh (bắt buộc khi điểm khác điểm tự đánh giá)",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_control_characters],
    )

    def setup(self):
        super().setup()
        self.fields["points"].widget.attrs["placeholder"] = "Ví dụ: 0,25"
        if not self.criterion.allow_not_applicable:
            self.fields["mode"].choices = self.fields["mode"].choices[:3]

    def answer_used(self):
        return self.data.get(self.add_prefix("mode")) == Mode.INPUTS

    def clean(self):
        data = super().clean()
        if data.get("mode") == Mode.OVERRIDE:
            if not data.get("points"):
                self.add_error("points", "Hãy nhập điểm điều chỉnh.")
            else:
                data["points"] = parse_decimal(data["points"])
        return data


def appraisal_form(item, data=None):
    """The reviewer's form of one item, prefixed “r<item id>”, initially what is stored."""
    if item.reviewer_not_applicable:
        mode = Mode.NOT_APPLICABLE
    elif item.reviewer_override:
        mode = Mode.OVERRIDE
    elif item.reviewer_inputs is not None:
        mode = Mode.INPUTS
    else:
        mode = Mode.KEEP
    inputs = item.reviewer_inputs if item.reviewer_inputs is not None else item.inputs
    cls = form_class(item.criterion, AppraisalForm)
    return cls(
        data,
        criterion=item.criterion,
        inputs=inputs,
        prefix=f"r{item.pk}",
        initial={
            "version": item.version,
            "mode": mode,
            "points": "" if item.reviewer_points is None else format_number(item.reviewer_points),
            "reason": item.reviewer_reason,
        },
    )
