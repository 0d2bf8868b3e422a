"""Connecting to Neo4j: settings from the environment, clear errors, retries.

| variable | meaning | default |
|---|---|---|
| ``NEO4J_URI`` | ``bolt://``, ``neo4j://`` (clusters), ``neo4j+s://`` (Aura; TLS) | ``bolt://127.0.0.1:7687`` |
| ``NEO4J_USER`` | user name | ``neo4j`` |
| ``NEO4J_PASSWORD`` | password; asked for at a prompt when unset and a person is at the terminal | — |
| ``NEO4J_DATABASE`` | database name | ``neo4j`` |

The password is never printed, logged or written anywhere; :class:`Settings`
hides it from ``repr``.

``+s`` schemes verify the server's certificate against the machine's trusted
authorities (OpenSSL's: ``SSL_CERT_FILE`` adds one); ``+ssc`` schemes encrypt
but accept a self-signed certificate.
"""

from __future__ import annotations

import getpass
import logging
import os
import ssl
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import neo4j
from neo4j import exceptions as nx_exc

from ..errors import DataflowsError, SettingsError

T = TypeVar("T")

# The driver logs its own retries as warnings; the command line says one
# clear line instead, so keep the driver's log out of the terminal.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
logging.getLogger("neo4j").propagate = False

DEFAULT_URI = "bolt://127.0.0.1:7687"
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class Neo4jError(DataflowsError):
    """Neo4j could not do what was asked (unreachable, refused, failed)."""

    exit_code = 1


class QueryTimedOut(Neo4jError):
    """The server stopped a query that ran past its time limit."""


class QueryOutOfMemory(Neo4jError):
    """The server stopped a query that needed more memory than it allows one (or all) transactions."""


# Neo4j's codes for a query past db.memory.transaction.max (TransactionMemoryLimit) or past the
# memory of all transactions together, db.memory.transaction.total.max (MemoryPoolOutOfMemoryError).
# Both are transient errors, which the driver would retry; the same query would only fail again.
MEMORY_CODES = frozenset({"TransactionMemoryLimit", "MemoryPoolOutOfMemoryError"})


def out_of_memory(exc: BaseException) -> bool:
    """Whether *exc* is Neo4j stopping a query that passed a memory limit."""
    return isinstance(exc, nx_exc.Neo4jError) and (exc.code or "").rsplit(".", 1)[-1] in MEMORY_CODES


