from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("care-recipients/", views.care_recipients, name="care_recipients"),
    path("care-recipients/<int:pk>/", views.care_recipient_detail, name="care_recipient"),
    path("care-links/<int:pk>/remove/", views.unlink, name="unlink"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.mark_notifications_read, name="notifications_read"),
    path("notifications/unread.json", views.unread_notifications, name="notifications_unread"),
]
