from assessments.views import (
    administration,
    agency,
    documents,
    evidence,
    exchange,
    lineage,
    outbox,
    reports,
    review,
)

app_name = "assessments"

# Each area keeps its own urlpatterns beside its views.
urlpatterns = [
    *agency.urlpatterns,
    *exchange.urlpatterns,
    *evidence.urlpatterns,
    *review.urlpatterns,
    *reports.urlpatterns,
    *administration.urlpatterns,
    *lineage.urlpatterns,
    *outbox.urlpatterns,
    *documents.urlpatterns,
]
