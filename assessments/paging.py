"""Pagination shared by every list: `?trang=N` beside the list's own filters, which the page links
keep. A page loads only its own rows, so a list costs the same at 50 and at 10,000 agencies."""

from django.core.paginator import Paginator

PAGE_PARAM = "trang"
PER_PAGE = 50


def paginate(request, object_list, *, per_page: int = PER_PAGE, param: str = PAGE_PARAM):
    """The requested page (the last one when past the end, the first when not a number)."""
    return Paginator(object_list, per_page).get_page(request.GET.get(param))


class Chain:
    """Two querysets paginated as one list (the first one's rows, then the second's): one count
    query each, and a page slices only what it shows."""

    def __init__(self, *querysets):
        self.querysets = querysets
        self._counts = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [qs.count() for qs in self.querysets]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list:
        start, stop = window.start or 0, window.stop
        rows = []
        for qs, size in zip(self.querysets, self.counts(), strict=True):
            if stop > 0 and start < size:
                rows.extend(qs[max(start, 0) : min(stop, size)])
            start, stop = start - size, stop - size
        return rows
