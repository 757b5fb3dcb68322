from django.urls import path

from statements import views

app_name = "statements"

urlpatterns = [
    path("provider/<int:pk>/statements/", views.provider_statements, name="provider_statements"),
    path("provider/statements/<int:pk>/", views.statement, name="statement"),
    path("provider/statements/lines/<int:pk>/contest/", views.contest, name="contest"),
    path("provider/statements/evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
]
