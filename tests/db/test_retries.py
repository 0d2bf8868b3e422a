"""A stored query that meets a transient error is run again by the driver, once per error, and answers.

``run_query`` runs every stored query (``dataflows query`` and the analyses on Neo4j) in a managed
transaction: the driver retries it there. Nothing wraps it in a second retry loop, which would
multiply the driver's retry budget (15 s) when a server stays away.
"""

from __future__ import annotations

import neo4j
import pytest
from neo4j import exceptions as nx_exc

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
