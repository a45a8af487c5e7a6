"""WebSocket routes. The STOMP chat endpoint (/ws) is added by the chat app."""

websocket_urlpatterns: list = []
