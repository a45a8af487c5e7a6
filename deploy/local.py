"""``make deploy-local``: the production layout on this machine, as the current user.

nginx in front of N web processes (daphne), the dispatcher, a Celery worker and beat, each
started with the command of its systemd unit in deploy/systemd/ (``ExecStart=``, with ``%i``,
``%H``, ``${VAR}`` and the install path /opt/gonggu filled in) and nginx with the site of
deploy/nginx/gonggu.conf (rendered by deploy/nginx_site.py), so what runs here is what
production runs. Production settings: not development mode, no debug pages, a random secret
kept in .deploy-local/secret-key; plain HTTP on 127.0.0.1, so no HTTPS redirect and no Secure
cookies (DJANGO_SECURE_COOKIES=0, which the settings refuse for any host but this machine).

Why a supervisor of its own: honcho (``make run``) stops every process when one exits, which
is what took the site down when a Celery worker crashed. Here, as under systemd
(``Restart=always``), a process that dies is restarted on its own after a short backoff and
the others keep running. Each process runs in a process group of its own, and the whole group
goes when it exits or is stopped (systemd's ``KillMode=control-group``: a killed Celery
worker's pool processes do not linger). SIGINT (Ctrl-C) or SIGTERM stops everything, nginx
included.

For tests: ``--pinned-ports`` adds nginx listeners that each send everything to ONE web
process (the same server block, an upstream of one), so a test can put two clients on
different web processes through nginx; ``--state`` is a JSON file with the ports, the run
directory and every process's pid, rewritten on every start and exit.

Upgrades without downtime: SIGHUP restarts the processes one at a time, as
deploy/rolling-restart.sh does with systemd in production. Each web process is first drained:
marked ``down`` in the nginx site and nginx reloaded (gracefully), so new requests go to the
others while the ones it is answering finish; then it is stopped (SIGTERM: its WebSockets and
SSE streams drop and reconnect through nginx to another process), started again, waited for
until its ``/readyz`` answers 200 on its own port, and put back into the site. Then the
dispatcher, the worker and beat. The state file counts finished rolling restarts
(``rolling_restarts``).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import getpass
import json
import os
import re
import resource
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nginx_site import render_site

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "deploy" / "systemd"
INSTALL_PATH = "/opt/gonggu"  # where the units expect the checkout; here it is ROOT
LOCAL_DIR = ROOT / ".deploy-local"

BACKOFF_FIRST, BACKOFF_MAX = 0.5, 5.0
# A process that ran this long before dying starts again from the first backoff.
STEADY_SECONDS = 10.0
STOP_TIMEOUT = 20.0
# How long a restarted web process may take to answer /readyz during a rolling restart.
READY_TIMEOUT = 120.0
# How long a web process marked down keeps running for the requests it is answering before
# it is stopped: daphne drops whatever is in flight on SIGTERM, and nginx cannot send a
# POST that was cut off to another process (it may have been done), so it would answer
# 502. Pages and API calls take well under a second; streams are not waited for (they
# reconnect).
DRAIN_SECONDS = 3.0


def log(message: str) -> None:
    print(f"deploy-local: {message}", flush=True)


# --- systemd units --------------------------------------------------------------------------


@dataclass
class Unit:
    exec_start: str
    environment: dict[str, str]


def read_unit(path: Path) -> Unit:
    """``ExecStart=`` (with its continuation lines) and ``Environment=`` of a unit file."""
    lines: list[str] = []
    for raw in path.read_text().splitlines():
        if lines and lines[-1].endswith("\\"):
            lines[-1] = lines[-1][:-1] + " " + raw.strip()
        elif raw.strip() and not raw.lstrip().startswith(("#", ";")):
            lines.append(raw.strip())
    exec_start, environment = "", {}
    for line in lines:
        key, _, value = line.partition("=")
        if key == "ExecStart":
            exec_start = value
        elif key == "Environment":
            for word in shlex.split(value):
                name, _, setting = word.partition("=")
                environment[name] = setting
    if not exec_start:
        raise ValueError(f"{path.name} has no ExecStart=")
    return Unit(exec_start=exec_start, environment=environment)


def unit_command(
    unit: Unit, *, instance: str, hostname: str, env: dict[str, str], root: Path = ROOT
) -> list[str]:
    """The unit's command as systemd would run it here: specifiers first (``%i``, ``%H``,
    ``%%``), then ``${VAR}``/``$VAR`` from the environment, and the install path -> ``root``."""
    specifiers = {"i": instance, "I": instance, "H": hostname, "%": "%"}

    def specifier(match: re.Match[str]) -> str:
        letter = match.group(1)
        if letter not in specifiers:
            raise ValueError(f"unit specifier %{letter} is not supported here")
        return specifiers[letter]

    line = re.sub(r"%(.)", specifier, unit.exec_start)
    words = []
    for word in shlex.split(line):
        word = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m.group(1) or m.group(2), ""), word)
        if word == INSTALL_PATH or word.startswith(INSTALL_PATH + "/"):
            word = str(root) + word[len(INSTALL_PATH) :]
        words.append(word)
    return words


# --- nginx ----------------------------------------------------------------------------------


def nginx_main_conf(*, run_dir: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf is in production: the process-wide settings, with
    every path in the run directory (no root needed) and the site included as it is."""
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    tmp = run_dir / "nginx-tmp"
    return (
        "daemon off;\nmaster_process on;\nworker_processes 1;\n"
        f"{user}pid {run_dir / 'nginx.pid'};\nerror_log stderr notice;\n"
        # Two connections per proxied client (client side, upstream side): 1,000 chat
        # clients per web process need thousands.
        "worker_rlimit_nofile 16384;\nevents { worker_connections 8192; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        "    sendfile on;\n    tcp_nopush on;\n    server_tokens off;\n"
        f"    access_log {run_dir / 'nginx-access.log'};\n"
        f"    client_body_temp_path {tmp / 'body'};\n    proxy_temp_path {tmp / 'proxy'};\n"
        f"    fastcgi_temp_path {tmp / 'fastcgi'};\n    uwsgi_temp_path {tmp / 'uwsgi'};\n"
        f"    scgi_temp_path {tmp / 'scgi'};\n"
        f"    include {site};\n"
        "}\n"
    )


