"""Log context and the last guard against secrets in logs.

Context: the request id, user id and party id of whatever a line is about, carried in a
context variable so that every line logged while serving a request or a STOMP session carries
them (``ContextFilter`` copies them onto each record). The variable holds one mutable dict per
request or session, set where it starts (``common.access``): code deeper down (a Django
middleware running in another task, a view in a thread, a consumer) adds to that same dict
with ``bind``, and the access line at the end sees what they added. A task that outlives the
request (a hub's receive loop) must not inherit it: start it in ``detached_context()``.

Secrets: ``redact`` replaces what looks like a credential (JWTs, ``Bearer ...``, ``key=...``
in URLs and bodies, passwords in URLs) and the configured secrets themselves (the API keys,
which the public-data APIs take in the URL path, where no pattern can tell them apart).
``RedactingFilter`` runs it over every record's message, arguments, traceback and extra
fields; ``common.sentry`` runs it over every event. Code should still not log secrets:
this is the guard for what slips through (a library's debug line, a traceback).
"""

import contextvars
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# The fields a line may carry, and the one dict per request/session holding them.
FIELDS = ("request_id", "user_id", "party_id")
_context: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "gonggu_log_context", default=None
)


def bind(**fields: Any) -> None:
    """Add fields to the current request's or session's log context (made if there is
    none: a task of its own, a management command)."""
    current = _context.get()
    if current is None:
        _context.set(dict(fields))
    else:
        current.update(fields)


def unbind(*names: str) -> None:
    current = _context.get()
    if current is not None:
        for name in names:
            current.pop(name, None)


def context_fields() -> dict[str, Any]:
    """A copy of the current log context."""
    return dict(_context.get() or {})


def open_context(**fields: Any) -> contextvars.Token:
    """Start a fresh context for one request or session (nothing inherited from an
    enclosing one); end it with ``close_context``."""
    return _context.set(dict(fields))


def close_context(token: contextvars.Token) -> None:
    """End a context: emptied too, so that a task it started and left running stops
    claiming the request."""
    fields = _context.get()
    _context.reset(token)
    if fields is not None:
        fields.clear()


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """``open_context`` .. ``close_context`` around a block."""
    token = open_context(**fields)
    try:
        yield
    finally:
        close_context(token)


def detached_context() -> contextvars.Context:
    """A copy of the current context without a log context: for ``create_task(...,
    context=...)`` of a task that serves the whole process, not the request that started it."""
    context = contextvars.copy_context()
    context.run(_context.set, None)
    return context


