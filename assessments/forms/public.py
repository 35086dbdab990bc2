"""Filters of the public pages (GET forms; a wrong value is ignored, never an error page)."""

from django import forms


class RankingFilters(forms.Form):
    """Which kind's ranking (`loai`, its code), a part of the name (`q`) and a grade (`muc`)."""

    loai = forms.ChoiceField(required=False, label="Loại cơ quan, đơn vị")
    q = forms.CharField(required=False, max_length=100, label="Tìm theo tên")
    muc = forms.ChoiceField(required=False, label="Mức")

    def __init__(self, data, *, kinds, grades=()):
        super().__init__(data)
        # The period's own bands (“A+”, “Tốt”, …); none in a ranking-only period.
        self.fields["muc"].choices = [("", "Tất cả")] + [(g, g) for g in grades]
        # Kinds, or the period's tables (their kinds).
        kinds = [getattr(kind, "kind", kind) for kind in kinds]
        self.kinds = {kind.code: kind for kind in kinds}
        self.fields["loai"].choices = [("", "Tất cả")] + [(k.code, k.name) for k in kinds]

    def value(self, name, default=""):
        return self.cleaned_data.get(name) or default if self.is_valid() else default

    @property
    def kind(self):
        return self.kinds.get(self.value("loai"))
