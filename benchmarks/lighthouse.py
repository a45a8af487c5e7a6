"""Lighthouse on the main pages, served the way production serves them.

    .venv/bin/python benchmarks/lighthouse.py [--pages home,party,...] [--runs 1]
        [--database-url postgres://postgres@127.0.0.1:5432/gonggu_bench_lighthouse]

What runs: a scratch database (migrated, ``seed_demo`` data), ``collectstatic``, then daphne
with production settings (no DJANGO_DEV_MODE, DEBUG off, a random secret key, WhiteNoise
serving the collected, compressed, hashed files); only the SSL redirect is off, because
Lighthouse talks plain HTTP to 127.0.0.1 (a secure origin for the browser). A demo resident
is signed in for every page but login and signup: a session is made in the database and its
cookie set in the browser before Lighthouse opens the page.

Lighthouse 12 (package.json devDependency, Node 20) drives Debian's Chromium (CHROME_PATH,
headless, --no-sandbox; never a downloaded browser), started here with a DevTools port, with
Lighthouse's defaults: mobile emulation and simulated throttling. With ``--runs N`` each page
is measured N times and the median score kept (performance varies on a loaded machine).

Map tiles are the one resource from the internet (the host of settings.MAP_TILES_URL),
unreachable here: by default the browser resolves that host to a local stand-in (HTTPS,
self-signed; a 256 px PNG of 15 KB per tile, a 512 px one of 46 KB for a "@2x" tile, about
real tiles' weights), so that the pages are measured as a resident online gets them;
``--real-tiles`` asks the real host instead.

Prints page | performance | accessibility | best practices | SEO, then every failing audit of
a category under target (100 for accessibility, best practices and SEO; 95 for performance).
Exits 1 when a target is missed (``--no-fail`` to always exit 0).
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import secrets
import shutil
import socket
import ssl
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from contextlib import contextmanager, nullcontext
from pathlib import Path
from urllib.parse import urlsplit

from scratch_db import ensure_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gonggu_bench_lighthouse"
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
DEMO_RESIDENT = "demo1@gonggu.kr"

# (name, path or a key filled from the seeded data, signed in)
PAGES = [
    ("home", "/", True),
    ("party", "{party}", True),
    ("new party", "/parties/new/", True),
    ("items", "/items/", True),
    ("markets", "/markets/", True),
    ("market", "{market}", True),
    ("my page", "/accounts/me/", True),
    ("notifications", "/notifications/", True),
    ("favorites", "/notifications/favorites/", True),
    ("penalties", "/penalties/mine/", True),
    ("login", "/accounts/login/", False),
    ("signup", "/accounts/signup/", False),
]


def production_env(database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "DJANGO_DEBUG": "False",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_DEV_MODE", None)
    for name in ("REDIS_URL", "RABBITMQ_URL"):
        if not env.get(name):
            raise SystemExit(f"{name} must be set: production settings need all three services")
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


# Run by ``manage.py shell`` in the production environment: a signed-in session for the demo
# resident (what the login view would store) and the pages that depend on the seeded data.
SESSION_SCRIPT = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils.module_loading import import_string
from importlib import import_module
from accounts.models import User
from parties.models import Party
user = User.objects.get(email=%(email)r)
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.save()
party = Party.objects.filter(leader=user).order_by("-id").first()
print(json.dumps({
    "cookie": {"name": settings.SESSION_COOKIE_NAME, "value": store.session_key},
    "party": f"/parties/{party.pk}/",
    "market": f"/markets/{party.market_id}/",
    "tiles": settings.MAP_TILES_URL,
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"daphne exited:\n{log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"daphne did not start:\n{log.read_text(errors='replace')}")


@contextmanager
def chromium(*, cookie: dict | None, tiles: tuple[str, int] | None):
    """Debian's Chromium, headless, with a DevTools port for Lighthouse (``--port``); the
    session cookie set as a real cookie first (Playwright over CDP), so that every request
    the page makes carries it as a resident's browser would (a ``--extra-headers`` Cookie
    does not reach the page's EventSource, which then answered 401)."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    # Chromium may still be writing its profile as it exits: the cleanup must not fail the run.
    with tempfile.TemporaryDirectory(
        prefix="lighthouse-chrome-", ignore_cleanup_errors=True
    ) as profile:
        process = subprocess.Popen(
            [CHROME, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-quic", f"--remote-debugging-port={port}", f"--user-data-dir={profile}",
             *(
                 [f"--host-resolver-rules=MAP {tiles[0]} 127.0.0.1:{tiles[1]}",
                  "--ignore-certificate-errors"]
                 if tiles else []
             ),
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise SystemExit("Chromium did not start") from None
                    time.sleep(0.1)
            if cookie:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
                    browser.contexts[0].add_cookies([cookie])
                    browser.close()  # disconnects; the browser and its cookie stay
            yield port
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def tile_png(size: int = 256, noisy_rows: int = 20) -> bytes:
    """A tile-sized PNG of about a real map tile's weight (a grey land colour; some rows of
    noise so that it does not compress to nothing)."""
    rows = []
    for y in range(size):
        if y < noisy_rows:
            rows.append(b"\x00" + os.urandom(size * 3))
        else:
            rows.append(b"\x00" + bytes((242, 239, 233)) * size)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


@contextmanager
def tile_server(host: str):
    """HTTPS on a free port answering every GET with the same tile, 512 px for a "@2x" one
    (a self-signed certificate for ``host``; the browser is told to accept it for this
    stand-in only). Yields (host, port)."""
    tile_1x, tile_2x = tile_png(), tile_png(512, noisy_rows=30)

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            tile = tile_2x if "@2x" in self.path else tile_1x
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.send_header("Cache-Control", "max-age=86400")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args) -> None:
            pass

    with tempfile.TemporaryDirectory(prefix="lighthouse-tiles-") as tmp:
        cert, key = Path(tmp) / "cert.pem", Path(tmp) / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", f"/CN={host}", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield host, server.server_address[1]
        finally:
            server.shutdown()


def lighthouse(url: str, *, cookie: dict | None, out: Path, tiles: tuple[str, int] | None) -> dict:
    # Lighthouse now and then loses the trace on a loaded machine (NO_NAVSTART, "run
    # Lighthouse again"): a fresh browser and another try, up to three.
    for attempt in range(3):
        out.unlink(missing_ok=True)
        with chromium(cookie=cookie, tiles=tiles) as port:
            command = [
                "node", str(LIGHTHOUSE), url, f"--port={port}",
                "--quiet", "--output=json", f"--output-path={out}",
                f"--only-categories={','.join(CATEGORIES)}",
            ]  # fmt: skip
            result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        report = json.loads(out.read_text()) if out.exists() else {}
        if result.returncode == 0 and not report.get("runtimeError"):
            return report
        print(f"  lighthouse attempt {attempt + 1} failed on {url}", file=sys.stderr)
    raise SystemExit(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")


def scores(report: dict) -> dict[str, int]:
    return {key: round((report["categories"][key]["score"] or 0) * 100) for key in CATEGORIES}


def failing_audits(report: dict, category: str) -> list[str]:
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] == 0 and category != "performance":
            continue
        score = audit.get("score")
        if score is None or score >= (0.9 if category == "performance" else 1):
            continue
        detail = audit.get("displayValue") or ""
        nodes = [
            item.get("node", {}).get("selector", "")
            for item in (audit.get("details") or {}).get("items", [])[:3]
            if isinstance(item, dict) and item.get("node")
        ]
        where = f" [{', '.join(n for n in nodes if n)}]" if any(nodes) else ""
        lines.append(f"    {ref['id']}: {audit['title']} {detail}{where}".rstrip())
        # Console errors and the like say what went wrong in a description or a URL.
        for item in (audit.get("details") or {}).get("items", [])[:5]:
            if not isinstance(item, dict) or item.get("node"):
                continue
            url = item.get("url") or (item.get("sourceLocation") or {}).get("url", "")
            said = " ".join(str(part) for part in (item.get("description"), url) if part)
            if said:
                lines.append(f"      - {said[:200]}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--runs", type=int, default=1, help="runs per page (median score kept)")
    parser.add_argument(
        "--real-tiles", action="store_true", help="ask the real tile host (needs the internet)"
    )
    parser.add_argument("--no-fail", action="store_true", help="exit 0 even if a target is missed")
    args = parser.parse_args()

    if not LIGHTHOUSE.exists() or not shutil.which("node") or not Path(CHROME).exists():
        raise SystemExit("needs node, `npm ci` (lighthouse) and Chromium at CHROME_PATH")
    wanted = {name.strip() for name in args.pages.split(",") if name.strip()}
    unknown = wanted - {name for name, _, _ in PAGES}
    if unknown:
        raise SystemExit(f"unknown pages: {', '.join(sorted(unknown))}")
    pages = [page for page in PAGES if not wanted or page[0] in wanted]

    ensure_database(args.database_url)
    env = production_env(args.database_url)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "-v0")
    shell = manage(env, "shell", "-c", SESSION_SCRIPT % {"email": DEMO_RESIDENT})
    seeded = json.loads(shell.strip().splitlines()[-1])  # after anything the shell prints

    port = free_port()
    # Not Secure (as production would set it): this cookie is for plain HTTP to 127.0.0.1.
    cookie = {**seeded["cookie"], "url": f"http://127.0.0.1:{port}", "httpOnly": True}
    log = ROOT / "test-artifacts" / f"lighthouse-daphne-{port}.log"
    log.parent.mkdir(exist_ok=True)
    with open(log, "wb") as out:
        daphne = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
             "config.asgi:application"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    rows, details, missed = [], [], False
    try:
        wait_listening(port, daphne, log)
        tile_host = urlsplit(seeded["tiles"]).hostname.replace("{s}", "a")
        stand_in = nullcontext(None) if args.real_tiles else tile_server(tile_host)
        with stand_in as tiles, tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
            for name, path, signed_in in pages:
                url = f"http://127.0.0.1:{port}{path.format(**seeded)}"
                reports = [
                    lighthouse(
                        url,
                        cookie=cookie if signed_in else None,
                        tiles=tiles,
                        out=Path(tmp) / f"{name}-{run}.json",
                    )
                    for run in range(args.runs)
                ]
                runs = [scores(report) for report in reports]
                median = {key: int(statistics.median(r[key] for r in runs)) for key in CATEGORIES}
                rows.append((name, path.format(**seeded), median))
                print(f"  measured {name}: {median}", file=sys.stderr, flush=True)
                for key in CATEGORIES:
                    if median[key] < TARGETS[key]:
                        missed = True
                        worst = min(reports, key=lambda r, k=key: scores(r)[k])
                        details.append(f"  {name} — {key} {median[key]}:")
                        details.extend(failing_audits(worst, key))
    finally:
        daphne.terminate()
        try:
            daphne.wait(10)
        except subprocess.TimeoutExpired:
            daphne.kill()

    print(f"Lighthouse {lighthouse_version()} (mobile, simulated throttling), {args.runs} run(s)")
    print("| page | path | performance | accessibility | best practices | SEO |")
    print("|---|---|---|---|---|---|")
    for name, path, median in rows:
        cells = " | ".join(str(median[key]) for key in CATEGORIES)
        print(f"| {name} | {path} | {cells} |")
    print(
        "targets: performance >= 95, accessibility/best practices/SEO = 100: "
        + ("MISSED" if missed else "met")
    )
    if details:
        print("failing audits:")
        print("\n".join(details))
    return 1 if missed and not args.no_fail else 0


def lighthouse_version() -> str:
    package = ROOT / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text())["version"]


if __name__ == "__main__":
    sys.exit(main())