class ContextFilter(logging.Filter):
    """Puts ``request_id``, ``user_id`` and ``party_id`` on every record (``None`` when not
    known; ``party_id`` only when known). Attach to handlers, so that records propagated
    from any logger get it. A value passed with ``extra=`` wins."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = _context.get() or {}
        for name in FIELDS:
            if name not in record.__dict__ and (name != "party_id" or name in current):
                setattr(record, name, current.get(name))
        return True


# --- redaction ----------------------------------------------------------------------------

REDACTED = "[REDACTED]"
# Names whose values are secrets wherever they appear (query strings, forms, JSON, headers).
_NAMES = (
    r"(?:[A-Za-z0-9_-]*(?:token|secret|passw(?:or)?d|api[_-]?key|servicekey|keyid|sessionid"
    r"|csrf[A-Za-z_-]*|authorization|cookie|signature|credential)"
    r"|access|refresh|ticket|code|key|pwd|sig|dsn|auth)"
)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # JWTs (access and refresh tokens): base64url JSON header, always "eyJ".
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){0,2}"), REDACTED),
    # Authorization header values.
    (re.compile(r"(?i)\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=-]{6,}"), rf"\1\2{REDACTED}"),
    # user:password@ in URLs (service URLs, a Sentry DSN's key).
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+@"), rf"\1{REDACTED}@"),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[A-Za-z0-9]{16,}@"), rf"\1{REDACTED}@"),
    # name=value in query strings, form bodies and cookies.
    (re.compile(rf"(?i)(?<![A-Za-z0-9_-])({_NAMES}=)[^&\s;#\"',]+"), rf"\1{REDACTED}"),
    # "name": "a quoted value" (JSON, reprs): all of it, spaces included, quotes kept.
    (
        re.compile(rf"(?i)(?<![A-Za-z0-9_-])({_NAMES}[\"']\s*:\s*)([\"'])(?:(?!\2)[^\\]|\\.)*\2"),
        rf"\1\2{REDACTED}\2",
    ),
    # name: value (headers, the rest).
    (
        re.compile(rf"(?i)(?<![A-Za-z0-9_-])({_NAMES}[\"']?\s*:\s*[\"']?)[^\s\"',;}}&]+"),
        rf"\1{REDACTED}",
    ),
]
# Configured secrets replaced wherever they appear, however they were written out.
SECRET_SETTINGS = (
    "SECRET_KEY",
    "VAPID_PRIVATE_KEY",
    "KAKAO_REST_API_KEY",
    "MAFRA_API_KEY",
    "FOODSAFETY_API_KEY",
    "SENTRY_DSN",
    "METRICS_TOKEN",
)
# Shorter values (the public-data APIs' default key is "sample") are too likely to be words.
MIN_SECRET_LENGTH = 8


def _configured_secrets() -> list[str]:
    try:
        from django.conf import settings

        if not settings.configured:
            return []
        values = [getattr(settings, name, "") for name in SECRET_SETTINGS]
    except Exception:  # settings not importable (a bare script): patterns only
        return []
    return [value for value in values if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH]


def redact(text: str) -> str:
    """``text`` with credentials and the configured secrets replaced by ``[REDACTED]``."""
    for secret in _configured_secrets():
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_value(value: Any, depth: int = 0) -> Any:
    """``redact`` through strings, lists and dicts (an event, a record's extra field)."""
    if isinstance(value, str):
        return redact(value)
    if depth > 20:
        return value
    if isinstance(value, dict):
        return {key: redact_value(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item, depth + 1) for item in value]
    return value


# Attributes every LogRecord has; anything else came with ``extra=``.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
    *FIELDS,
}
_formatter = logging.Formatter()


class RedactingFilter(logging.Filter):
    """The last guard: message, arguments, traceback and extra fields through ``redact``.
    Attach to handlers, after ``ContextFilter``."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            if isinstance(record.msg, dict):
                record.msg = redact_value(record.msg)
            else:
                record.msg, record.args = redact(record.getMessage()), None
            if record.exc_info:
                # Formatted here, so the formatter prints the redacted text (exc_text).
                record.exc_text = _formatter.formatException(record.exc_info)
                record.exc_info = None
            if record.exc_text:
                record.exc_text = redact(record.exc_text)
            if record.stack_info:
                record.stack_info = redact(record.stack_info)
            for name in list(record.__dict__):
                if name in _RECORD_ATTRIBUTES:
                    continue
                value = record.__dict__[name]
                if name == "request":
                    # django.request's HttpRequest: its repr holds the query string; the
                    # access line (same request_id) says which request it was.
                    del record.__dict__[name]
                elif not isinstance(value, int | float | bool | type(None)):
                    record.__dict__[name] = redact_value(
                        value if isinstance(value, str | list | tuple | dict) else str(value)
                    )
        except Exception:  # never lose the line over this; say it could not be checked
            record.msg, record.args = "(log line dropped: redaction failed)", None
            record.exc_info = record.exc_text = record.stack_info = None
        return True


class PlainFormatter(logging.Formatter):
    """``LOG_FORMAT=plain`` (development, tests): one readable line, with the context fields
    that are known at the end (``[request_id=... user_id=...]``)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        known = [
            f"{name}={value}" for name in FIELDS if (value := record.__dict__.get(name)) is not None
        ]
        line = super().formatMessage(record)
        return f"{line} [{' '.join(known)}]" if known else line


def json_formatter(**kwargs: Any) -> logging.Formatter:
    """One JSON object a line: ``timestamp`` (ISO 8601, UTC), ``level``, ``logger``,
    ``message``, the context fields and any ``extra=`` fields (``LOG_FORMAT=json``)."""
    from pythonjsonlogger.json import JsonFormatter

    class TimeFirst(JsonFormatter):
        def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
            return {"timestamp": log_data.pop("timestamp", None), **log_data}

    return TimeFirst(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp=True,
        json_ensure_ascii=False,
        **kwargs,
    )