def write_nginx_conf(
    *,
    run_dir: Path,
    port: int,
    web_ports: list[int],
    pinned_ports: list[int],
    static_root: Path,
    down: frozenset[int] = frozenset(),
) -> Path:
    """nginx's configuration in the run directory; the web processes on ``down`` ports are
    marked down in the main site (a pinned listener always goes to its own process)."""
    sites = [
        render_site(
            upstream="gonggu_web",
            web_addresses=[f"127.0.0.1:{web}" for web in web_ports],
            listen=[f"127.0.0.1:{port}"],
            static_root=str(static_root),
            server_name="127.0.0.1 localhost",
            down=frozenset(f"127.0.0.1:{web}" for web in down),
        )
    ]
    for index, (pinned, web) in enumerate(zip(pinned_ports, web_ports, strict=False), 1):
        sites.append(
            render_site(
                upstream=f"gonggu_web_pinned_{index}",
                web_addresses=[f"127.0.0.1:{web}"],
                listen=[f"127.0.0.1:{pinned}"],
                static_root=str(static_root),
                server_name="127.0.0.1 localhost",
            )
        )
    site = run_dir / "gonggu-site.conf"
    site.write_text("\n".join(sites))
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / "nginx-tmp" / name).mkdir(parents=True, exist_ok=True)
    conf = run_dir / "nginx.conf"
    conf.write_text(nginx_main_conf(run_dir=run_dir, site=site))
    return conf


# --- processes ------------------------------------------------------------------------------


@dataclass
class Program:
    name: str
    command: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    starts: int = 0
    failures: int = 0
    restart_at: float | None = None
    history: list[int] = field(default_factory=list)
    port: int | None = None  # a web process's own port (its /readyz)
    held: bool = False  # being restarted on purpose: the restart loop leaves it alone


_LIBC = ctypes.CDLL(None)  # loaded before any fork: a child only calls into it


