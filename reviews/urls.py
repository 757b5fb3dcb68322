from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("orders/<str:code>/review/", views.write_review, name="write"),
    path("provider/<int:pk>/reviews/", views.provider_reviews, name="provider_reviews"),
    path("reviews/<int:pk>/reply/", views.reply, name="reply"),
    path("complaints/", views.my_complaints, name="complaints"),
    path("complaints/new/", views.file_complaint, name="file_complaint"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("feedback/<uuid:token>/", views.feedback, name="feedback"),
]
