from accounts.routing import websocket_urlpatterns as account_patterns

websocket_urlpatterns = [*account_patterns]
