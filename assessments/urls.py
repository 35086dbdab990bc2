from assessments.views import administration, agency, evidence, reports, review

app_name = "assessments"

# Each area keeps its own urlpatterns beside its views.
urlpatterns = [
    *agency.urlpatterns,
    *evidence.urlpatterns,
    *review.urlpatterns,
    *reports.urlpatterns,
    *administration.urlpatterns,
]
