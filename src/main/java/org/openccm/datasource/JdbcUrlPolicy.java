package org.openccm.datasource;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides which JDBC URLs a supervisor may give a data source. A JDBC URL is code as much as an
 * address: its parameters can make a driver load a class of the caller's choosing (socket and SSL
 * factories, authentication plugins), read or write files on this server (MariaDB's local infile,
 * key stores, log files, H2's INIT=RUNSCRIPT), deserialize objects, run statements when it
 * connects, or open an embedded database with the server's own rights. So only three drivers are
 * accepted, each in its plain network form, and only parameters on a short allow-list; every
 * other parameter is refused by name.
 */
final class JdbcUrlPolicy {
    private static final String HOST = "(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\])";
    private static final String HOST_AND_PORT = HOST + "(?::[0-9]{1,5})?";
    private static final Pattern NETWORK_URL = Pattern.compile("jdbc:(postgresql|mariadb)://(" + HOST_AND_PORT + "(?:,"
            + HOST_AND_PORT + ")*)/([A-Za-z0-9_$.-]{1,64})(?:\\?(.*))?");
    private static final Pattern H2_URL =
            Pattern.compile("jdbc:h2:(?:tcp|ssl)://(" + HOST_AND_PORT + ")/((?:mem:)?[A-Za-z0-9_./~-]{1,200})(;.*)?");
    private static final Pattern PARAMETER_VALUE = Pattern.compile("[A-Za-z0-9_.,:-]{0,200}");

    /** Parameters that change nothing but timeouts, TLS strictness, naming and fetching. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "postgresql",
            Set.of(
                    "ssl",
                    "sslmode",
                    "connectTimeout",
                    "socketTimeout",
                    "loginTimeout",
                    "ApplicationName",
                    "currentSchema",
                    "prepareThreshold",
                    "defaultRowFetchSize",
                    "tcpKeepAlive",
                    "targetServerType",
                    "loadBalanceHosts"),
            "mariadb",
            Set.of(
                    "connectTimeout",
                    "socketTimeout",
                    "sslMode",
                    "defaultFetchSize",
                    "useServerPrepStmts",
                    "tcpKeepAlive",
                    "useCompression"),
            "h2",
            Set.of(
                    "MODE",
                    "DATABASE_TO_LOWER",
                    "DATABASE_TO_UPPER",
                    "CASE_INSENSITIVE_IDENTIFIERS",
                    "DEFAULT_NULL_ORDERING",
                    "IFEXISTS"));

    /** Why some well-known parameters are refused, in lower case, for a readable answer. */
    private static final Map<String, String> DANGEROUS = Map.ofEntries(
            Map.entry("socketfactory", "it makes the driver load a class named in the URL"),
            Map.entry("socketfactoryarg", "it makes the driver load a class named in the URL"),
            Map.entry("sslfactory", "it makes the driver load a class named in the URL"),
            Map.entry("sslfactoryarg", "it makes the driver load a class named in the URL"),
            Map.entry("sslhostnameverifier", "it makes the driver load a class named in the URL"),
            Map.entry("sslpasswordcallback", "it makes the driver load a class named in the URL"),
            Map.entry("authenticationpluginclassname", "it makes the driver load a class named in the URL"),
            Map.entry("credentialtype", "it makes the driver load a credential plugin named in the URL"),
            Map.entry("tlssockettype", "it makes the driver load a class named in the URL"),
            Map.entry("autodeserialize", "it makes the driver deserialize Java objects sent by the database"),
            Map.entry("allowlocalinfile", "it lets the database server read files of this server"),
            Map.entry("allowloadlocalinfile", "it lets the database server read files of this server"),
            Map.entry("allowurlinlocalinfile", "it lets the database server read files of this server"),
            Map.entry("allowmultiqueries", "it allows several statements in one query"),
            Map.entry("initsql", "it runs statements when the driver connects"),
            Map.entry("sessionvariables", "it changes session settings such as read-only mode"),
            Map.entry("options", "it changes session settings such as read-only mode"),
            Map.entry("readonlymode", "the server decides the read-only mode"),
            Map.entry("readonly", "the server decides the read-only mode"),
            Map.entry("init", "it runs SQL (such as RUNSCRIPT FROM a file or URL) when connecting"),
            Map.entry("runscript", "it runs a script from a file or URL"),
            Map.entry("trace_level_file", "it writes a trace file on this server"),
            Map.entry("loggerfile", "it writes a log file on this server"),
            Map.entry("loggerlevel", "it writes driver logs that may hold credentials"),
            Map.entry("sslkey", "it reads a file of this server"),
            Map.entry("sslcert", "it reads a file of this server"),
            Map.entry("sslrootcert", "it reads a file of this server"),
            Map.entry("serversslcert", "it reads a file of this server"),
            Map.entry("keystore", "it reads a file of this server"),
            Map.entry("truststore", "it reads a file of this server"),
            Map.entry("serverrsapublickeyfile", "it reads a file of this server"),
            Map.entry("passfile", "it reads a file of this server"),
            Map.entry("service", "it reads a service file of this server"),
            Map.entry("localsocket", "it opens a local socket file of this server"),
            Map.entry("pipe", "it opens a named pipe of this server"),
            Map.entry("permitredirect", "it lets the database server send the connection elsewhere"),
            Map.entry("user", "the user name belongs in the 'username' field"),
            Map.entry("password", "the password belongs in the 'password' field, where it is encrypted"));

    private JdbcUrlPolicy() {}

    /** Which driver a checked URL is for. */
    enum Driver {
        POSTGRESQL,
        MARIADB,
        H2
    }

    /**
     * Checks a URL and says which driver it is for.
     *
     * @param allowedHosts hosts a URL may name, in lower case; empty means any
     * @throws IllegalArgumentException with a sentence for the supervisor when the URL is refused
     */
    static Driver check(String url, Set<String> allowedHosts) {
        if (url == null || url.isEmpty()) {
            throw new IllegalArgumentException("Field 'url' is mandatory.");
        }
        if (url.length() > 1000) {
            throw new IllegalArgumentException("Field 'url' is longer than 1000 characters.");
        }
        if (!url.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("Field 'url' must be printable ASCII without spaces.");
        }
        if (url.startsWith("jdbc:h2:")) {
            return checkH2(url, allowedHosts);
        }
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:mariadb:")) {
            throw new IllegalArgumentException(
                    "Field 'url' must start with jdbc:postgresql:, jdbc:mariadb: or jdbc:h2: (other drivers are refused).");
        }
        Matcher matcher = NETWORK_URL.matcher(url);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Field 'url' must read jdbc:" + url.substring(5, url.indexOf(':', 5))
                    + "://host[:port][,host[:port]...]/database[?name=value&...], with a plain host name or address.");
        }
        String driver = matcher.group(1);
        checkHosts(matcher.group(2), allowedHosts);
        if (matcher.group(4) != null) {
            for (String parameter : matcher.group(4).split("&", -1)) {
                int equals = parameter.indexOf('=');
                checkParameter(
                        driver,
                        equals < 0 ? parameter : parameter.substring(0, equals),
                        equals < 0 ? "" : parameter.substring(equals + 1));
            }
        }
        return "postgresql".equals(driver) ? Driver.POSTGRESQL : Driver.MARIADB;
    }

    private static Driver checkH2(String url, Set<String> allowedHosts) {
        Matcher matcher = H2_URL.matcher(url);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("An H2 data source must be an H2 server:"
                    + " jdbc:h2:tcp://host[:port]/database or jdbc:h2:ssl://...; embedded H2 URLs (file, mem, zip and"
                    + " the like) would open files with this server's own rights and are refused.");
        }
        checkHosts(matcher.group(1), allowedHosts);
        if (matcher.group(2).contains("..")) {
            throw new IllegalArgumentException("The database path of field 'url' must not contain '..'.");
        }
        if (matcher.group(3) != null) {
            for (String setting : matcher.group(3).substring(1).split(";", -1)) {
                int equals = setting.indexOf('=');
                checkParameter(
                        "h2",
                        equals < 0 ? setting : setting.substring(0, equals),
                        equals < 0 ? "" : setting.substring(equals + 1));
            }
        }
        return Driver.H2;
    }

    private static void checkParameter(String driver, String name, String value) {
        String reason = DANGEROUS.get(name.toLowerCase(Locale.ROOT));
        if (reason != null) {
            throw new IllegalArgumentException("The JDBC URL parameter '" + name + "' is refused: " + reason + ".");
        }
        if (!ALLOWED.get(driver).contains(name)) {
            throw new IllegalArgumentException("The JDBC URL parameter '" + printable(name) + "' is not allowed for "
                    + driver + "; allowed are "
                    + String.join(", ", ALLOWED.get(driver).stream().sorted().toList()) + ".");
        }
        if (!PARAMETER_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("The JDBC URL parameter '" + name
                    + "' must have a value of letters, digits, '.', ',', ':', '_' or '-'.");
        }
    }

    private static void checkHosts(String hosts, Set<String> allowedHosts) {
        if (allowedHosts.isEmpty()) {
            return;
        }
        for (String hostAndPort : hosts.split(",")) {
            String host = hostAndPort.startsWith("[")
                    ? hostAndPort.substring(1, hostAndPort.indexOf(']'))
                    : hostAndPort.replaceFirst(":[0-9]+$", "");
            if (!allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(
                        "The host '" + host
                                + "' of field 'url' is not on the list of allowed data source hosts (OMS_DATASOURCES_ALLOWED_HOSTS).");
            }
        }
    }

    private static String printable(String name) {
        return name.length() > 64 ? name.substring(0, 64) + "..." : name;
    }
}
