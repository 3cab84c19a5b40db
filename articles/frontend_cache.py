"""Purging the HTTP caches in front of the site: Varnish, Cloudflare, Fastly, CloudFront.

`articles.caching.purge` hands the tags (and addresses) of what changed to
`purger` once the change is committed. A thread in each process sends them
in the background, so a write never waits for a cache in front, nor fails
because of one:

- one page is purged at most about once a PURGE_INTERVAL (a second) however
  busy it is: changes that come while a purge of the same tag was just sent
  (by any process: the moment is noted in the shared cache) are sent
  together at the end of the interval;
- a purge that fails is logged and tried again after a growing delay (the
  page's s-maxage bounds how long a cache can go on showing it);
- what is still waiting when the process exits is sent before it does.

The caches come from settings.FRONTEND_CACHES, which settings.py fills from
the environment (PURGE_URLS, CLOUDFLARE_*, FASTLY_*, CLOUDFRONT_*).
"""

import atexit
import json
import logging
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

TIMEOUT = 5
MAX_ATTEMPTS = 8


def retry_delay(attempt: int) -> float:
    """Seconds before trying a failed purge again: 2, 4, 8 … up to a minute."""
    return min(60, 2**attempt)


class PurgeFailed(Exception):
    """A cache in front did not confirm a purge; the message says which and why."""


def _call(request: urllib.request.Request, *, what: str) -> bytes:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        raise PurgeFailed(f"{what}: HTTP {error.code} {error.reason}") from None
    except (OSError, ValueError) as error:
        raise PurgeFailed(f"{what}: {error}") from None


class VarnishBackend:
    """Varnish with the xkey module (deploy/varnish/default.vcl): one PURGE per server naming the tags."""

    def __init__(self, *, urls: list[str]):
        self.urls = urls

    def purge(self, *, tags: list[str], paths: list[str]) -> None:
        for url in self.urls:
            request = urllib.request.Request(url, method="PURGE", headers={"xkey-purge": " ".join(tags)})
            _call(request, what=f"Varnish at {url}")


class CloudflareBackend:
    """Cloudflare's purge by cache tag (the pages' Cache-Tag header), 30 tags a call."""

    def __init__(self, *, zone_id: str, api_token: str, api_url: str = "https://api.cloudflare.com/client/v4"):
        self.endpoint = f"{api_url.rstrip('/')}/zones/{zone_id}/purge_cache"
        self.api_token = api_token

    def purge(self, *, tags: list[str], paths: list[str]) -> None:
        for start in range(0, len(tags), 30):
            body = json.dumps({"tags": tags[start : start + 30]}).encode()
            headers = {"Authorization": f"Bearer {self.api_token}", "Content-Type": "application/json"}
            answer = _call(urllib.request.Request(self.endpoint, data=body, headers=headers), what="Cloudflare")
            try:
                succeeded = json.loads(answer).get("success") is True
            except (ValueError, AttributeError):
                succeeded = False
            if not succeeded:
                raise PurgeFailed(f"Cloudflare refused the purge: {answer[:200]!r}")


class FastlyBackend:
    """Fastly's batch purge by surrogate key (the pages' Surrogate-Key header), 256 keys a call."""

    def __init__(self, *, service_id: str, api_token: str, api_url: str = "https://api.fastly.com"):
        self.endpoint = f"{api_url.rstrip('/')}/service/{service_id}/purge"
        self.api_token = api_token

    def purge(self, *, tags: list[str], paths: list[str]) -> None:
        for start in range(0, len(tags), 256):
            headers = {"Fastly-Key": self.api_token, "Surrogate-Key": " ".join(tags[start : start + 256])}
            _call(urllib.request.Request(self.endpoint, data=b"", headers=headers), what="Fastly")


class CloudFrontBackend:
    """CloudFront has no tags: an invalidation of the changed pages' addresses (a trailing * covers variants)."""

    def __init__(self, *, distribution_id: str, endpoint_url: str = ""):
        self.distribution_id = distribution_id
        self.endpoint_url = endpoint_url or None

    def purge(self, *, tags: list[str], paths: list[str]) -> None:
        if not paths:
            return
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        client = boto3.client("cloudfront", endpoint_url=self.endpoint_url, region_name="us-east-1")
        batch = {"Paths": {"Quantity": len(paths), "Items": paths}, "CallerReference": uuid.uuid4().hex}
        try:
            client.create_invalidation(DistributionId=self.distribution_id, InvalidationBatch=batch)
        except (BotoCoreError, ClientError) as error:
            raise PurgeFailed(f"CloudFront: {error}") from None


class OriginMarks:
    """This site's own cache: the moments tags were purged (articles/caching.py), written again after a failure."""

    def purge(self, *, tags: list[str], paths: list[str]) -> None:
        from .caching import mark_purged

        if failed := mark_purged(tags):
            raise PurgeFailed(f"this site's cache could not note the purge of {len(failed)} tag(s)")


ORIGIN = "this site's cache"


def configured_backends() -> list[tuple[str, object]]:
    """(name, backend) for each cache in settings.FRONTEND_CACHES."""
    found = []
    for name, config in settings.FRONTEND_CACHES.items():
        options = {key.lower(): value for key, value in config.items() if key != "BACKEND"}
        found.append((name, import_string(config["BACKEND"])(**options)))
    return found


@dataclass
class _Waiting:
    """What one cache in front still has to be told."""

    tags: dict[str, float] = field(default_factory=dict)  # tag -> when the oldest change not yet sent was made
    paths: set[str] = field(default_factory=set)
    due: float = 0.0
    attempt: int = 0


