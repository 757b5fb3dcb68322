from django.urls import path

from cms import views

app_name = "channels"

urlpatterns = [
    path("activities/<int:pk>/register/", views.register, name="register"),
    path("activities/registrations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("notices/", views.my_notices, name="notices"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("search/", views.search, name="search"),
]
