from assessments.views import administration, agency, reports, review

app_name = "assessments"

# Each area keeps its own urlpatterns beside its views.
urlpatterns = [
    *agency.urlpatterns,
    *review.urlpatterns,
    *reports.urlpatterns,
    *administration.urlpatterns,
]
