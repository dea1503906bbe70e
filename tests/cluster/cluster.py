"""Starting, faulting and stopping the cluster's services (see tests/cluster/__init__.py).

Every process runs in its host's namespace (`ip netns exec`), its output in the run's folder
(`/tmp/eclt-…/<name>.log`); PostgreSQL and PgBouncer as the `postgres` user. The run is bounded:
`up()` registers the teardown with atexit, and starts a detached reaper that runs
`python -m tests.cluster down --if-run <id>` after `lifetime` seconds, in case this process is
killed without running atexit.
"""

import atexit
import datetime
import glob
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.cluster import net
from tests.processes import write_pgbouncer_config

BASE = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
PG_BIN = (
    Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
    if glob.glob("/usr/lib/postgresql/*/bin")
    else None
)
STATE = Path(tempfile.gettempdir()) / "eclt-state.json"  # the run now up (for `down --if-run`)
APP_PORT, PGBOUNCER_PORT, PG_PORT, REDIS_PORT = 8000, 6432, 5432, 6379
DATABASE = "egov"
SIGNING_PASSPHRASE = "cluster-signing"
APPS = ("app1", "app2")


def available() -> str:
    """Why the cluster cannot run here ('' if it can)."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    missing = [
        tool
        for tool in ("ip", "haproxy", "pgbouncer", "redis-server")
        if not shutil.which(tool) and not Path("/usr/sbin", tool).exists()
    ]
    if PG_BIN is None or not (PG_BIN / "initdb").exists():
        missing.append("PostgreSQL's initdb/postgres (/usr/lib/postgresql/*/bin)")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        missing.append("the postgres user")
    return f"missing: {', '.join(missing)}" if missing else ""


@dataclass
class Cluster:
    workers: int = 3  # gunicorn sync workers per application host
    lifetime: int = 900  # seconds before the reaper tears it down, whatever happens
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="eclt-")))
    run_id: str = field(default_factory=lambda: secrets.token_hex(6))
    processes: dict = field(default_factory=dict)

    # addresses
    @property
    def url(self) -> str:
        return f"https://{net.address('lb')}"

    @property
    def database_url(self) -> str:  # what the app uses: PgBouncer
        return f"postgres://postgres@{net.address('db')}:{PGBOUNCER_PORT}/{DATABASE}"

    @property
    def direct_database_url(self) -> str:  # PostgreSQL itself (migrations, the check)
        return f"postgres://postgres@{net.address('db')}:{PG_PORT}/{DATABASE}"

    # lifecycle
    def up(self) -> "Cluster":
        problem = available()
        if problem:
            raise RuntimeError(f"the cluster cannot run here: {problem}")
        net.destroy()  # an earlier run's leftovers (one cluster at a time: the names are fixed)
        os.chmod(self.folder, 0o755)
        STATE.write_text(json.dumps({"run": self.run_id, "folder": str(self.folder)}))
        atexit.register(self.down)
        subprocess.Popen(
            [
                str(PYTHON),
                "-m",
                "tests.cluster",
                "down",
                "--if-run",
                self.run_id,
                "--after",
                str(self.lifetime),
            ],
            cwd=BASE,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        net.create()
        self.secret_key = secrets.token_urlsafe(40)
        self._certificates()
        self.start_postgres(initdb=True)
        self.start_pgbouncer()
        self.start_redis()
        self.manage("migrate", "--noinput", "-v", "0")
        # A signing key the production check accepts (its subject does not say DEVELOPMENT).
        self.manage(
            "shell",
            "-c",
            "from pathlib import Path; from django.conf import settings; "
            "from reports.pdf.signing import create_development_certificate as make; "
            "make(Path(settings.SIGNING_PKCS12_PATH), settings.SIGNING_PKCS12_PASSPHRASE, "
            "common_name='APA cluster test signer')",
        )
        self.manage("collectstatic", "--noinput", "-v", "0")  # one VAR_DIR for every host here
        return self

    def serve(self) -> "Cluster":
        """The application hosts, the worker and the load balancer (after the data is in place)."""
        for app in APPS:
            self.start_app(app)
        self.start_worker()
        self.start_haproxy()
        self.wait(
            lambda: self.server_states() == {"app1": "UP", "app2": "UP"}, 30, "HAProxy's servers UP"
        )
        return self

    def down(self) -> None:
        """Once (finally, then atexit): a later run's cluster, up by then, is not this one's to end."""
        if self.__dict__.get("torn_down"):
            return
        self.torn_down = True
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        net.destroy()
        if STATE.exists() and json.loads(STATE.read_text()).get("run") == self.run_id:
            STATE.unlink()
        shutil.rmtree(self.folder, ignore_errors=True)

    # processes
    def run_in(
        self,
        host: str,
        name: str,
        args: list[str],
        *,
        user: str | None = None,
        env: dict | None = None,
        cwd: Path | None = None,
    ) -> subprocess.Popen:
        """Starts `args` in `host`'s namespace (as `user`), output to <folder>/<name>.log."""
        prefix = ["ip", "netns", "exec", net.namespace(host)]
        if user:
            prefix += ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups"]
        log = open(self.folder / f"{name}.log", "a")
        process = subprocess.Popen(
            [*prefix, *args],
            env=env or self.env(),
            cwd=cwd or BASE,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait(
        self,
        ready,
        timeout: float,
        what: str,
        process: subprocess.Popen | None = None,
        name: str = "",
    ):
        deadline = time.monotonic() + timeout
        while True:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{what}: exited {process.returncode}\n{self.log(name)[-3000:]}")
            try:
                if ready():
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what}: not within {timeout} s\n{self.log(name)[-3000:]}")
            time.sleep(0.1)

    def env(self, **extra) -> dict:
        """The app's environment on every application host and the worker."""
        env = {
            key: value
            for key, value in os.environ.items()
            if key in ("PATH", "LANG", "LC_ALL", "HOME", "TZ", "PYTHONPATH")
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "egov_plan.settings",
                "DATABASE_URL": self.database_url,
                "REDIS_URL": f"redis://{net.address('redis')}:{REDIS_PORT}/0",
                "DEBUG": "false",
                # Production settings (DEVELOPMENT unset): HTTPS redirect, HSTS and secure cookies, with
                # plain http inside (HAProxy terminates TLS and says so in X-Forwarded-Proto; /healthz
                # is exempt from the redirect), collectstatic's files, production secrets.
                "TRUSTED_PROXIES": "1",
                "ALLOWED_HOSTS": net.address("lb"),
                "SITE_URL": self.url,
                "SECRET_KEY": getattr(self, "secret_key", ""),
                "SIGNING_PKCS12_PATH": str(self.folder / "signer.p12"),
                "SIGNING_PKCS12_PASSPHRASE": SIGNING_PASSPHRASE,
                "MEDIA_ROOT": str(
                    self.folder / "media"
                ),  # one folder, standing for the hosts' shared storage
                "VAR_DIR": str(self.folder / "var"),
                "LOG_LEVEL": "WARNING",
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        env.update(extra)
        return env

    def manage(self, *args: str, host: str = "client", **env) -> str:
        """A management command (or `-m module`) from `host`, straight to PostgreSQL."""
        command = [str(PYTHON), *(args if args[0] == "-m" else ["manage.py", *args])]
        run = subprocess.run(
            ["ip", "netns", "exec", net.namespace(host), *command],
            cwd=BASE,
            env=self.env(DATABASE_URL=self.direct_database_url, **env),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if run.returncode:
            raise RuntimeError(f"{' '.join(args)}: {run.stderr[-3000:]}")
        return run.stdout

    def _certificates(self) -> None:
        import ipaddress

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, net.address("lb"))])
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address(net.address("lb")))]
                ),
                critical=False,
            )
            .sign(key, hashes.SHA256())
        )
        (self.folder / "lb.pem").write_bytes(
            certificate.public_bytes(serialization.Encoding.PEM)
            + key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        (self.folder / "media").mkdir()

    # PostgreSQL and PgBouncer (the database host)
    def start_postgres(self, initdb: bool = False) -> None:
        data = self.folder / "pgdata"
        account = pwd.getpwnam("postgres")
        if initdb:
            data.mkdir(mode=0o700)
            (self.folder / "pgsock").mkdir()
            for path in (data, self.folder / "pgsock"):
                os.chown(path, account.pw_uid, account.pw_gid)
            run = subprocess.run(
                [
                    "setpriv",
                    "--reuid=postgres",
                    "--regid=postgres",
                    "--init-groups",
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ],
                cwd=self.folder,
                capture_output=True,
                text=True,
                timeout=120,
            )
            if run.returncode:
                raise RuntimeError(f"initdb: {run.stderr}")
            with open(data / "pg_hba.conf", "a") as hba:
                hba.write(f"host all all {net.SUBNET}.0/24 trust\n")
        process = self.run_in(
            "db",
            "postgres",
            [
                str(PG_BIN / "postgres"),
                "-D",
                str(data),
                "-c",
                f"listen_addresses=127.0.0.1,{net.address('db')}",
                "-c",
                f"port={PG_PORT}",
                "-c",
                f"unix_socket_directories={self.folder / 'pgsock'}",
                "-c",
                "max_connections=100",
                "-c",
                "shared_buffers=64MB",
            ],
            user="postgres",
            cwd=self.folder,
        )
        self.wait(lambda: self._pg_answers(), 30, "PostgreSQL", process, "postgres")
        if initdb:
            self._psql(f"CREATE DATABASE {DATABASE}")

    def _psql(
        self, sql: str, host: str = "127.0.0.1", port: int = PG_PORT, database: str = "postgres"
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                net.namespace("db"),
                str(PG_BIN / "psql"),
                "-h",
                host,
                "-p",
                str(port),
                "-U",
                "postgres",
                "-d",
                database,
                "-Atc",
                sql,
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )

    def query(self, sql: str) -> list[list[str]]:
        """Rows of a query on the app's database, straight from PostgreSQL."""
        run = self._psql(sql, database=DATABASE)
        if run.returncode:
            raise RuntimeError(run.stderr)
        return [line.split("|") for line in run.stdout.splitlines()]

    def _pg_answers(self) -> bool:
        return self._psql("SELECT 1").stdout.strip() == "1"

    def stop_postgres(self) -> None:
        """Fast shutdown (SIGINT): sessions ended, open transactions rolled back, what was
        committed on disk; what a restart for a minor upgrade or a changed setting does."""
        process = self.processes["postgres"]
        process.send_signal(2)
        process.wait(timeout=60)

    def start_pgbouncer(self) -> None:
        folder = self.folder / "pgbouncer"
        folder.mkdir()
        config = write_pgbouncer_config(
            folder,
            server=("127.0.0.1", PG_PORT),
            listen=(net.address("db"), PGBOUNCER_PORT),
            user="postgres",
            default_pool_size=20,
            max_client_conn=500,
            server_login_retry=1,
            server_connect_timeout=2,
            query_wait_timeout=10,
        )
        process = self.run_in(
            "db",
            "pgbouncer",
            [shutil.which("pgbouncer") or "/usr/sbin/pgbouncer", str(config)],
            user="postgres",
            cwd=folder,
        )
        self.wait(
            lambda: (
                self._psql("SELECT 1", host=net.address("db"), port=PGBOUNCER_PORT).stdout.strip()
                == "1"
            ),
            20,
            "PgBouncer",
            process,
            "pgbouncer",
        )

    # Redis
    def start_redis(self) -> None:
        folder = self.folder / "redis"
        folder.mkdir(exist_ok=True)
        # The broker keeps its queue on disk (append-only file): a restart loses no queued task.
        process = self.run_in(
            "redis",
            "redis",
            [
                shutil.which("redis-server"),
                "--bind",
                net.address("redis"),
                "--port",
                str(REDIS_PORT),
                "--protected-mode",
                "no",
                "--dir",
                str(folder),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
        )
        self.wait(lambda: self._redis_answers(), 20, "Redis", process, "redis")

    def _redis_answers(self) -> bool:
        reply = subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                net.namespace("redis"),
                "redis-cli",
                "-h",
                net.address("redis"),
                "-p",
                str(REDIS_PORT),
                "PING",
            ],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return reply.stdout.strip() == "PONG"

    def stop_redis(self) -> None:
        process = self.processes["redis"]
        process.terminate()
        process.wait(timeout=30)

    # application hosts and the worker
    def start_app(self, app: str) -> subprocess.Popen:
        process = self.run_in(
            app,
            app,
            [
                str(PYTHON.parent / "gunicorn"),
                "egov_plan.wsgi",
                "-c",
                str(BASE / "tests/cluster/gunicorn_conf.py"),
                "--bind",
                f"{net.address(app)}:{APP_PORT}",
                "--workers",
                str(self.workers),
                "--timeout",
                "30",
                "--log-level",
                "warning",
            ],
        )
        self.wait(lambda: self.health(app) == 200, 60, f"gunicorn on {app}", process, app)
        return process

    def health(self, app: str) -> int:
        reply = subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                net.namespace("lb"),
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "-H",
                f"Host: {net.address('lb')}",
                "--max-time",
                "5",
                f"http://{net.address(app)}:{APP_PORT}/healthz",
            ],
            capture_output=True,
            text=True,
        )
        return int(reply.stdout or 0)

    def kill_app(self, app: str) -> float:
        """SIGKILL to the host's gunicorn master (its workers die with it); returns the moment."""
        process = self.processes[app]
        process.kill()
        moment = time.time()
        process.wait(timeout=10)
        return moment

    def start_worker(self) -> None:
        self.run_in(
            "worker",
            "worker",
            [
                str(PYTHON.parent / "celery"),
                "-A",
                "egov_plan",
                "worker",
                "--concurrency",
                "1",
                "-O",
                "fair",
                "--loglevel",
                "info",
            ],
        )

    # HAProxy (the load balancer's host)
    def start_haproxy(self) -> None:
        servers = "\n".join(f"    server {app} {net.address(app)}:{APP_PORT} check" for app in APPS)
        # The same gunicorns again as backups without a check: used only when every checked one is
        # down, which with the hosts alive means the database is (their /healthz says so), so that
        # the app's own Bengali 503 with Retry-After reaches the browser instead of HAProxy's page.
        backups = "\n".join(
            f"    server {app}-unchecked {net.address(app)}:{APP_PORT} backup" for app in APPS
        )
        (self.folder / "haproxy.cfg").write_text(f"""global
    log stdout format raw local0
    stats socket {self.folder}/haproxy.sock mode 600 level admin
    maxconn 4000

defaults
    mode http
    log global
    log-format "%Ts.%ms %ci %s %ST %Ta %HM %HP %tsc %rc"
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout queue 30s
    timeout check 3s
    # A request whose connection a server refuses goes to another at once (each retry), and the
    # refusal takes that server out at once (observe layer4): a dead host costs only what was in
    # flight on it, without waiting for the health checks.
    retries 3
    option redispatch 1

frontend web
    bind {net.address("lb")}:443 ssl crt {self.folder}/lb.pem
    bind {net.address("lb")}:80
    http-request redirect scheme https code 301 unless {{ ssl_fc }}
    option forwardfor
    http-request set-header X-Forwarded-Proto https
    default_backend apps

backend apps
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host {net.address("lb")}
    http-check expect status 200
    default-server inter 1s fall 2 rise 2 maxconn {self.workers} observe layer4 error-limit 1 on-error mark-down
{servers}
{backups}
""")
        process = self.run_in(
            "lb",
            "haproxy",
            [
                shutil.which("haproxy") or "/usr/sbin/haproxy",
                "-db",
                "-f",
                str(self.folder / "haproxy.cfg"),
            ],
        )
        self.wait(
            lambda: (self.folder / "haproxy.sock").exists(), 20, "HAProxy", process, "haproxy"
        )

    def haproxy(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(5)
            sock.connect(str(self.folder / "haproxy.sock"))
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def server_states(self) -> dict[str, str]:
        """{'app1': 'UP'|'DOWN'|…} of the checked servers, from HAProxy's stats."""
        lines = self.haproxy("show stat").splitlines()
        header = lines[0].lstrip("# ").split(",")
        states = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(",")))
            if row.get("pxname") == "apps" and row.get("svname") in APPS:
                states[row["svname"]] = row["status"].split()[0]
        return states

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system, with waited-for children) of what now runs in each host."""
        tick = os.sysconf("SC_CLK_TCK")
        used = {}
        for host in net.HOSTS:
            total = 0
            for pid in net.pids(net.namespace(host)):
                try:
                    with open(f"/proc/{pid}/stat") as handle:
                        fields = handle.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
            used[host] = total / tick
        return used

    def requests_log(self) -> list[dict]:
        """HAProxy's log of requests: accept time, client, server, status, total ms, method, path,
        termination state (e.g. `--` fine, `SC` the server refused the connection), retries."""
        entries = []
        for line in self.log("haproxy").splitlines():
            parts = line.split(" ")
            if len(parts) >= 7 and parts[0].replace(".", "", 1).isdigit():
                entries.append(
                    {
                        "at": float(parts[0]),
                        "client": parts[1],
                        "server": parts[2],
                        "status": int(parts[3]) if parts[3].lstrip("-").isdigit() else 0,
                        "ms": int(parts[4]) if parts[4].lstrip("-").isdigit() else -1,
                        "method": parts[5],
                        "path": parts[6],
                        "state": parts[7] if len(parts) > 7 else "",
                        "retries": parts[8] if len(parts) > 8 else "",
                    }
                )
        return entries
