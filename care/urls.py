from django.urls import path

from care import views

app_name = "care"

urlpatterns = [
    path("care/people/<int:pk>/", views.person, name="person"),
]
