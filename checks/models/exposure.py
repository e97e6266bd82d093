"""Who can reach what a credential opens: the one vocabulary every domain rates secrets with.

A committed credential's severity follows what it opens and who can reach that
(``SecretVerdict.severity(exposed=...)``, README "Secrets"). Each domain finds the path its
own way (compose: the port a service publishes, ``models/compose.py``; Kubernetes: Secret ->
workload -> Service -> Ingress/Route/HTTPRoute/LoadBalancer, ``models/k8s/exposure.py``) and
answers with a :class:`Reach`; the words that say what a credential is for live here, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reach:
    """What a credential opens and whether that is reachable from beyond the host (compose) or
    from outside the cluster (Kubernetes).

    ``exposed``: True (reachable from beyond), False (verified not to be), None (cannot tell).
    ``note`` is the clause a message appends, true as written:
    ``"; what it opens publishes no port beyond this host"``, or what the link found
    (``"; it guards n8n:5679 (N8N_RUNNERS_TASK_BROKER_URI in service 'n8n-runner'), which is not
    published beyond this host"``, ``"; used by Deployment/sso (Route/sso via Service/sso)"``)."""

    exposed: bool | None
    note: str = ""
    #: a service of the file checks it (compose ``guarded_port`` linked it to an endpoint of the
    #: file): a placeholder left in place is the credential that service accepts
    guards: bool = False
    #: the published service that depends on the one holding it (a reverse proxy in front)
    fronted: str = ""
    #: the most its holder gains, whatever the value and reach (a severity label; "" = no ceiling):
    #: a game server's join password lets a stranger play (low), its admin or RCON password
    #: makes one the game's administrator (medium), neither opens data or the host
    ceiling: str = ""

    @staticmethod
    def plain(exposed: bool | None) -> Reach:
        return Reach(exposed, _PLAIN_NOTES[exposed])


_PLAIN_NOTES: dict[bool | None, str] = {
    True: "; what it opens is published beyond this host",
    False: "; what it opens publishes no port beyond this host",
    None: "",
}


#: images of game and voice servers: their credentials open an application role (a seat in the game,
#: its in-game administration), not data or the host (low-impact-credential). Names, or
#: dash-separated parts of a name (``palworld-server-docker``, ``terraria-server``)
GAME_SERVERS = ("palworld", "terraria", "tshock", "minecraft", "valheim", "factorio", "satisfactory", "enshrouded",
                "zomboid", "vrising", "v-rising", "7dtd", "sdtd", "cs2", "csgo", "teamspeak", "teamspeak3", "mumble",
                "murmur", "openttd", "minetest", "luanti", "veloren", "ark-server", "conan-exiles")
#: words of a credential's name that make its holder the game's administrator
_GAME_ADMIN_WORDS = frozenset(("ADMIN", "RCON", "OP", "OPS", "OPERATOR", "SERVERADMIN", "MODERATOR", "SUPERUSER"))


def game_server_credential(image: str, words: set[str], exposed: bool | None) -> Reach | None:
    """What a credential of a game or voice server opens (``image``: its repository, normalised), or
    None when the image is none of :data:`GAME_SERVERS` or the name says it logs in to a store."""
    from .node_agents import matches, normal

    name = normal(image)
    if words & STORE_WORDS or not any(matches(part, token) for part in (name, name.rsplit("/", 1)[-1])
                                      for token in GAME_SERVERS):
        return None
    if words & _GAME_ADMIN_WORDS:
        return Reach(exposed, "; it is the game server's administrator or console (RCON) password, which lets its "
                              "holder kick, ban and run game commands, not reach data or the host", ceiling="medium")
    return Reach(exposed, "; it is the game server's join password, which lets its holder join and play, "
                          "nothing more", ceiling="low")


def combine_reach(reaches: Iterable[Reach]) -> Reach:
    """One reach for a credential several holders have: reachable when one of them is, unknown
    when one cannot tell, else not reachable (the note of the deciding one)."""
    found = list(reaches)
    for want in (True, None, False):
        for reach in found:
            if reach.exposed is want:
                return reach
    return Reach(None)


#: words of a variable name that say it logs in to a data store (DB_PASSWORD in the app service)
STORE_WORDS = frozenset((
    "DB", "DATABASE", "POSTGRES", "POSTGRESQL", "PG", "MYSQL", "MARIADB", "SQL", "MSSQL", "REDIS", "VALKEY",
    "KEYDB", "MONGO", "MONGODB", "RABBITMQ", "RABBIT", "AMQP", "MQ", "MINIO", "S3", "ELASTIC", "ELASTICSEARCH",
    "OPENSEARCH", "CLICKHOUSE", "CASSANDRA", "NEO4J", "INFLUX", "INFLUXDB", "COUCHDB", "KAFKA", "NATS", "SEAWEEDFS",
))
#: store words that name one engine (its family); the others (DB, DATABASE, SQL, MQ) name any store
STORE_FAMILIES: dict[str, str] = {
    "POSTGRES": "postgres", "POSTGRESQL": "postgres", "PG": "postgres", "MYSQL": "mysql", "MARIADB": "mysql",
    "MSSQL": "mssql", "REDIS": "redis", "VALKEY": "redis", "KEYDB": "redis", "MONGO": "mongo", "MONGODB": "mongo",
    "RABBITMQ": "rabbitmq", "RABBIT": "rabbitmq", "AMQP": "rabbitmq", "MINIO": "s3", "S3": "s3", "SEAWEEDFS": "s3",
    "ELASTIC": "search", "ELASTICSEARCH": "search", "OPENSEARCH": "search", "CLICKHOUSE": "clickhouse",
    "CASSANDRA": "cassandra", "NEO4J": "neo4j", "INFLUX": "influx", "INFLUXDB": "influx", "COUCHDB": "couchdb",
    "KAFKA": "kafka", "NATS": "nats",
}
#: a store image's name (its last path segment, or that name's first word) -> its engine family
_ENGINE_FAMILIES: dict[str, str] = {
    "postgres": "postgres", "postgresql": "postgres", "postgis": "postgres", "timescaledb": "postgres",
    "mysql": "mysql", "mariadb": "mysql", "percona": "mysql", "mssql": "mssql", "mongo": "mongo", "mongodb": "mongo",
    "redis": "redis", "valkey": "redis", "keydb": "redis", "dragonfly": "redis", "rabbitmq": "rabbitmq",
    "minio": "s3", "seaweedfs": "s3", "elasticsearch": "search", "opensearch": "search", "clickhouse": "clickhouse",
    "cassandra": "cassandra", "scylla": "cassandra", "neo4j": "neo4j", "influxdb": "influx", "couchdb": "couchdb",
    "kafka": "kafka", "redpanda": "kafka", "nats": "nats",
}


def named_families(words: Iterable[str]) -> frozenset[str]:
    """The engine families a credential's name words name (POSTGRES_PASSWORD -> postgres,
    CLICKHOUSE_PASSWORD -> clickhouse); empty when it names a store only in general (DB_PASSWORD)."""
    return frozenset(STORE_FAMILIES[w] for w in words if w in STORE_FAMILIES)


def engine_family(engine: str) -> str | None:
    """The family of a store engine as :func:`.datastore.engine_of` names it
    (``clickhouse/clickhouse-server`` -> clickhouse, ``bitnami/postgresql-repmgr`` -> postgres)."""
    import re

    last = engine.lower().rsplit("/", 1)[-1]
    return _ENGINE_FAMILIES.get(last) or _ENGINE_FAMILIES.get(re.split(r"[-_.]", last, maxsplit=1)[0])


#: credential words glued to what they are for (PGPASSWORD, DBPASS)
GLUED = ("PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "TOKEN", "USER")
#: words that end a credential's name (what is secret), not what it is for
CREDENTIAL_WORDS = frozenset(("AUTH", "TOKEN", "TOKENS", "PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "SECRETS",
                              "KEY", "KEYS", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PASSPHRASE", "ACCESS", "API"))
#: words of a key that encrypts data at rest: it opens no port, whoever holds the data can use it
AT_REST_WORDS = frozenset(("ENCRYPTION", "ENCRYPT", "ENC", "CRYPT", "CRYPTO", "DECRYPTION", "CIPHER"))
#: words of a value that salts the hashes the service stores (API keys, passwords): it opens no port, a
#: guessable one helps only whoever already holds a copy of those hashes
HASHING_WORDS = frozenset(("SALT", "PEPPER"))
#: words of a key that signs or encrypts what the service's clients hold (sessions, tokens, cookies)
SESSION_WORDS = frozenset(("SESSION", "COOKIE", "JWT", "SIGNING", "SIGN", "CSRF", "URL", "TOKEN", "AUTH", "OTP"))
#: trailing words of a credential one service presents to another (not a key it signs with)
PRESENTED_WORDS = frozenset(("AUTH", "TOKEN", "TOKENS", "PASSWORD", "PASSWD", "PASS", "PWD", "APIKEY", "CREDENTIAL",
                             "CREDENTIALS"))
#: last words of a setting that names where a component listens or is reached
ENDPOINT_WORDS = frozenset(("URL", "URI", "HOST", "HOSTS", "ADDR", "ADDRESS", "ENDPOINT", "SERVER", "PORT"))
#: words of a credential the members of one clustered program present to each other (EAP's
#: MQ_CLUSTER_PASSWORD, JGROUPS_CLUSTER_PASSWORD): it opens their peer port, not what is routed to them
PEER_WORDS = frozenset(("CLUSTER", "PEER", "PEERS", "REPLICATION", "REPLICA", "INTERNODE", "GOSSIP", "JGROUPS",
                        "MEMBER", "MEMBERS"))
#: words of the login of the program itself (its admin console, its first user)
LOGIN_WORDS = frozenset(("ADMIN", "ADMINISTRATOR", "ROOT", "SUPERUSER", "LOGIN", "CONSOLE", "DASHBOARD", "UI",
                         "BOOTSTRAP", "INITIAL", "OWNER"))


def name_set(name: str) -> set[str]:
    """The words of a name, with credential words unglued (PGPASSWORD -> PGPASSWORD, PG)."""
    from .secrets import name_words

    words = set(name_words(name))
    return words | {w[:-len(end)] for w in words for end in GLUED if w.endswith(end) and len(w) > len(end)}


def family(name: str) -> tuple[str, ...]:
    """The words of a credential's name before what makes it secret: N8N_RUNNERS_AUTH_TOKEN ->
    (N8N, RUNNERS); the settings of the same component share them (N8N_RUNNERS_TASK_BROKER_URI).
    Empty for a key a service signs or encrypts with (SECRET_KEY, JWT_SECRET): it guards no port."""
    from .secrets import name_words

    words = name_words(name)
    trailing: list[str] = []
    while words and (words[-1] in CREDENTIAL_WORDS or words[-1].isdigit()):
        trailing.append(words.pop())
    if not set(trailing) & PRESENTED_WORDS:
        return ()
    return tuple(words)


# --- reverse proxies: what a proxy in front forwards to (held-out set 8: AppFlowy Cloud's nginx) ---

@dataclass(frozen=True)
class ProxyRoute:
    """One route of a reverse proxy's configuration: requests to ``path`` on ``listen`` (the
    port the proxy listens on inside its container; empty when the config does not say) go to
    ``host:port`` (``port`` empty when not written). ``where`` is ``file:line``."""

    listen: tuple[str, ...]
    path: str
    host: str
    port: str
    where: str


#: where each proxy reads its configuration inside its container: (kind, target-path test)
def proxy_kind(target: str) -> str | None:
    """The proxy whose configuration a container path is: ``/etc/nginx/nginx.conf``,
    ``/etc/nginx/conf.d/x.conf`` (nginx), ``/etc/caddy/Caddyfile`` (caddy),
    ``/usr/local/etc/haproxy/haproxy.cfg`` (haproxy); None for anything else."""
    low = target.rstrip("/").lower()
    name = low.rsplit("/", 1)[-1]
    if low.startswith(("/etc/nginx/", "/usr/local/nginx/conf/", "/opt/bitnami/nginx/conf/",
                       "/usr/local/openresty/nginx/conf/")) or low in ("/etc/nginx",):
        return "nginx"
    if name == "caddyfile" or low.startswith("/etc/caddy/"):
        return "caddy"
    if name == "haproxy.cfg" or low.startswith(("/usr/local/etc/haproxy/", "/etc/haproxy/")):
        return "haproxy"
    return None


def templated(text: str) -> bool:
    """A configuration a tool fills before the proxy reads it (envsubst ``${VAR}``, Jinja
    ``{{ }}``/``{% %}``, ERB ``<%= %>``): what it routes is not known from the repository."""
    import re

    return bool(re.search(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-[^}]*)?\}|\{\{.{0,200}?\}\}|\{%|<%", text))


def _nginx_tokens(text: str) -> list[tuple[str, int]]:
    """nginx's words, ``{``, ``}`` and ``;`` with their lines; comments dropped, quotes kept whole."""
    import re

    out: list[tuple[str, int]] = []
    for match in re.finditer(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*|[{};]|[^\s{};"\'#]+|\n', text):
        word = match.group(0)
        if word.startswith("#"):
            continue
        out.append((word, text.count("\n", 0, match.start()) + 1))
    return [t for t in out if t[0] != "\n"]


def _unquote(word: str) -> str:
    return word[1:-1] if len(word) >= 2 and word[0] == word[-1] and word[0] in "\"'" else word


def _split_target(url: str) -> tuple[str, str] | None:
    """(host, port) of ``http://svc:8000/x``, ``svc:8000``, ``h2c://svc``; None for a unix socket."""
    import re

    match = re.match(r"^(?:[A-Za-z][A-Za-z0-9+.\-]{0,20}://)?([A-Za-z0-9_][A-Za-z0-9_.\-]{0,252})(?::(\d{1,5}))?(?:[/?#]|$)",
                     url.strip())
    if not match or url.startswith("unix:"):
        return None
    return match.group(1), match.group(2) or ""


def nginx_routes(path: str, text: str) -> list[ProxyRoute]:
    """The routes of an nginx configuration (a whole ``nginx.conf`` or a ``conf.d`` file of
    ``server`` blocks): each ``proxy_pass``/``grpc_pass``/``uwsgi_pass``/``fastcgi_pass`` of a
    ``location`` in a ``server`` block, with the ports that server listens on (80 when it names
    none), its target through ``upstream`` blocks and ``set $var "http://..."`` resolved."""
    tokens = _nginx_tokens(text)
    # a tree: (name, args, line, children)
    stack: list[list[Any]] = [[]]
    words: list[tuple[str, int]] = []
    pending: list[tuple[str, list[str], int]] = []
    for word, line in tokens:
        if word == ";":
            if words:
                stack[-1].append((_unquote(words[0][0]), [_unquote(w) for w, _ in words[1:]], words[0][1], []))
            words = []
        elif word == "{":
            name, args, at = (_unquote(words[0][0]), [_unquote(w) for w, _ in words[1:]], words[0][1]) if words \
                else ("", [], line)
            pending.append((name, args, at))
            stack.append([])
            words = []
        elif word == "}":
            if len(stack) == 1:
                continue
            children = stack.pop()
            name, args, at = pending.pop()
            stack[-1].append((name, args, at, children))
            words = []
        else:
            words.append((word, line))
    while len(stack) > 1:  # unbalanced: keep what was read
        children = stack.pop()
        name, args, at = pending.pop()
        stack[-1].append((name, args, at, children))
    root = stack[0]

    upstreams: dict[str, list[tuple[str, str]]] = {}

    def walk(nodes: list, visit) -> None:
        for node in nodes:
            visit(node)
            walk(node[3], visit)

    def upstream(node) -> None:
        if node[0] == "upstream" and node[1]:
            found = [_split_target(child[1][0]) for child in node[3] if child[0] == "server" and child[1]]
            upstreams[node[1][0]] = [f for f in found if f is not None]

    walk(root, upstream)
    out: list[ProxyRoute] = []

    def server(node) -> None:
        if node[0] != "server" or not node[3] and node[1]:
            return  # ``server host:port;`` of an upstream has no block
        listen: list[str] = []
        variables: dict[str, str] = {}
        for child in node[3]:
            if child[0] == "listen" and child[1]:
                port = child[1][0].rsplit(":", 1)[-1].strip("[]")
                if port.isdigit():
                    listen.append(port)
            elif child[0] == "set" and len(child[1]) >= 2:
                variables[child[1][0].lstrip("$")] = child[1][1]
        ports = tuple(dict.fromkeys(listen)) or ("80",)

        def locations(nodes: list, prefix: str) -> None:
            for child in nodes:
                if child[0] == "location":
                    locations(child[3], " ".join(child[1]) or prefix)
                elif child[0] in ("proxy_pass", "grpc_pass", "uwsgi_pass", "fastcgi_pass") and child[1]:
                    target = child[1][0]
                    if target.startswith("$"):
                        target = variables.get(target[1:].split("/", 1)[0].strip("{}"), "")
                    found = _split_target(target) if target and "$" not in target.split("/", 3)[2 if "://" in target else 0] else None
                    if found is None:
                        continue
                    host, port = found
                    for up_host, up_port in upstreams.get(host, [(host, port)]) if not port else [(host, port)]:
                        out.append(ProxyRoute(ports, prefix, up_host, up_port, f"{path}:{child[2]}"))

        locations(node[3], "/")

    for node in root:
        if node[0] == "http":
            for child in node[3]:
                server(child)
        else:
            server(node)
    return out


def caddy_routes(path: str, text: str) -> list[ProxyRoute]:
    """``reverse_proxy [matcher] host:port ...`` of a Caddyfile, under the site address it is in
    (``:8080 {``, ``example.com {``: 80/443 for a name)."""
    import re

    out: list[ProxyRoute] = []
    site_ports: tuple[str, ...] = ("80", "443")
    depth = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip() if not raw.strip().startswith("#") else ""
        if not line:
            continue
        if depth == 0 and line.endswith("{"):
            ports = re.findall(r":(\d{1,5})\b", line)
            site_ports = tuple(dict.fromkeys(ports)) or ("80", "443")
        words = line.split()
        if words and words[0] == "reverse_proxy":
            prefix = "/"
            for word in words[1:]:
                if word.startswith("/"):
                    prefix = word
                    continue
                if word in ("{", "}") or word.startswith("@"):
                    continue
                found = _split_target(word)
                if found is not None:
                    out.append(ProxyRoute(site_ports, prefix, found[0], found[1], f"{path}:{number}"))
        elif words and words[0] in ("handle", "handle_path", "route") and len(words) > 1 and words[1].startswith("/"):
            pass
        depth += line.count("{") - line.count("}")
        depth = max(depth, 0)
    return out


def haproxy_routes(path: str, text: str) -> list[ProxyRoute]:
    """The ``server`` lines of HAProxy ``backend``/``listen`` sections, reached from the ports the
    ``frontend``/``listen`` sections ``bind`` (all of them: which ACL picks which backend is not read)."""
    import re

    binds: list[str] = []
    servers: list[tuple[str, str, int]] = []
    section = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if words[0] in ("global", "defaults", "frontend", "backend", "listen", "resolvers", "userlist", "peers"):
            section = words[0]
            if section == "listen" and len(words) > 2:
                binds.extend(re.findall(r":(\d{1,5})\b", words[2]))
            continue
        if words[0] == "bind" and section in ("frontend", "listen") and len(words) > 1:
            binds.extend(re.findall(r":(\d{1,5})\b", words[1]))
        elif words[0] == "server" and section in ("backend", "listen") and len(words) > 2:
            found = _split_target(words[2])
            if found is not None:
                servers.append((found[0], found[1], number))
    ports = tuple(dict.fromkeys(binds))
    return [ProxyRoute(ports, "/", host, port, f"{path}:{number}") for host, port, number in servers]


def proxy_routes(kind: str, path: str, text: str) -> list[ProxyRoute]:
    """The routes of a proxy configuration of the given kind (:func:`proxy_kind`)."""
    if kind == "nginx":
        return nginx_routes(path, text)
    if kind == "caddy":
        return caddy_routes(path, text)
    if kind == "haproxy":
        return haproxy_routes(path, text)
    return []
