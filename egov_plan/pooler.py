"""Behind a connection pooler in transaction mode (PgBouncer's `pool_mode = transaction`).

Such a pooler hands a client's transactions to whichever server connection is free, so nothing a
session keeps between transactions survives: SQL prepared statements (egov_plan/rowsql.py prepares
the hottest reads), server-side cursors held open across transactions (Django's `.iterator()` on
PostgreSQL declares a WITH HOLD cursor outside a transaction), session `SET`s. The app keeps no
session state of its own apart from those two (Django's `SET TIME ZONE` at connect is a parameter
PgBouncer tracks and restores per client); this module turns them off:

- `DATABASE_POOLER=transaction`: off, decided in the settings;
- `DATABASE_POOLER=none` (or `session`): never off (a direct connection, or a pooler in session mode);
- unset (`auto`): each new connection asks the server which address and port it accepted the
  connection on (`inet_server_addr()`, `inet_server_port()`; for a Unix socket its configured
  port) and compares them with the socket's own peer. They differ only when something stands in
  between (a pooler, a TCP proxy, a NAT'd port): then both are turned off for this process, on the
  safe side (a proxy that is not a pooler only loses the prepared statements' gain).

The probe is one query on the driver's own cursor (not counted or logged as the app's query) per
new connection, i.e. once per `DB_CONN_MAX_AGE` per worker.
"""

import ipaddress
import logging
import os
import socket

from django.conf import settings
from django.db.backends.signals import connection_created

log = logging.getLogger(__name__)

MODES = ("auto", "transaction", "session", "none")


def mode() -> str:
    value = (getattr(settings, "DATABASE_POOLER", "") or "auto").strip().lower()
    if value not in MODES:
        raise ValueError(f"DATABASE_POOLER must be one of {', '.join(MODES)}, not {value!r}")
    return value


def _peer(raw) -> tuple[str, object] | None:
    """("inet", (address, port)) or ("unix", port) of the driver connection's socket; None if unknown."""
    try:
        with socket.socket(fileno=os.dup(raw.fileno())) as sock:
            peer = sock.getpeername()
            family = sock.family
    except OSError:
        return None
    if family == socket.AF_UNIX:
        name = peer.decode() if isinstance(peer, bytes) else peer
        tail = name.rsplit(".", 1)[-1]  # …/.s.PGSQL.<port>
        return ("unix", int(tail)) if tail.isdigit() else None
    address = ipaddress.ip_address(peer[0])
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return "inet", (address, peer[1])


def behind_proxy(raw) -> bool:
    """Whether the server's end of this driver connection is not the socket's peer."""
    peer = _peer(raw)
    if peer is None:
        return False
    with raw.cursor() as cursor:
        cursor.execute(
            "SELECT host(inet_server_addr()), inet_server_port(), current_setting('port')::int"
        )
        server_address, server_port, configured_port = cursor.fetchone()
    kind, where = peer
    if kind == "unix":
        return server_address is not None or where != configured_port
    if server_address is None:  # the server's end is a Unix socket: a local proxy in between
        return True
    address = ipaddress.ip_address(server_address)
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return (address, server_port) != where


def transaction_pooled(connection) -> bool:
    """Whether this connection goes through a pooler in transaction mode (or may: see the module)."""
    if connection.vendor != "postgresql":
        return False
    chosen = mode()
    if chosen != "auto":
        return chosen == "transaction"
    raw = connection.connection
    kept = connection.__dict__.get("pooler_probe")
    if kept is None or kept[0] is not raw:
        kept = connection.__dict__["pooler_probe"] = (raw, behind_proxy(raw))
        if kept[1]:
            log.info(
                "the database connection goes through a proxy or pooler: no prepared statements, "
                "no server-side cursors (DATABASE_POOLER=none if it keeps sessions)"
            )
    return kept[1]


def _on_connect(sender, connection, **kwargs):
    if connection.vendor != "postgresql":
        return
    if "create_cursor" not in connection.__dict__:
        # QuerySet.iterator() reads DISABLE_SERVER_SIDE_CURSORS before it opens the connection, so
        # the first one in a process may still ask for a named (server-side) cursor: it gets a
        # plain one here once the connection is found pooled (it then fetches every row at once).
        create_cursor = type(connection).create_cursor

        def unnamed_when_pooled(name=None):
            return create_cursor(
                connection, None if name and transaction_pooled(connection) else name
            )

        connection.create_cursor = unnamed_when_pooled
    if transaction_pooled(connection):
        # Read by every later QuerySet.iterator(): no WITH HOLD cursor outlives its transaction.
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True


connection_created.connect(_on_connect, dispatch_uid="egov_plan.pooler")
