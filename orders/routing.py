from django.urls import path

from orders.consumers import OrderEventsConsumer

websocket_urlpatterns = [
    path("ws/orders/<str:code>/", OrderEventsConsumer.as_asgi()),
]
