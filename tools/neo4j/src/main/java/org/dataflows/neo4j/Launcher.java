package org.dataflows.neo4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Starts a Neo4j 5.26 Community DBMS (embedded API) with the Bolt connector
 * listening on 127.0.0.1 only, for tests and local development.
 *
 * <p>Usage: {@code java [JAVA_OPTS] -jar neo4j-launcher.jar HOME_DIR}
 * (or env {@code DATAFLOWS_NEO4J_HOME}). Data goes to HOME_DIR/data, Neo4j's
 * own logs to HOME_DIR/logs.
 *
 * <p>Environment:
 * <ul>
 *   <li>{@code NEO4J_PASSWORD} (required) - password of user {@code neo4j}; set
 *       programmatically through the system database on every start, passed as
 *       a query parameter, never printed.</li>
 *   <li>{@code NEO4J_BOLT_PORT} - Bolt port on 127.0.0.1 (default 7687).</li>
 *   <li>{@code NEO4J_PAGECACHE} - page cache size, e.g. {@code 512m}
 *       (default: Neo4j's heuristic).</li>
 *   <li>{@code NEO4J_TX_MEMORY_MAX} - global cap for transaction memory, e.g.
 *       {@code 1g} (default: Neo4j's, 70% of heap).</li>
 *   <li>{@code NEO4J_CONF_FILE} - optional neo4j.conf-style file with extra
 *       settings; the loopback/auth settings below always win.</li>
 * </ul>
 */
public final class Launcher {

    public static final String READY_PREFIX = "neo4j ready ";
    /** db.tx_log.rotation.retention_policy unless NEO4J_CONF_FILE sets it. */
    static final String TX_LOG_RETENTION = "1G size";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        String homeArg = args.length > 0 ? args[0] : System.getenv("DATAFLOWS_NEO4J_HOME");
        if (homeArg == null || homeArg.isBlank()) {
            fail("usage: Launcher HOME_DIR (or set DATAFLOWS_NEO4J_HOME)");
        }
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.isEmpty()) {
            fail("NEO4J_PASSWORD is not set; refusing to start");
        }
        if (password.length() < 8) {
            fail("NEO4J_PASSWORD must be at least 8 characters (Neo4j's minimum password length)");
        }
        int port = parsePort(System.getenv().getOrDefault("NEO4J_BOLT_PORT", "7687"));

        Path home = Path.of(homeArg).toAbsolutePath().normalize();
        Path data = home.resolve("data");
        Path logs = home.resolve("logs");
        Files.createDirectories(data);
        Files.createDirectories(logs);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        // Neo4j keeps transaction logs for two days by default, for backups and clusters, which
        // this server does not have: a few dozen loads of a 1,000,000-flow map filled about 50 GB.
        // Keep about 1 GB (removed at each checkpoint); a NEO4J_CONF_FILE can set another policy.
        builder.setConfig(GraphDatabaseSettings.keep_logical_logs, TX_LOG_RETENTION);
        String confFile = System.getenv("NEO4J_CONF_FILE");
        if (confFile != null && !confFile.isBlank()) {
            builder.loadPropertiesFromFile(Path.of(confFile));
        }
        SocketAddress bolt = new SocketAddress("127.0.0.1", port);
        builder.setConfig(Map.of(
                GraphDatabaseSettings.data_directory, data,
                GraphDatabaseSettings.logs_directory, logs,
                GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"),
                GraphDatabaseSettings.default_advertised_address, new SocketAddress("127.0.0.1"),
                GraphDatabaseSettings.auth_enabled, true,
                GraphDatabaseSettings.udc_enabled, false,
                BoltConnector.enabled, true,
                BoltConnector.listen_address, bolt,
                // advertised == listen, so neo4j:// routing tables point back here
                BoltConnector.advertised_address, bolt,
                HttpConnector.enabled, false));
        builder.setConfig(HttpsConnector.enabled, false);
        // Netty's default graceful shutdown waits a 5 s quiet period per event-loop
        // group (~10 s per stop); a test server does not need that.
        builder.setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
        builder.setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5));
        String pageCache = System.getenv("NEO4J_PAGECACHE");
        if (pageCache != null && !pageCache.isBlank()) {
            builder.setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pageCache.trim()));
        }
        String txMax = System.getenv("NEO4J_TX_MEMORY_MAX");
        if (txMax != null && !txMax.isBlank()) {
            builder.setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, ByteUnit.parse(txMax.trim()));
        }
        // Neo4j's user log (startup/shutdown messages) goes to stdout.
        builder.setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO));

        long t0 = System.nanoTime();
        DatabaseManagementService dbms = builder.build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("neo4j stopping");
            System.out.flush();
            try {
                dbms.shutdown();
            } catch (RuntimeException e) {
                System.out.println("neo4j shutdown error: " + e);
            }
            System.out.println("neo4j stopped");
            System.out.flush();
            stopped.countDown();
        }, "neo4j-shutdown"));

        boolean tls = false;
        try {
            setPassword(dbms, password);
            tls = awaitBolt(port, Duration.ofSeconds(60));
        } catch (Exception e) {
            System.out.println("neo4j startup failed: " + e);
            System.out.flush();
            System.exit(1);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // bolt+s:// when the server answered only over TLS (server.bolt.tls_level=REQUIRED): the URI a client needs.
        String scheme = tls ? "bolt+s" : "bolt";
        System.out.println(READY_PREFIX + scheme + "://127.0.0.1:" + port + " (started in " + ms + " ms, data " + data
                + (tls ? ", TLS required" : "") + ")");
        System.out.flush();
        stopped.await();
    }

    /** Sets the neo4j user's password (parameterised, never logged). */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try (Transaction tx = system.beginTx()) {
            tx.execute("ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password)).close();
            tx.commit();
        } catch (RuntimeException e) {
            // On restarts the stored password usually already equals NEO4J_PASSWORD,
            // which Neo4j rejects as "old and new password cannot be the same".
            String msg = String.valueOf(e.getMessage());
            if (!msg.contains("cannot be the same")) {
                throw e;
            }
        }
    }

    /**
     * Waits until the Bolt port completes a Bolt handshake (magic + version negotiation), in the
     * clear or, when the server requires TLS on Bolt (server.bolt.tls_level=REQUIRED in a
     * NEO4J_CONF_FILE) and so drops a handshake in the clear, over TLS. Whether it took TLS.
     */
    private static boolean awaitBolt(int port, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            for (boolean tls : new boolean[] {false, true}) {
                try (Socket raw = new Socket()) {
                    raw.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    raw.setSoTimeout(2000);
                    Socket s = tls ? overTls(raw, port) : raw;
                    if (handshake(s)) {
                        return tls;
                    }
                    last = new IOException("Bolt handshake: server agreed no version");
                } catch (IOException e) {
                    last = e;
                }
            }
            Thread.sleep(200);
        }
        throw new IOException("Bolt port " + port + " not answering", last);
    }

    /** Offers Bolt 5.0-5.8 and 4.4 on *s*; whether the server agreed a version. */
    private static boolean handshake(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        // magic 0x6060B017, then offer Bolt 5.0-5.8 (range form), 4.4, and two empty slots
        out.write(new byte[] {
            (byte) 0x60, (byte) 0x60, (byte) 0xB0, (byte) 0x17,
            0, 8, 8, 5,
            0, 0, 4, 4,
            0, 0, 0, 0,
            0, 0, 0, 0});
        out.flush();
        return new DataInputStream(s.getInputStream()).readInt() != 0;
    }

    /**
     * *raw* wrapped in TLS, accepting any certificate: the probe only asks whether the port this
     * process opened on 127.0.0.1 answers, and sends nothing secret (no credentials, no query).
     * Clients verify the certificate as their URI scheme says (neo4j+s, bolt+s).
     */
    private static Socket overTls(Socket raw, int port) throws IOException {
        TrustManager any = new X509TrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
            @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
            @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        };
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {any}, null);
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "127.0.0.1", port, false);
            s.startHandshake();
            return s;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS probe: " + e.getMessage(), e);
        }
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s.trim());
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            fail("NEO4J_BOLT_PORT must be a port number, got: " + s);
            return -1;
        }
    }

    private static void fail(String msg) {
        System.err.println("neo4j launcher: " + msg);
        System.exit(2);
    }
}
