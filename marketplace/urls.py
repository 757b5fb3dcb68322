from django.urls import path

from marketplace import views

app_name = "marketplace"

urlpatterns = [
    path("services/", views.catalogue, name="catalogue"),
    path("services/<int:pk>/", views.service_detail, name="service"),
    path("provider/<int:pk>/services/", views.provider_services, name="provider_services"),
    path("provider/<int:pk>/services/new/", views.new_service, name="new_service"),
    path("provider/services/<int:pk>/", views.manage_service, name="manage_service"),
    path("provider/services/<int:pk>/hours/", views.set_hours, name="set_hours"),
    path("provider/services/<int:pk>/days/", views.add_exception, name="add_exception"),
    path(
        "provider/services/<int:pk>/days/<int:exception_pk>/remove/",
        views.remove_exception,
        name="remove_exception",
    ),
    path("provider/services/<int:pk>/submit/", views.submit_service, name="submit_service"),
    path("provider/services/<int:pk>/price/", views.change_price, name="change_price"),
    path("provider/services/<int:pk>/photo/", views.set_photo, name="set_photo"),
]
