"""Settings the project's Neo4j launcher (tools/neo4j) gives the server."""

from __future__ import annotations

import secrets
from pathlib import Path

import neo4j
import pytest

from .conftest import Server, _free_port

RETENTION = "db.tx_log.rotation.retention_policy"


def setting(drv: neo4j.Driver, name: str) -> str:
    records, _, _ = drv.execute_query("SHOW SETTINGS YIELD name, value WHERE name = $name RETURN value", name=name)
    return str(records[0]["value"])


def test_transaction_logs_are_kept_to_about_a_gigabyte(drv: neo4j.Driver) -> None:
    # Neo4j's default keeps two days of them: repeated large loads filled tens of GB.
    assert setting(drv, RETENTION) == "1G size"


def test_a_conf_file_sets_another_retention(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = tmp_path / "neo4j.conf"
    conf.write_text(f"{RETENTION}=2 files\n", encoding="utf-8")
    monkeypatch.setenv("NEO4J_CONF_FILE", str(conf))
    server = Server(tmp_path / "home", _free_port(), secrets.token_urlsafe(18))
    server.start()
    try:
        with server.driver() as drv:
            assert setting(drv, RETENTION) == "2 files"
    finally:
        server.stop()
