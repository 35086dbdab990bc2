"""Select boxes of the administration forms start with a Vietnamese prompt, not Django's dashes."""

import pytest

from assessments.forms.administration import (
    AccountForm,
    AgencyForm,
    CriteriaUploadForm,
    ExtensionForm,
    NewPeriodForm,
)

PROMPT = "— Chọn —"


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (NewPeriodForm, "evaluating_agency"),
        (CriteriaUploadForm, "kind"),
        (ExtensionForm, "agency"),
        (AgencyForm, "kind"),
        (AccountForm, "agency"),
    ],
)
def test_the_empty_choice_reads_in_vietnamese(period, form_class, field):
    form = form_class(period=period) if form_class is CriteriaUploadForm else form_class()

    assert form.fields[field].empty_label == PROMPT
    assert "---------" not in str(form[field])