def _die_with_parent() -> None:
    # A supervisor killed outright (kill -9) takes its children along (Linux only). The
    # signal comes when the THREAD that started the child ends: only the main thread starts
    # processes.
    with contextlib.suppress(Exception):
        _LIBC.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Supervisor:
    def __init__(
        self,
        programs: list[Program],
        *,
        state_file: Path,
        state: dict,
        configure_nginx: Callable[[frozenset[int]], object] = lambda down: None,
    ) -> None:
        self.programs = programs
        self.configure_nginx = configure_nginx  # writes the site with these web ports down
        self.state_file = state_file
        self.state = state
        self.stopping = threading.Event()
        self.rolling = threading.Event()  # SIGHUP: a rolling restart is asked for
        self.lock = threading.RLock()
        self.state.setdefault("rolling_restarts", 0)

    def start(self, program: Program) -> None:
        program.process = subprocess.Popen(
            program.command,
            cwd=ROOT,
            env=program.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own, stopped as a whole
            preexec_fn=_die_with_parent,
        )
        program.started_at = time.monotonic()
        program.starts += 1
        program.restart_at = None
        program.history.append(program.process.pid)
        threading.Thread(target=self._relay, args=(program, program.process), daemon=True).start()
        log(f"{program.name} started (pid {program.process.pid})")
        self.write_state()

    @staticmethod
    def _relay(program: Program, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip()
            sys.stdout.write(f"{program.name:>14} | {line}\n")
            sys.stdout.flush()

    @staticmethod
    def _kill_group(process: subprocess.Popen[bytes], sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)

    def run(self) -> None:
        for program in self.programs:
            self.start(program)
        roller: threading.Thread | None = None
        while not self.stopping.wait(0.1):
            if self.rolling.is_set() and not (roller and roller.is_alive()):
                self.rolling.clear()
                roller = threading.Thread(target=self.rolling_restart, daemon=True)
                roller.start()
            with self.lock:
                self._watch()
        self.stop_all()

    def _watch(self) -> None:
        """Restart whatever died (after its backoff), except a process being restarted on
        purpose."""
        now = time.monotonic()
        for program in self.programs:
            if program.held:
                continue
            process = program.process
            if process is not None and process.poll() is not None:
                # What the process left behind in its group (a Celery pool) goes too.
                self._kill_group(process, signal.SIGKILL)
                ran = now - program.started_at
                program.failures = 1 if ran >= STEADY_SECONDS else program.failures + 1
                delay = min(BACKOFF_FIRST * 2 ** (program.failures - 1), BACKOFF_MAX)
                log(
                    f"{program.name} (pid {process.pid}) exited with code "
                    f"{process.returncode} after {ran:.1f} s; restarting in {delay:.1f} s"
                )
                program.process, program.restart_at = None, now + delay
                self.write_state()
            elif process is None and program.restart_at and now >= program.restart_at:
                self.start(program)

    def _stop(self, process: subprocess.Popen[bytes]) -> None:
        """SIGTERM to the process group, SIGKILL after STOP_TIMEOUT; the group goes too."""
        self._kill_group(process, signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log(f"pid {process.pid} did not stop in {STOP_TIMEOUT:.0f} s: killed")
        self._kill_group(process, signal.SIGKILL)
        process.wait()

    def rolling_restart(self) -> None:
        """Every process but nginx, one at a time. A web process is drained first (marked
        down in nginx, DRAIN_SECONDS for what it is answering), and back in nginx only once
        its /readyz says 200: at every moment another web process serves."""
        log("rolling restart: begins")
        for program in self.programs:
            if program.name == "nginx" or self.stopping.is_set():
                continue
            if program.port is not None:
                log(f"rolling restart: draining {program.name}")
                self.configure_nginx(frozenset({program.port}))
                self.reload_nginx()
                self.stopping.wait(DRAIN_SECONDS)
            with self.lock:
                program.held = True
                process = program.process
                self._write_state()  # "stopping": a client can tell it from a running one
            try:
                if process is not None:
                    log(f"rolling restart: stopping {program.name} (pid {process.pid})")
                    self._stop(process)
            finally:
                # The restart loop (the main thread) starts it again at once: a process
                # must be started by a thread that lives as long as the supervisor, since
                # PR_SET_PDEATHSIG fires when the thread that forked it ends.
                with self.lock:
                    started = program.starts
                    program.process, program.failures = None, 0
                    program.restart_at = time.monotonic()
                    program.held = False
            while program.starts == started and not self.stopping.wait(0.1):
                pass
            if program.port is not None:
                ready_now = self._wait_ready(program)
                self.configure_nginx(frozenset())
                self.reload_nginx()
                if not ready_now:
                    log(f"rolling restart: {program.name} is not ready; stopped here")
                    return
        with self.lock:
            self.state["rolling_restarts"] += 1
            self.write_state()
        log("rolling restart: done")

    def _wait_ready(self, program: Program) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT
        url = f"http://127.0.0.1:{program.port}/readyz"
        while time.monotonic() < deadline and not self.stopping.is_set():
            if ready(url):
                log(f"rolling restart: {program.name} is ready")
                return True
            self.stopping.wait(0.2)
        return False

    def reload_nginx(self) -> None:
        """``nginx -s reload`` and wait until it took: the master starts new workers with
        the new configuration (only if it parses), and the old ones finish what they are
        proxying and exit."""
        nginx = next(p for p in self.programs if p.name == "nginx")
        master = nginx.process
        if master is None or master.poll() is not None:
            return  # restarting anyway, with the configuration as it is now
        before = _children(master.pid)
        os.kill(master.pid, signal.SIGHUP)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self.stopping.is_set():
            if _children(master.pid) - before:
                return
            self.stopping.wait(0.05)
        log("nginx did not start new workers after a reload in 30 s")

    def stop_all(self) -> None:
        log("stopping everything")
        running = [p.process for p in self.programs if p.process is not None]
        for process in running:
            self._kill_group(process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in running:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"pid {process.pid} did not stop in {STOP_TIMEOUT:.0f} s: killed")
            # Its group too, whatever it left behind.
            self._kill_group(process, signal.SIGKILL)
        for program in self.programs:
            program.process = None
        self.state["stopped"] = True
        self.write_state()
        log("stopped")

    def write_state(self) -> None:
        with self.lock:
            self._write_state()

    def _write_state(self) -> None:
        self.state["processes"] = {
            program.name: {
                "pid": program.process.pid if program.process else None,
                "starts": program.starts,
                "pids": program.history,
                "stopping": program.held and program.process is not None,
            }
            for program in self.programs
        }
        draft = self.state_file.with_name(self.state_file.name + ".tmp")
        draft.write_text(json.dumps(self.state, indent=2))
        draft.replace(self.state_file)


def _children(pid: int) -> set[int]:
    """A process's children (Linux)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(word) for word in text.split()}


def ready(url: str) -> bool:
    """``/readyz`` of one web process says 200 (PostgreSQL, Redis and RabbitMQ answer)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


# --- the layout -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ports(value: str, count: int) -> list[int]:
    if value in ("", "auto"):
        return [free_port() for _ in range(count)]
    return [int(part) for part in value.split(",")]


def secret_key() -> str:
    path = LOCAL_DIR / "secret-key"
    if not path.exists():
        LOCAL_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def layout_env(*, port: int, pinned_ports: list[int], static_root: Path) -> dict[str, str]:
    """The processes' environment: the service URLs and names given, production settings."""
    missing = [n for n in ("DATABASE_URL", "REDIS_URL", "RABBITMQ_URL") if not os.environ.get(n)]
    if missing:
        sys.exit(
            "deploy-local: set " + ", ".join(missing) + " (the production layout runs against "
            "real PostgreSQL, Redis and RabbitMQ), e.g.\n"
            "  export DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonggu\n"
            "  export REDIS_URL=redis://127.0.0.1:6379/0\n"
            "  export RABBITMQ_URL=amqp://guest:guest@127.0.0.1:5672//"
        )
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    hosts = ("127.0.0.1", "localhost")
    origins = [f"http://{host}:{p}" for p in (port, *pinned_ports) for host in hosts]
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            # Production mode: `make` exports DJANGO_DEV_MODE=1 for its own targets.
            "DJANGO_DEV_MODE": "0",
            "DJANGO_DEBUG": "False",
            "DJANGO_SECRET_KEY": env.get("DEPLOY_LOCAL_SECRET_KEY") or secret_key(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": ",".join(origins),
            # Plain HTTP on this machine: no redirect to HTTPS, no HSTS, cookies without the
            # Secure flag (a client sends a Secure cookie back over HTTPS only: no login).
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_SECURE_COOKIES": "0",
            # nginx is the one proxy; the web processes listen on 127.0.0.1 only.
            "TRUSTED_PROXY_COUNT": "1",
            "DJANGO_STATIC_ROOT": str(static_root),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("TRUSTED_PROXY_CIDRS", None)
    # This layout's own names on servers that other sites and test runs share.
    for name in ("CACHE_KEY_PREFIX", "CHANNEL_LAYER_PREFIX", "NOTIFICATIONS_PREFIX"):
        env.setdefault(name, "gonggu-local")
    env.setdefault("CELERY_QUEUE", env["NOTIFICATIONS_PREFIX"])
    return env


def prepare(env: dict[str, str]) -> None:
    """migrate and collectstatic, in the same environment as the processes."""
    python = str(ROOT / ".venv" / "bin" / "python")
    if not Path(python).exists():
        python = sys.executable
    for args in (["migrate", "--noinput", "-v1"], ["collectstatic", "--noinput", "-v0"]):
        log("manage.py " + " ".join(args))
        subprocess.run([python, "manage.py", *args], cwd=ROOT, env=env, check=True)


def build_programs(
    *, env: dict[str, str], web_ports: list[int], nginx_conf: Path, run_dir: Path, run_id: str
) -> list[Program]:
    # A node name of this run's own: other sites and test runs use the same RabbitMQ server.
    hostname = f"{socket.gethostname()}-{run_id}"
    programs = []
    units = [(f"web@{p}", "gonggu-web@.service", str(p)) for p in web_ports] + [
        ("dispatcher", "gonggu-dispatcher.service", ""),
        ("worker@1", "gonggu-worker@.service", "1"),
        ("beat", "gonggu-beat.service", ""),
    ]
    for name, unit_name, instance in units:
        unit = read_unit(UNITS / unit_name)
        unit_env = {**unit.environment, **env}  # EnvironmentFile= wins over Environment=
        command = unit_command(unit, instance=instance, hostname=hostname, env=unit_env)
        port = int(instance) if name.startswith("web@") else None
        programs.append(Program(name=name, command=command, env=unit_env, port=port))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    nginx_command = [nginx, "-p", str(run_dir), "-c", str(nginx_conf), "-e", "stderr"]
    programs.append(Program(name="nginx", command=nginx_command, env=env))
    return programs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument(
        "--web-processes", type=int, default=int(os.environ.get("WEB_PROCESSES", 2))
    )
    parser.add_argument("--web-ports", default="auto", help="comma-separated, or auto (free)")
    parser.add_argument(
        "--pinned-ports",
        default="",
        help="extra nginx listeners, one per web process, in order (comma-separated or auto)",
    )
    parser.add_argument("--run-dir", type=Path, help="default: a new temporary directory")
    parser.add_argument("--state", type=Path, help="default: <run dir>/state.json")
    parser.add_argument("--static-root", type=Path, default=LOCAL_DIR / "staticfiles")
    parser.add_argument("--no-prepare", action="store_true", help="skip migrate, collectstatic")
    args = parser.parse_args(argv)

    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        sys.exit("deploy-local: nginx is not installed (apt-get install nginx)")
    web_ports = ports(args.web_ports, args.web_processes)
    pinned_ports = ports(args.pinned_ports, len(web_ports)) if args.pinned_ports else []
    run_dir = (args.run_dir or Path(tempfile.mkdtemp(prefix="gonggu-deploy-local-"))).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    state_file = (args.state or run_dir / "state.json").resolve()
    run_id = secrets.token_hex(4)

    env = layout_env(port=args.port, pinned_ports=pinned_ports, static_root=args.static_root)
    # gonggu-prepare.service: the processes share their Prometheus metrics through files in a
    # directory that starts empty (/metrics then answers for all of them, with METRICS_TOKEN).
    metrics_dir = run_dir / "metrics"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir()
    env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    # LimitNOFILE= of the units: as many sockets as this user may have.
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))

    def configure_nginx(down: frozenset[int] = frozenset()) -> Path:
        return write_nginx_conf(
            run_dir=run_dir,
            port=args.port,
            web_ports=web_ports,
            pinned_ports=pinned_ports,
            static_root=args.static_root.resolve(),
            down=down,
        )

    conf = configure_nginx()
    programs = build_programs(
        env=env, web_ports=web_ports, nginx_conf=conf, run_dir=run_dir, run_id=run_id
    )
    check = subprocess.run([*programs[-1].command, "-t", "-q"], capture_output=True, text=True)
    if check.returncode:
        sys.exit(f"deploy-local: nginx refuses the configuration:\n{check.stderr}")

    supervisor = Supervisor(
        programs,
        configure_nginx=configure_nginx,
        state_file=state_file,
        state={
            "supervisor_pid": os.getpid(),
            "run_dir": str(run_dir),
            "url": f"http://127.0.0.1:{args.port}",
            "port": args.port,
            "web_ports": web_ports,
            "pinned_ports": pinned_ports,
            "run_id": run_id,
            "stopped": False,
        },
    )
    # Ctrl-C (SIGINT) or SIGTERM: stop everything. Installed before anything starts.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: supervisor.stopping.set())
    # SIGHUP: restart every process one at a time (an upgrade: deploy/rolling-restart.sh).
    signal.signal(signal.SIGHUP, lambda *_: supervisor.rolling.set())
    if not args.no_prepare:
        try:
            prepare(env)
        except subprocess.CalledProcessError as error:
            sys.exit(f"deploy-local: {error}")
        if supervisor.stopping.is_set():
            return 0
    log(
        f"http://127.0.0.1:{args.port}/ through nginx; web processes on {web_ports}"
        + (f", pinned listeners {pinned_ports}" if pinned_ports else "")
        + f"; run directory {run_dir}; Ctrl-C stops everything, "
        + f"kill -HUP {os.getpid()} restarts them one at a time"
    )
    supervisor.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
