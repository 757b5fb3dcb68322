from django.urls import path

from providers import views, views_venues

app_name = "providers"

urlpatterns = [
    path("provider/", views.dashboard, name="dashboard"),
    path("provider/register/", views.register, name="register"),
    path("provider/<int:pk>/", views.manage, name="manage"),
    path("provider/<int:pk>/edit/", views.edit, name="edit"),
    path("provider/<int:pk>/documents/", views.upload_document, name="upload_document"),
    path("provider/<int:pk>/submit/", views.submit, name="submit"),
    path("provider/<int:pk>/invite/", views.invite, name="invite"),
    path(
        "provider/<int:pk>/members/<int:member_pk>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("provider/<int:pk>/photos/", views.add_photo, name="add_photo"),
    path(
        "provider/<int:pk>/photos/<int:photo_pk>/remove/",
        views.remove_photo,
        name="remove_photo",
    ),
    path("provider/<int:pk>/venues/", views_venues.venues, name="venues"),
    path("provider/venues/<int:pk>/", views_venues.venue, name="venue"),
    path("provider/venues/<int:pk>/sittings/", views_venues.add_sitting, name="add_sitting"),
    path(
        "provider/venues/<int:pk>/sittings/<int:sitting_pk>/remove/",
        views_venues.remove_sitting,
        name="remove_sitting",
    ),
    path("provider/documents/<int:pk>/file/", views.document_file, name="document_file"),
    path("provider/invitations/<uuid:token>/", views.invitation, name="invitation"),
    path("providers/<int:pk>/", views.profile, name="profile"),
]
