from accounts.routing import websocket_urlpatterns as account_patterns
from orders.routing import websocket_urlpatterns as order_patterns

websocket_urlpatterns = [*account_patterns, *order_patterns]
