"""TLS URIs (neo4j+s://, as Aura gives; bolt+s://; +ssc) against a real server that requires TLS on Bolt.

The server is the test command's own Neo4j, started with a NEO4J_CONF_FILE that turns TLS on with a
certificate made here for localhost and 127.0.0.1, signed by itself. ``+s`` schemes verify it, so they
work only once this machine trusts it (``SSL_CERT_FILE``, as for a company's own authority); ``+ssc``
schemes accept it as it is. A mismatch either way is one clear line.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..conftest import TEXTS, VALID
from .conftest import Server, _free_port
from .test_cli_db import run


def self_signed(folder: Path) -> Path:
    """private.key and public.crt in *folder*: a certificate for localhost and 127.0.0.1, signed by itself."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    (folder / "private.key").write_bytes(pem)
    (folder / "public.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return folder / "public.crt"


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """A server that refuses Bolt without TLS, and the certificate it presents."""
    certs = tmp_path_factory.mktemp("neo4j-certs")
    cert = self_signed(certs)
    conf = certs / "tls.conf"
    conf.write_text("\n".join([
        "dbms.ssl.policy.bolt.enabled=true",
        f"dbms.ssl.policy.bolt.base_directory={certs}",
        "dbms.ssl.policy.bolt.private_key=private.key",
        "dbms.ssl.policy.bolt.public_certificate=public.crt",
        "dbms.ssl.policy.bolt.client_auth=NONE",
        "server.bolt.tls_level=REQUIRED",
    ]) + "\n", encoding="utf-8")
    server = Server(tmp_path_factory.mktemp("neo4j-tls-home"), _free_port(), secrets.token_urlsafe(18), conf)
    started = server.start()
    try:
        assert f"neo4j ready bolt+s://127.0.0.1:{server.port} " in started, started
        yield server, cert
    finally:
        server.stop()


def env_for(server: Server, uri: str, trusted: Path | None = None) -> dict[str, str]:
    """The server's environment with NEO4J_URI set to *uri*; this machine trusts *trusted* (else only its own CAs)."""
    env = {k: v for k, v in server.env.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    env["NEO4J_URI"] = uri
    if trusted is not None:
        env["SSL_CERT_FILE"] = str(trusted)
    return env


def load(server: Server, env: dict[str, str]) -> dict[str, object]:
    proc = run(server, "load", "-d", str(VALID), "--sources-dir", str(TEXTS), "-f", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout))


def flows(server: Server, env: dict[str, str]) -> list[str]:
    proc = run(server, "query", "flows-by-category", "-p", "category=biometric", "-f", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    return [r["flow"] for r in json.loads(proc.stdout)["rows"]]


def test_load_and_query_over_tls(tls_server: tuple[Server, Path]) -> None:
    """neo4j+s:// (routing, as on Aura) and bolt+s:// verify the certificate; +ssc accepts it unverified."""
    server, cert = tls_server
    first = load(server, env_for(server, f"neo4j+s://localhost:{server.port}", trusted=cert))
    assert first["uri"] == f"neo4j+s://localhost:{server.port}"
    again = load(server, env_for(server, f"bolt+s://127.0.0.1:{server.port}", trusted=cert))
    assert again["checksum"] == first["checksum"] and again["counts"] == first["counts"]
    expected = ["police-a-to-scanner", "scanner-to-border-register"]
    assert flows(server, env_for(server, f"neo4j+s://localhost:{server.port}", trusted=cert)) == expected
    assert flows(server, env_for(server, f"neo4j+ssc://localhost:{server.port}")) == expected
    assert flows(server, env_for(server, f"bolt+ssc://127.0.0.1:{server.port}")) == expected


def test_launcher_names_the_tls_scheme(tls_server: tuple[Server, Path], neo4j_server: Server) -> None:
    """The launcher says which URI to use: bolt+s:// for a server that requires TLS, bolt:// otherwise."""
    server, _ = tls_server
    status = server.script("status")
    assert "running (pid " in status.stdout and f") bolt+s://127.0.0.1:{server.port}, home " in status.stdout, \
        status.stdout
    again = server.script("start")
    assert "already running (pid " in again.stdout and f") bolt+s://127.0.0.1:{server.port}" in again.stdout, \
        again.stdout
    plain = neo4j_server.script("status")
    assert f") bolt://127.0.0.1:{neo4j_server.port}, home " in plain.stdout, plain.stdout


@pytest.mark.parametrize(
    ("scheme", "trusted", "expected"),
    [
        ("neo4j+s", False, "presented a TLS certificate this machine does not trust (self-signed certificate) — trust"
                           " the authority that signed it (SSL_CERT_FILE), or use neo4j+ssc:// to accept a"
                           " self-signed certificate"),
        ("bolt+s", False, "presented a TLS certificate this machine does not trust (self-signed certificate) — trust"
                          " the authority that signed it (SSL_CERT_FILE), or use bolt+ssc:// to accept a self-signed"
                          " certificate"),
        ("bolt", True, "closed the connection during the Bolt handshake — if the server requires TLS, use bolt+s://"
                       " (bolt+ssc:// for a self-signed certificate)"),
        ("neo4j", True, "closed the connection during the Bolt handshake — if the server requires TLS, use"
                        " neo4j+s:// (neo4j+ssc:// for a self-signed certificate)"),
    ],
    ids=["routing-untrusted", "direct-untrusted", "direct-without-tls", "routing-without-tls"],
)
def test_tls_mismatch_is_one_clear_line(tls_server: tuple[Server, Path], scheme: str, trusted: bool,
                                        expected: str) -> None:
    server, cert = tls_server
    uri = f"{scheme}://localhost:{server.port}"
    proc = run(server, "query", "party", "-p", "id=x", env=env_for(server, uri, trusted=cert if trusted else None))
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [f"error: Neo4j at {uri} {expected}"]
    assert server.password not in proc.stdout + proc.stderr


def test_tls_to_a_server_without_it_is_one_clear_line(neo4j_server: Server) -> None:
    """The test command's plain server: a client asking for TLS is told the server may not use it."""
    uri = f"bolt+ssc://127.0.0.1:{neo4j_server.port}"
    proc = run(neo4j_server, "query", "party", "-p", "id=x", env=env_for(neo4j_server, uri))
    assert proc.returncode == 1
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith(f"error: could not set up TLS with Neo4j at {uri} (")
    assert line.endswith(") — if the server does not use TLS for Bolt, use bolt://")