@dataclass(frozen=True)
class Settings:
    """Where and as whom to connect."""

    uri: str = DEFAULT_URI
    user: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str = "neo4j"

    @classmethod
    def from_env(cls, *, uri: str | None = None, user: str | None = None, database: str | None = None,
                 prompt: bool = True) -> Settings:
        """Read the environment; options given here win. Ask for a missing password on a terminal."""
        env = os.environ
        s = cls(
            uri=uri or env.get("NEO4J_URI") or DEFAULT_URI,
            user=user or env.get("NEO4J_USER") or "neo4j",
            password=env.get("NEO4J_PASSWORD", ""),
            database=database or env.get("NEO4J_DATABASE") or "neo4j",
        )
        scheme = s.uri.split("://", 1)[0] if "://" in s.uri else ""
        if scheme not in SCHEMES:
            raise SettingsError(
                f"NEO4J_URI {s.uri!r} is not a Neo4j address — use one of {', '.join(s + '://' for s in SCHEMES)}"
                " followed by host:port"
            )
        if not s.password:
            if prompt and sys.stdin.isatty():
                password = getpass.getpass(f"Neo4j password for {s.user} at {s.uri}: ")
                return cls(s.uri, s.user, password, s.database)
            raise SettingsError("no Neo4j password: set NEO4J_PASSWORD (or run in a terminal to be asked)")
        return s


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """*exc* and every exception behind it: causes, contexts and the members of exception groups."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        x = todo.pop()
        if x is None or id(x) in seen:
            continue
        seen.add(id(x))
        yield x
        todo.extend(x.exceptions if isinstance(x, BaseExceptionGroup) else ())
        todo.extend((x.__cause__, x.__context__))


def _tls_problem(exc: BaseException, settings: Settings) -> Neo4jError | None:
    """One line for a connection that failed on TLS: an untrusted certificate, or TLS on one side only."""
    scheme = settings.uri.split("://", 1)[0]
    plain = scheme.split("+", 1)[0]
    for x in _causes(exc):
        if isinstance(x, ssl.SSLCertVerificationError):
            return Neo4jError(f"Neo4j at {settings.uri} presented a TLS certificate this machine does not trust"
                              f" ({x.verify_message}) — trust the authority that signed it (SSL_CERT_FILE), or use"
                              f" {plain}+ssc:// to accept a self-signed certificate")
        if isinstance(x, ssl.SSLError):
            return Neo4jError(f"could not set up TLS with Neo4j at {settings.uri} ({x.reason or x}) — if the server"
                              f" does not use TLS for Bolt, use {plain}://")
    if scheme == plain and any("incomplete handshake" in str(x) for x in _causes(exc)):
        return Neo4jError(f"Neo4j at {settings.uri} closed the connection during the Bolt handshake — if the server"
                          f" requires TLS, use {plain}+s:// ({plain}+ssc:// for a self-signed certificate)")
    return None


def explain(exc: BaseException, settings: Settings) -> Neo4jError:
    """One clear line for a driver error, without the password or a traceback."""
    where = f"{settings.uri} (database {settings.database!r})"
    tls = _tls_problem(exc, settings) if isinstance(exc, nx_exc.DriverError) else None
    if tls is not None:
        return tls
    if isinstance(exc, nx_exc.AuthError):
        return Neo4jError(f"Neo4j at {settings.uri} refused user {settings.user!r}: wrong user name or password"
                          " — check NEO4J_USER and NEO4J_PASSWORD")
    if isinstance(exc, nx_exc.ServiceUnavailable):
        return Neo4jError(f"cannot reach Neo4j at {settings.uri}: is the server running and the address right?"
                          " — check NEO4J_URI")
    if isinstance(exc, nx_exc.Neo4jError):
        code = exc.code or ""
        if "DatabaseNotFound" in code:
            return Neo4jError(f"database {settings.database!r} does not exist on {settings.uri}"
                              " — check NEO4J_DATABASE")
        if out_of_memory(exc):
            return QueryOutOfMemory(
                f"Neo4j at {where} stopped the query: it needed more memory than the server allows"
                f" ({exc.message or code}) — ask for fewer records (--limit N; a stored query's own limit:"
                " -p limit=N) or raise the server's db.memory.transaction.max or db.memory.transaction.total.max")
        if "TransactionTimedOut" in code:
            return QueryTimedOut(f"Neo4j at {where} stopped the query: it ran past its time limit"
                                 " (the timeout asked for, or the server's db.transaction.timeout)")
        return Neo4jError(f"Neo4j at {where} failed: {exc.message or code}")
    if isinstance(exc, nx_exc.ConfigurationError):
        return Neo4jError(f"cannot connect to {settings.uri}: {exc}")
    if isinstance(exc, nx_exc.DriverError):
        return Neo4jError(f"lost the connection to Neo4j at {where}: {type(exc).__name__}")
    return Neo4jError(f"Neo4j at {where} failed: {type(exc).__name__}")


TRANSIENT = (nx_exc.TransientError, nx_exc.SessionExpired, nx_exc.ServiceUnavailable)
AUTO_COMMIT_ATTEMPTS = 5
"""Runs of a query that must run as an auto-commit transaction, which the driver does not retry: the waits
between them (1, 2, 3 and 4 s) add up to 10 s, within the 15 s the driver spends retrying any other query."""


def retrying(work: Callable[[], T], *, attempts: int = 3, delay: float = 1.0,
             on_retry: Callable[[int, BaseException], None] | None = None) -> T:
    """Run *work*, again after a transient error (a deadlock, a leader switch, a dropped link)."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except TRANSIENT as exc:
            if isinstance(exc, nx_exc.TransientError) and (not exc.is_retryable() or out_of_memory(exc)):
                raise
            if attempt == attempts:
                raise
            if on_retry is not None:
                on_retry(attempt, exc)
            time.sleep(delay * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


class _Final(Exception):
    """Carries a driver error out of a transaction function, past the driver's retries."""

    def __init__(self, error: nx_exc.Neo4jError) -> None:
        super().__init__(str(error))
        self.error = error


def run_query(drv: neo4j.Driver, text: str, params: dict[str, object], transform: Callable[[neo4j.Result], T], *,
              database: str, write: bool = False, timeout: float | None = None, every_row: bool = False,
              auto_commit: bool = False) -> T:
    """Run *text* in a managed transaction (reads go to readers on a cluster) and return *transform* of its result.

    (Or, with *auto_commit*, as an auto-commit transaction.) As ``Driver.execute_query``, with the same
    bookmarks: transient errors are retried by the driver, except a query out of memory, which would only fail
    again (and take the server's memory each time), so it is raised at once.
    *timeout*: seconds before the server stops the query (default: its own limit).
    *every_row*: *transform* reads every row, so the server streams them all
    at once instead of a thousand per request (see the analyses benchmark).
    Leave it off when *transform* may stop early: the server then stops too.
    *auto_commit*: the query runs ``CALL { … } IN [CONCURRENT] TRANSACTIONS``, which Neo4j runs only as an
    auto-commit transaction; the driver does not retry those, so :func:`retrying` runs it again after a
    transient error, up to :data:`AUTO_COMMIT_ATTEMPTS` times in all (a query out of memory: once).
    """
    fetch_size = -1 if every_row else 1000  # 1000 is the driver's own default.
    if auto_commit:
        def once() -> T:
            with drv.session(database=database, bookmark_manager=drv.execute_query_bookmark_manager,
                             fetch_size=fetch_size,
                             default_access_mode=neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS) as session:
                return transform(session.run(neo4j.Query(text, timeout=timeout), params))

        return retrying(once, attempts=AUTO_COMMIT_ATTEMPTS)

    def work(tx: neo4j.ManagedTransaction) -> T:
        try:
            return transform(tx.run(text, params))
        except nx_exc.Neo4jError as exc:
            if out_of_memory(exc):
                raise _Final(exc) from None
            raise

    unit = neo4j.unit_of_work(timeout=timeout)(work)
    with drv.session(database=database, bookmark_manager=drv.execute_query_bookmark_manager,
                     fetch_size=fetch_size) as session:
        try:
            return session.execute_write(unit) if write else session.execute_read(unit)
        except _Final as final:
            raise final.error from None


@contextmanager
def driver(settings: Settings) -> Iterator[neo4j.Driver]:
    """A verified driver; every driver error inside becomes a :class:`Neo4jError`."""
    try:
        drv = neo4j.GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password),
                                         connection_timeout=10.0, max_transaction_retry_time=15.0,
                                         # The server's hints (e.g. "relationship type INFLUENCES does not
                                         # exist" on a map without one) are not the user's problem.
                                         notifications_min_severity="OFF")
    except (nx_exc.ConfigurationError, ValueError) as exc:
        raise SettingsError(f"cannot use NEO4J_URI {settings.uri!r}: {exc}") from None
    try:
        try:
            # A real query on the chosen database: proves the address, the
            # credentials and that the database exists, in one round trip.
            # An auto-commit query is not retried, so a server that is down is
            # reported at once instead of after the driver's retry budget.
            with drv.session(database=settings.database, default_access_mode=neo4j.READ_ACCESS) as session:
                session.run("RETURN 1").consume()
        except Exception as exc:
            raise explain(exc, settings) from None
        try:
            yield drv
        except Neo4jError:
            raise
        except (nx_exc.Neo4jError, nx_exc.DriverError) as exc:
            raise explain(exc, settings) from None
    finally:
        drv.close()