class Purger:
    """Sends purges from a background thread: coalesced per tag, retried, flushed at exit."""

    def __init__(self):
        self._condition = threading.Condition()
        self._waiting: dict[str, _Waiting] = {}
        self._backends: list[tuple[str, object]] | None = None
        self._thread: threading.Thread | None = None
        self._sending = 0  # batches the thread has taken and not yet sent
        self._pid = os.getpid()

    def reset(self) -> None:
        """Forget the configured caches and everything waiting (settings changed; tests)."""
        with self._condition:
            self._backends = None
            self._waiting.clear()

    def request(self, *, tags: Iterable[str], paths: Iterable[str] = ()) -> None:
        """Tell every cache in front to drop pages with these tags (and these addresses) soon."""
        now = time.time()
        with self._condition:
            self._forget_parent()
            if self._backends is None:
                self._backends = configured_backends()
            for name, _ in self._backends:
                waiting = self._waiting.setdefault(name, _Waiting(due=now))
                for tag in tags:
                    waiting.tags.setdefault(tag, now)
                waiting.paths.update(paths)
            if self._backends:
                self._start()
                self._condition.notify()

    def mark_later(self, tags: Iterable[str]) -> None:
        """This site's cache could not note a purge (Redis unreachable): note it again until it can."""
        now = time.time()
        with self._condition:
            self._forget_parent()
            waiting = self._waiting.setdefault(ORIGIN, _Waiting(due=now + 1, attempt=1))
            for tag in tags:
                waiting.tags.setdefault(tag, now)
            self._start()
            self._condition.notify()

    def flush(self) -> None:
        """Send everything waiting now, whatever the interval, once what the thread is sending has gone
        (process exit; tests)."""
        with self._condition:
            self._condition.wait_for(lambda: not self._sending, timeout=2 * TIMEOUT)
            batches = [(name, waiting) for name, waiting in self._waiting.items() if waiting.tags or waiting.paths]
            for name, _ in batches:
                self._waiting[name] = _Waiting()
        for name, waiting in batches:
            self._send(name, waiting)

    # -- the thread

    def _forget_parent(self) -> None:
        if self._pid != os.getpid():  # a forked worker: the parent's thread is not here
            self._pid, self._thread, self._sending = os.getpid(), None, 0
            self._waiting.clear()

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="frontend-cache-purger", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._condition:
                now = time.time()
                ready = [name for name, waiting in self._waiting.items() if waiting.tags and waiting.due <= now]
                if not ready:
                    dues = [waiting.due for waiting in self._waiting.values() if waiting.tags]
                    self._condition.wait(timeout=max(0.01, min(dues) - now) if dues else None)
                    continue
                batches = [(name, self._waiting.pop(name)) for name in ready]
                self._sending += 1
            try:
                for name, waiting in batches:
                    self._send(name, self._coalesced(name, waiting))
            finally:
                with self._condition:
                    self._sending -= 1
                    self._condition.notify_all()

    def _coalesced(self, name: str, waiting: _Waiting) -> _Waiting:
        """Leave out tags another purge (from any process) already covers; postpone those purged a moment ago."""
        if waiting.attempt:
            return waiting  # a retry: this process is the one responsible
        interval = settings.PURGE_INTERVAL
        now = time.time()
        send = _Waiting(paths=waiting.paths)
        later = _Waiting()
        for tag, since in waiting.tags.items():
            key = f"purging:{name}:{tag}"
            try:
                if cache.add(key, now, timeout=max(1, round(interval))):
                    send.tags[tag] = since
                    continue
                last = cache.get(key)
            except Exception:
                logger.exception("Purge coalescing unavailable; purging %s at once", tag)
                send.tags[tag] = since
                continue
            if last is None:
                send.tags[tag] = since  # the mark just expired, or the cache cannot tell: purge now
                continue
            if last >= since:
                continue  # a purge sent after this change covers it
            later.tags[tag] = since
            later.due = max(later.due, last + interval)
        if later.tags:
            with self._condition:
                self._merge(name, later)
                self._condition.notify()
        return send

    def _send(self, name: str, waiting: _Waiting) -> None:
        if not waiting.tags and not waiting.paths:
            return
        backend = OriginMarks() if name == ORIGIN else dict(self._backends or ()).get(name)
        if backend is None:
            return
        try:
            backend.purge(tags=sorted(waiting.tags), paths=sorted(waiting.paths))
        except Exception as error:
            waiting.attempt += 1
            if waiting.attempt >= MAX_ATTEMPTS:
                logger.error(
                    "Gave up purging %s from %s after %d tries: %s", sorted(waiting.tags), name, waiting.attempt, error
                )
                return
            delay = retry_delay(waiting.attempt)
            logger.warning("Purge from %s failed (%s); trying again in %g s", name, error, delay)
            waiting.due = time.time() + delay
            with self._condition:
                self._merge(name, waiting)
                self._condition.notify()

    def _merge(self, name: str, waiting: _Waiting) -> None:
        current = self._waiting.setdefault(name, _Waiting(due=waiting.due))
        for tag, since in waiting.tags.items():
            current.tags[tag] = min(since, current.tags.get(tag, since))
        current.paths |= waiting.paths
        current.due = max(current.due, waiting.due) if current.tags else waiting.due
        current.attempt = max(current.attempt, waiting.attempt)


purger = Purger()
atexit.register(purger.flush)


@receiver(setting_changed)
def _forget_caches_in_front(*, setting: str, **kwargs) -> None:
    if setting in ("FRONTEND_CACHES", "PURGE_INTERVAL"):
        purger.reset()
