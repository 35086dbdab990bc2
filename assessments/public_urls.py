from assessments.views import public

app_name = "public"
urlpatterns = public.urlpatterns
