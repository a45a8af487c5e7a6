"""Render deploy/nginx/gonggu.conf: the one nginx site of Gonggu, for production and for
``make deploy-local``.

The template holds every directive; this fills its placeholders (names between at-signs)
only: the web processes' addresses, the listen lines, the server name, the static root, TLS.
So the local layout serves through exactly the server block that production does. Run it to
print a production site::

    python deploy/nginx_site.py --server-name gonggu.example.kr --web-ports 8001,8002 \\
        --static-root /opt/gonggu/staticfiles --tls-cert FULLCHAIN.pem --tls-key PRIVKEY.pem
"""

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "gonggu.conf"


def render_site(
    *,
    upstream: str,
    web_addresses: list[str],
    listen: list[str],
    static_root: str,
    server_name: str = "_",
    tls_cert: str = "",
    tls_key: str = "",
    down: frozenset[str] = frozenset(),
) -> str:
    """The site (one upstream block, one server block) for these web processes
    (``host:port`` each), listening on ``listen`` (nginx ``listen`` arguments). The
    addresses in ``down`` are marked ``down``: nginx sends them no new request (a web
    process being drained before a restart, deploy/rolling-restart.sh)."""
    if not web_addresses:
        raise ValueError("at least one web process")
    if bool(tls_cert) != bool(tls_key):
        raise ValueError("TLS needs both the certificate and the key")
    servers = "\n".join(
        f"    server {address}{' down' if address in down else ''} max_fails=1 fail_timeout=5s;"
        for address in web_addresses
    )
    listen_lines = [f"    listen {value};" for value in listen]
    redirect = ""
    if tls_cert:
        listen_lines += [
            f"    ssl_certificate {tls_cert};",
            f"    ssl_certificate_key {tls_key};",
            "    ssl_protocols TLSv1.2 TLSv1.3;",
            "    ssl_session_cache shared:gonggu_tls:10m;",
            "    ssl_session_timeout 1d;",
        ]
        # Plain HTTP only says where the site is (the app sends HSTS once on HTTPS).
        redirect = (
            "server {\n    listen 80;\n    listen [::]:80;\n"
            f"    server_name {server_name};\n"
            "    return 301 https://$host$request_uri;\n}\n"
        )
    values = {
        "UPSTREAM": upstream,
        "UPSTREAM_SERVERS": servers,
        "LISTEN": "\n".join(listen_lines),
        "SERVER_NAME": server_name,
        "STATIC_ROOT": static_root.rstrip("/"),
        "TLS_REDIRECT_SERVER": redirect,
    }
    text = TEMPLATE.read_text()
    missing = set(re.findall(r"@([A-Z_]+)@", text)) - set(values)
    if missing:
        raise ValueError(f"template placeholders without a value: {sorted(missing)}")
    return re.sub(r"@([A-Z_]+)@", lambda match: values[match.group(1)], text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server-name", required=True)
    parser.add_argument("--web-ports", required=True, help="comma-separated, e.g. 8001,8002")
    parser.add_argument("--web-host", default="127.0.0.1")
    parser.add_argument("--static-root", default="/opt/gonggu/staticfiles")
    parser.add_argument("--tls-cert", default="")
    parser.add_argument("--tls-key", default="")
    args = parser.parse_args(argv)
    tls = bool(args.tls_cert)
    # http2 as a listen flag: Debian 12's nginx is 1.22 ("http2 on;" came in 1.25.1).
    listen = ["443 ssl http2", "[::]:443 ssl http2"] if tls else ["80", "[::]:80"]
    sys.stdout.write(
        render_site(
            upstream="gonggu_web",
            web_addresses=[f"{args.web_host}:{port}" for port in args.web_ports.split(",")],
            listen=listen,
            static_root=args.static_root,
            server_name=args.server_name,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
