"""A local fake of a Web Push service (RFC 8030), strict about what a real one checks.

For each ``POST /push/<token>`` it verifies, as FCM or Mozilla's autopush would:

- ``Authorization: vapid t=<JWT>, k=<public key>`` (RFC 8292): the JWT is ES256, its
  signature verifies with ``k``, ``k`` is the application server key the subscription was
  made with, ``aud`` is this service's origin, ``exp`` is ahead and at most 24 h away,
  ``sub`` is a ``mailto:`` or ``https:`` contact;
- ``TTL`` present, ``Content-Encoding: aes128gcm``, ``Urgency`` (if any) a valid value;
- the body decrypts (RFC 8188 / RFC 8291) with the subscription's private key and auth
  secret — which, like a browser, the fake generated (``subscribe()``) — and records the
  plaintext.

It answers 201, or the status a test set for a token (``respond(token, 410)``); a request it
refuses gets 400/401/403 with the reason, kept in ``refused``.

Usage::

    with FakePushService(application_server_key=vapid_public_key()) as push:
        sub = push.subscribe()                    # {"endpoint", "keys": {"p256dh", "auth"}}
        ...
        push.received[0].message                  # the decrypted JSON
"""

import base64
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One subscribed browser: its push keys, as PushManager.subscribe makes them."""

    token: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        return _b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )


@dataclass
class ReceivedPush:
    token: str
    headers: dict[str, str]
    claims: dict[str, Any]
    plaintext: bytes
    at: float = field(default_factory=time.monotonic)

    @property
    def message(self) -> Any:
        return json.loads(self.plaintext)


class FakePushService:
    def __init__(self, *, application_server_key: str) -> None:
        self.application_server_key = application_server_key.rstrip("=")
        self.browsers: dict[str, Browser] = {}
        self.received: list[ReceivedPush] = []
        self.refused: list[tuple[str, int, str]] = []  # (token, status, reason)
        self.statuses: dict[str, int] = {}
        self.attempts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- what a browser does -----------------------------------------------------------------

    def subscribe(self) -> dict[str, Any]:
        """A new browser subscription (PushSubscription.toJSON())."""
        browser = Browser(
            token=secrets.token_urlsafe(24),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
        )
        self.browsers[browser.token] = browser
        return {
            "endpoint": f"{self.url}/push/{browser.token}",
            "expirationTime": None,
            "keys": {"p256dh": browser.p256dh, "auth": _b64url(browser.auth_secret)},
        }

    def respond(self, endpoint_or_token: str, status: int) -> None:
        """Answer pushes to this subscription with ``status`` (410: it is gone)."""
        self.statuses[endpoint_or_token.rsplit("/", 1)[-1]] = status

    def received_by(self, subscription: dict[str, Any]) -> list[ReceivedPush]:
        token = subscription["endpoint"].rsplit("/", 1)[-1]
        return [push for push in self.received if push.token == token]

    # -- the protocol ------------------------------------------------------------------------

    def _check(self, token: str, headers: dict[str, str], body: bytes) -> ReceivedPush:
        browser = self.browsers.get(token)
        if browser is None:
            raise _Refusal(404, "no such subscription")
        scheme, _, params = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "vapid":
            raise _Refusal(401, "Authorization is not vapid")
        parts = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
        token_jwt, key = parts.get("t", ""), parts.get("k", "").rstrip("=")
        if key != self.application_server_key:
            raise _Refusal(403, "k is not the key the subscription was made with")
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64url(key))
        if jwt.get_unverified_header(token_jwt).get("alg") != "ES256":
            raise _Refusal(401, "JWT is not ES256")
        try:
            claims = jwt.decode(
                token_jwt,
                key=public_key,
                algorithms=["ES256"],
                audience=self.url,
                options={"require": ["exp", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise _Refusal(401, f"bad JWT: {error}") from error
        if claims["exp"] > time.time() + 24 * 3600:
            raise _Refusal(401, "exp more than 24 hours ahead")
        if not str(claims["sub"]).startswith(("mailto:", "https:")):
            raise _Refusal(401, "sub is not a mailto: or https: contact")
        if "ttl" not in headers:
            raise _Refusal(400, "TTL missing")
        if headers.get("urgency", "normal") not in {"very-low", "low", "normal", "high"}:
            raise _Refusal(400, "bad Urgency")
        if headers.get("content-encoding") != "aes128gcm":
            raise _Refusal(415, "Content-Encoding is not aes128gcm")
        try:
            plaintext = http_ece.decrypt(
                body,
                private_key=browser.private_key,
                auth_secret=browser.auth_secret,
                version="aes128gcm",
            )
        except Exception as error:  # any failure to decrypt is the sender's
            raise _Refusal(400, f"does not decrypt: {error!r}") from error
        return ReceivedPush(token=token, headers=headers, claims=claims, plaintext=plaintext)

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake push service first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakePushService":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                token = self.path.split("?")[0].removeprefix("/push/")
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with fake._lock:
                    fake.attempts[token] = fake.attempts.get(token, 0) + 1
                    status = fake.statuses.get(token)
                try:
                    push = fake._check(token, headers, body)
                except _Refusal as refusal:
                    with fake._lock:
                        fake.refused.append((token, refusal.status, refusal.reason))
                    self._answer(refusal.status, refusal.reason)
                    return
                if status is not None and status >= 300:
                    self._answer(status, "as the test asked")
                    return
                with fake._lock:
                    fake.received.append(push)
                self.send_response(201)
                self.send_header("Location", f"{fake.url}/message/{len(fake.received)}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _answer(self, status: int, reason: str) -> None:
                body = reason.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-push-service",
            daemon=True,
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakePushService":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Refusal(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason
