"""A process's own copy of small Redis keys under a prefix, kept current by Redis' invalidation broadcasts.

The page cache reads its version counters on every request. Each read is a
round trip to Redis, which on a small host costs more CPU than answering a
cached page. With server-assisted client-side caching (CLIENT TRACKING in
broadcast mode) Redis tells every subscribed process, the moment any key under
the prefix changes, which keys changed; the process then forgets its copies of
them. Reads of keys it holds cost no round trip at all.

Safety rules:
- Copies are used only while the listening connection is up and tracking. When
  it drops, every copy is forgotten and reads go to Redis until it is back.
- A value fetched from Redis is kept only if no invalidation arrived while it
  was being fetched (`epoch`), so a late answer never overwrites news.
- A process that changes a key forgets its own copy at once (`forget`), so it
  reads its own writes; other processes learn of it within the broadcast's
  delivery time (well under a millisecond on one host).
- After a fork (gunicorn workers) the child starts with no copies and its own
  listener thread.
"""

import logging
import os
import threading
import time

logger = logging.getLogger(__name__)

CHANNEL = "__redis__:invalidate"
# The listener pings Redis this often, and gives up on a connection that has not answered for
# SILENCE seconds: a connection cut without a word (a network partition) stops invalidations
# arriving, so copies are trusted at most that long after the last sign of life.
PING_EVERY = 1.0
SILENCE = 3.0


class KeyMirror:
    def __init__(self, *, url: str, prefix: str, make_key=str, options: dict | None = None):
        """`prefix` is the Redis key prefix to track; `make_key` turns a caller's key into its Redis key."""
        self.url = url
        self.prefix = prefix
        self.make_key = make_key
        self.options = dict(options or {})
        self.lock = threading.Lock()
        self.values: dict[str, object] = {}
        self.epoch = 0
        self.healthy = False
        self.pid = None
        self.stopping = False
        self.connection = None
        self.client_id = None

    # -- reading and remembering (the request's side)

    def known(self, keys) -> tuple[dict, int]:
        """The copies held for `keys` (only while tracking is live), and the epoch to pass to `remember`."""
        self._ensure_listening()
        make_key = self.make_key
        with self.lock:
            if not self.healthy:
                return {}, -1
            values = self.values
            found = {}
            for key in keys:
                full = make_key(key)
                if full in values:
                    found[key] = values[full]
            return found, self.epoch

    def remember(self, found: dict, epoch: int) -> None:
        """Keep values just fetched from Redis, unless an invalidation arrived since `known` was called."""
        if epoch < 0 or not found:
            return
        with self.lock:
            if self.healthy and self.epoch == epoch:
                self.values.update((self.make_key(key), value) for key, value in found.items())

    def forget(self, keys) -> None:
        """This process changed `keys`: drop its copies now rather than when the broadcast comes back."""
        with self.lock:
            self.epoch += 1
            for key in keys:
                self.values.pop(self.make_key(key), None)

    # -- listening (a thread per process)

    def _ensure_listening(self) -> None:
        pid = os.getpid()
        if self.pid == pid:
            return
        with self.lock:
            if self.pid == pid:
                return
            # A new process (or a fork of one that was listening): nothing inherited can be trusted.
            self.pid, self.healthy, self.values, self.connection = pid, False, {}, None
            self.epoch += 1
        threading.Thread(target=self._listen, name="key-mirror", daemon=True).start()

    def _listen(self) -> None:
        delay = 0.1
        pid = os.getpid()
        while not self.stopping and self.pid == pid:
            was_healthy = self.healthy
            try:
                self._track_and_read(pid)
                delay = 0.1
            except Exception as error:  # connection refused, dropped, killed, silent
                self._unhealthy()
                if not self.stopping:
                    log = logger.warning if was_healthy or delay == 0.1 else logger.debug
                    log("key mirror: Redis invalidations unavailable (%s); reading Redis directly", error)
                    time.sleep(delay)
                    delay = min(delay * 2, 5.0)

    def _track_and_read(self, pid: int) -> None:
        import redis

        options = {**self.options, "protocol": 2, "socket_timeout": None}
        connection = redis.ConnectionPool.from_url(self.url, **options).make_connection()
        self.connection = connection
        try:
            connection.connect()
            connection.send_command("CLIENT", "ID")
            own_id = self.client_id = connection.read_response()
            connection.send_command("CLIENT", "TRACKING", "ON", "REDIRECT", own_id, "BCAST", "PREFIX", self.prefix)
            try:
                connection.read_response()
            except redis.ResponseError as error:  # Redis before 6.0, or the command renamed away
                logger.error("key mirror: Redis refused CLIENT TRACKING (%s); reading Redis directly", error)
                self.stopping = True
                return
            connection.send_command("SUBSCRIBE", CHANNEL)
            connection.read_response()
            with self.lock:  # copies start now: anything changed before is fetched afresh
                self.values = {}
                self.epoch += 1
                self.healthy = True
            heard = pinged = time.monotonic()
            while not self.stopping and self.pid == pid:
                now = time.monotonic()
                if now - heard > SILENCE:
                    raise ConnectionError(f"no answer from Redis for {SILENCE:g} s")
                if now - pinged >= PING_EVERY:
                    connection.send_command("PING")
                    pinged = now
                if not connection.can_read(timeout=PING_EVERY / 2):
                    continue
                message = connection.read_response()
                heard = time.monotonic()
                if isinstance(message, list) and len(message) == 3 and message[0] in (b"message", "message"):
                    self._invalidate(message[2])
        finally:
            connection.disconnect()

    def _invalidate(self, keys) -> None:
        with self.lock:
            self.epoch += 1
            if keys is None:  # FLUSHDB / FLUSHALL
                self.values = {}
                return
            for key in keys:
                self.values.pop(key.decode() if isinstance(key, bytes) else key, None)

    def _unhealthy(self) -> None:
        with self.lock:
            self.healthy = False
            self.values = {}
            self.epoch += 1

    def stop(self) -> None:
        """Stop listening (tests); copies are no longer used."""
        self.stopping = True
        self._unhealthy()
        connection = self.connection
        if connection is not None:
            connection.disconnect()
