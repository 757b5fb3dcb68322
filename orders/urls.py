from django.urls import path

from orders import views, views_cards, views_provider_change, views_roll_call, views_webhooks

app_name = "orders"

urlpatterns = [
    path("services/<int:pk>/book/", views.book, name="book"),
    path("orders/", views.my_orders, name="mine"),
    path("visits/", views.my_visits, name="visits"),
    path("orders/<str:code>/", views.detail, name="detail"),
    path("orders/<str:code>/live/", views.live, name="live"),
    path("orders/<str:code>/receipt/", views.receipt, name="receipt"),
    path("orders/<str:code>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("orders/<str:code>/pay/", views.pay, name="pay"),
    path("orders/<str:code>/paid/", views.paid, name="paid"),
    path("orders/<str:code>/accept/", views.accept, name="accept"),
    path("orders/<str:code>/decline/", views.decline, name="decline"),
    path("orders/<str:code>/cancel/", views.cancel, name="cancel"),
    path("orders/<str:code>/reschedule/", views.reschedule, name="reschedule"),
    path("orders/<str:code>/assign/", views.assign, name="assign"),
    path("orders/<str:code>/check-in/", views.check_in, name="check_in"),
    path("orders/<str:code>/check-out/", views.check_out, name="check_out"),
    path("orders/<str:code>/confirm/", views.confirm, name="confirm"),
    path("orders/<str:code>/no-show/", views.no_show, name="no_show"),
    path("orders/<str:code>/dispute/", views.dispute, name="dispute"),
    path("orders/<str:code>/resolve/", views.resolve, name="resolve"),
    path("orders/<str:code>/confirm-visit/", views.confirm_visit, name="confirm_visit"),
    path("orders/<str:code>/correct-visit/", views.correct_visit, name="correct_visit"),
    path(
        "orders/<str:code>/provider-change/accept/",
        views_provider_change.accept,
        name="accept_provider_change",
    ),
    path(
        "orders/<str:code>/provider-change/decline/",
        views_provider_change.decline,
        name="decline_provider_change",
    ),
    path("provider/<int:pk>/orders/", views.provider_orders, name="provider_orders"),
    path("provider/<int:pk>/roster/", views.provider_roster, name="provider_roster"),
    path("provider/<int:pk>/payouts/", views.start_payouts, name="start_payouts"),
    path("provider/<int:pk>/payouts/return/", views.payouts_return, name="payouts_return"),
    path("venues/", views_roll_call.venues, name="venues"),
    path("venues/<int:pk>/roll-call/", views_roll_call.roll_call_day, name="roll_call_day"),
    path(
        "venues/<int:pk>/roll-call/<str:when>/",
        views_roll_call.roll_call_sitting,
        name="roll_call_sitting",
    ),
    path("care-recipients/<int:pk>/visit-card/", views.visit_card, name="visit_card"),
    path("cards/", views_cards.cards, name="cards"),
    path("cards/new/", views_cards.save_card, name="save_card"),
    path("cards/<int:pk>/", views_cards.card_setup, name="card_setup"),
    path("cards/<int:pk>/saved/", views_cards.card_saved, name="card_saved"),
    path("cards/<int:pk>/remove/", views_cards.remove_card, name="remove_card"),
    path("stripe/webhook/", views_webhooks.stripe_webhook, name="stripe_webhook"),
]
