vcl 4.1;
# Where gunicorn listens on this host: the two values a deployer edits.
backend default { .host = "127.0.0.1"; .port = "8000";
    .probe = { .url = "/livez"; .interval = 2s; .timeout = 1s; .window = 3; .threshold = 2; }
    .connect_timeout = 2s; .first_byte_timeout = 30s; .between_bytes_timeout = 10s; }

# Varnish in front of the health-articles site (README, "Deploying").
#
# Readers without a session share one copy of each page: the site marks such pages
# "Cache-Control: public, s-maxage=…" and names what they show in Surrogate-Key, and it
# purges them by those names (xkey) the moment something they show changes.
# - Anything but GET and HEAD, the admin, and requests from people with a session (staff;
#   a reader whose comment awaits moderation) or a flash message go straight to the site.
# - Other cookies are dropped from shareable requests; query strings lose tracking
#   parameters and are sorted, so made-up variants cannot fill the cache.
# - While the site is down, pages are served stale for up to a day.
# - Purges (PURGE with an xkey-purge header naming tags) are accepted from the hosts
#   listed in `purgers` only: loopback and private networks, where the app hosts are.
#   Narrow the list to your app hosts' addresses if other machines share the network.

import std;
import xkey;

acl purgers {
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
    "fc00::"/7;
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from " + client.ip));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the tags to purge in an xkey-purge header"));
        }
        return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge) + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin(/|$)") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=[^;]") {
        return (pass);
    }
    # The one request a shared page makes for what is its reader's own (their vote, a CSRF token).
    if (req.url ~ "^/articles/[^/?]+/reader/") {
        return (pass);
    }
    # Nothing else of the reader's reaches a shared page (the site ignores the rest too).
    unset req.http.Cookie;
    unset req.http.Authorization;

    # Tracking parameters never change a page; the rest are sorted (?b=2&a=1 is ?a=1&b=2).
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url, "([?&])(utm_[a-z]+|fbclid|gclid|mc_[a-z]+)=[^&]*", "\1");
        set req.url = regsuball(req.url, "&&+", "&");
        set req.url = regsub(req.url, "\?&", "?");
        set req.url = regsub(req.url, "[?&]$", "");
        set req.url = std.querysort(req.url);
    }

    # Stale pages: a few seconds while a fresh one is fetched; up to a day while the site is down.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 5s;
    } else {
        set req.grace = 24h;
    }
    return (hash);
}

sub vcl_backend_response {
    # The site's tags, as xkey reads them.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    if (beresp.ttl > 0s && !beresp.http.Set-Cookie && beresp.http.Cache-Control ~ "public") {
        set beresp.grace = 24h;
        return (deliver);
    }
    # Anything else (private pages, errors, a page that changed while it was made): not kept, and
    # the next request asks the site again (no long "hit-for-miss").
    set beresp.uncacheable = true;
    set beresp.ttl = 1s;
    return (deliver);
}

sub vcl_backend_error {
    # The site is unreachable and there is no stale copy left: a plain page, not Varnish's own.
    set beresp.http.Content-Type = "text/plain; charset=utf-8";
    set beresp.http.Retry-After = "30";
    set beresp.body = "The site is not answering just now. Please try again in a minute.";
    return (deliver);
}

sub vcl_deliver {
    # Tags are for caches, not for readers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
