"""WebSocket routes: STOMP chat at /ws."""

from django.urls import path

from chat.consumers import StompConsumer

websocket_urlpatterns = [path("ws", StompConsumer.as_asgi())]
