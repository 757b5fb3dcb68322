from django.urls import path

from billing import views

app_name = "applications"

urlpatterns = [
    path("me/care-recipients/<int:pk>/apply/", views.new, name="new"),
    path("applications/<int:pk>/", views.detail, name="detail"),
    path("applications/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("applications/<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("applications/evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
]
