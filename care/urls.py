from django.urls import path

from care import screens, views

app_name = "care"

urlpatterns = [
    path("care/people/<int:pk>/", views.person, name="person"),
    path("care/plans/", views.plan_list, name="plans"),
    path("care/plans/<int:pk>/", views.plan, name="plan"),
    path("care/people/<int:pk>/plans/new/", screens.new_plan, name="new_plan"),
    path("care/plans/<int:pk>/accept/", screens.accept, name="accept"),
    path("care/plans/<int:pk>/decline/", screens.decline, name="decline"),
    path("care/plans/<int:pk>/carer/", screens.choose_worker, name="choose_worker"),
    path("care/plans/<int:pk>/pause/", screens.pause, name="pause"),
    path("care/plans/<int:pk>/end/", screens.end, name="end"),
    path("care/visits/<int:pk>/skip/", screens.skip, name="skip"),
    path("care/visits/to-decide/", views.visits_to_decide, name="visits_to_decide"),
    path("care/visits/<int:pk>/book-held/", screens.book_held, name="book_held"),
    path("care/visits/<int:pk>/retry/", screens.retry, name="retry"),
    path("care/visits/<int:pk>/let-go/", screens.let_go, name="let_go"),
]
