"""A stored query that meets a transient error is run again by the driver, once per error, and answers.

``run_query`` runs every stored query (``dataflows query`` and the analyses on Neo4j) in a managed
transaction: the driver retries it there. Nothing wraps it in a second retry loop, which would
multiply the driver's retry budget (15 s) when a server stays away. A query that runs
``CALL { … } IN TRANSACTIONS`` cannot run in a managed transaction; ``run_query`` runs it as an
auto-commit transaction and runs it again itself after a transient error.
"""

from __future__ import annotations

import neo4j
import pytest
from neo4j import exceptions as nx_exc

from dataflows.db import connect
from dataflows.db.connect import run_query

from .conftest import Server


def test_a_transient_error_is_retried_once_by_the_driver(neo4j_server: Server) -> None:
    calls: list[int] = []

    def first_link_drops(result: neo4j.Result) -> int:
        calls.append(1)
        n = result.single(strict=True)["n"]
        if len(calls) == 1:
            raise nx_exc.SessionExpired("the link to the server dropped")  # as the driver raises it
        return int(n)

    with neo4j_server.driver() as drv:
        assert run_query(drv, "RETURN $n AS n", {"n": 7}, first_link_drops, database="neo4j") == 7
    assert calls == [1, 1]


def test_an_error_that_is_not_transient_is_not_retried(neo4j_server: Server) -> None:
    calls: list[int] = []

    def count(result: neo4j.Result) -> object:
        calls.append(1)
        return result.single(strict=True)["x"]

    with neo4j_server.driver() as drv, pytest.raises(nx_exc.ClientError):
        run_query(drv, "RETURN 1 / $zero AS x", {"zero": 0}, count, database="neo4j")
    assert calls == [1]


IN_TRANSACTIONS = "UNWIND range(1, $n) AS x CALL (x) { RETURN x * 2 AS y } IN CONCURRENT TRANSACTIONS OF 2 ROWS " \
                  "RETURN sum(y) AS n"


def test_a_query_in_transactions_runs_only_as_auto_commit(neo4j_server: Server) -> None:
    def total(result: neo4j.Result) -> int:
        return int(result.single(strict=True)["n"])

    with neo4j_server.driver() as drv:
        with pytest.raises(nx_exc.Neo4jError, match="can only be executed in an implicit transaction"):
            run_query(drv, IN_TRANSACTIONS, {"n": 5}, total, database="neo4j")
        assert run_query(drv, IN_TRANSACTIONS, {"n": 5}, total, database="neo4j", auto_commit=True) == 30


def test_an_auto_commit_query_is_run_again_after_a_transient_error(neo4j_server: Server) -> None:
    calls: list[int] = []

    def first_link_drops(result: neo4j.Result) -> int:
        calls.append(1)
        n = result.single(strict=True)["n"]
        if len(calls) == 1:
            raise nx_exc.SessionExpired("the link to the server dropped")
        return int(n)

    with neo4j_server.driver() as drv:
        assert run_query(drv, IN_TRANSACTIONS, {"n": 4}, first_link_drops, database="neo4j", auto_commit=True) == 20
    assert calls == [1, 1]


def test_an_auto_commit_query_is_not_run_again_after_other_errors(neo4j_server: Server) -> None:
    calls: list[int] = []

    def count(result: neo4j.Result) -> object:
        calls.append(1)
        return result.single(strict=True)["n"]

    with neo4j_server.driver() as drv, pytest.raises(nx_exc.ClientError):
        run_query(drv, IN_TRANSACTIONS.replace("x * 2", "x / 0"), {"n": 3}, count, database="neo4j",
                  auto_commit=True)
    assert calls == [1]


def test_a_transient_error_that_stays_ends_after_the_auto_commit_attempts(neo4j_server: Server,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    waits: list[float] = []
    monkeypatch.setattr(connect.time, "sleep", waits.append)

    def always_drops(result: neo4j.Result) -> object:
        calls.append(1)
        result.consume()
        raise nx_exc.SessionExpired("the link to the server dropped")

    with neo4j_server.driver() as drv, pytest.raises(nx_exc.SessionExpired):
        run_query(drv, IN_TRANSACTIONS, {"n": 2}, always_drops, database="neo4j", auto_commit=True)
    assert len(calls) == connect.AUTO_COMMIT_ATTEMPTS == 5
    assert waits == [1.0, 2.0, 3.0, 4.0]  # 10 s in all, within the driver's 15 s for other queries
