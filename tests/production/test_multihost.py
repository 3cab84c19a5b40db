"""Two app servers (two gunicorn processes) sharing one PostgreSQL and one Redis, as two hosts would."""

import pytest

from .servers import SLUG, Gunicorn, Reader, django, production_env


@pytest.fixture(scope="module")
def hosts(postgres_template, postgres_url, shared_redis, static_root, tmp_path_factory):
    logs = tmp_path_factory.mktemp("multihost")
    env = production_env(
        DATABASE_URL=postgres_url,
        STATIC_ROOT=str(static_root),
        NUM_PROXIES="1",
        RATINGS_RATE_LIMIT="5",
        **shared_redis,
    )
    with Gunicorn(env, log_path=logs / "a.log") as a, Gunicorn(env, log_path=logs / "b.log") as b:
        yield a.port, b.port, postgres_template.article_id, env


def test_a_vote_through_one_host_is_counted_at_once_through_the_other(hosts):
    a, b, _, _ = hosts
    before = Reader("198.51.100.1").figures(b, SLUG)["total"]

    assert Reader("198.51.100.2").vote(a, SLUG, 5) == 200

    assert Reader("198.51.100.3").figures(b, SLUG)["total"] == before + 1


def test_a_comment_approved_on_one_host_shows_on_the_other(hosts):
    a, b, article_id, env = hosts
    page = f"/articles/{SLUG}/"
    text = "Botox helped me after three rounds."
    assert Reader("198.51.100.4").request(b, "GET", page)[0] == 200  # cached on the shared Redis, if caching is on

    assert Reader("198.51.100.5").comment(a, article_id=article_id, slug=SLUG, name="Ann", body=text) == 302
    assert text not in Reader("198.51.100.6").request(b, "GET", page)[2].decode()  # pending

    django(
        "from comments.models import Comment\n"
        "from comments.moderation import approve_comment\n"
        f"approve_comment(comment=Comment.objects.get(body={text!r}))",
        env=env,
    )

    status, _, content = Reader("198.51.100.6").request(b, "GET", page)
    assert status == 200 and text in content.decode()


def test_the_vote_rate_limit_holds_across_both_hosts(hosts):
    a, b, _, _ = hosts
    address = "198.51.100.50"  # the same client; each vote from a fresh browser, alternating hosts

    statuses = [Reader(address).vote(port, SLUG, 4) for port in (a, b, a, b, a, b)]

    assert statuses == [200, 200, 200, 200, 200, 429]
