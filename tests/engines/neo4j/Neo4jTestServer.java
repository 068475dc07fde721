// A Neo4j 5 Community server for the tests, in one process: Bolt and HTTP (with Browser) on 127.0.0.1 on free
// ports the tests chose, authentication on, its own folder. tests/neo4j_engine.py runs it as
//   java -cp <classpath of pom.xml> Neo4jTestServer.java <working dir> <password> <bolt port> <http port> [<folder>]
// where <folder> is a server home (its data/databases and data/transactions) copied in before the server starts.
// It prints one JSON line (bolt and http URIs, the server's home folder, the version) once it accepts connections,
// then serves until its standard input closes (the test process ended, however it ended) or it gets SIGTERM.

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.kernel.internal.Version;

public final class Neo4jTestServer {
    public static void main(String[] args) throws IOException {
        if (args.length < 4) {
            System.err.println("usage: Neo4jTestServer <working dir> <password> <bolt port> <http port> [<folder>]");
            System.exit(2);
        }
        // Listen and advertise on the same address: Browser connects to the Bolt address the server advertises.
        SocketAddress bolt = new SocketAddress("127.0.0.1", Integer.parseInt(args[2]));
        SocketAddress http = new SocketAddress("127.0.0.1", Integer.parseInt(args[3]));
        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder(Path.of(args[0]))
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, bolt)
                .withConfig(BoltConnector.advertised_address, bolt)
                .withConfig(HttpConnector.enabled, true)
                .withConfig(HttpConnector.listen_address, http)
                .withConfig(HttpConnector.advertised_address, http);
        if (args.length > 4) {
            builder = builder.copyFrom(Path.of(args[4]));
        }
        Neo4j neo4j = builder.build();
        // The initial user must change its password before it may do anything; the tests log in with theirs.
        neo4j.databaseManagementService().database("system").executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(neo4j::close));
        Path home = neo4j.config().get(GraphDatabaseSettings.neo4j_home);
        System.out.printf("{\"bolt\": \"%s\", \"http\": \"%s\", \"home\": \"%s\", \"version\": \"%s\"}%n",
                neo4j.boltURI(), neo4j.httpURI(), home, Version.getNeo4jVersion());
        System.out.flush();
        InputStream in = System.in;
        while (in.read() != -1) {
            // Nothing is read from the tests; end of input is the signal to stop.
        }
        System.exit(0);  // runs the shutdown hook
    }
}
