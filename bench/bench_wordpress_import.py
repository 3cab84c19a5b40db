"""Import time and peak memory of `manage.py import_wordpress` on a large synthetic export.

Not a test: run it by hand, e.g.

    .venv/bin/python bench/bench_wordpress_import.py --posts 10000 --comments 100000
    .venv/bin/python bench/bench_wordpress_import.py --posts 100 --comments 1000 --huge-post-mb 200

It writes a WXR export of that many posts (comments spread over them, a third
of them replies, ratings on every other post) to a temporary file, streaming,
then migrates a fresh temporary SQLite database and runs the import in a child
process with the test settings. Reported: file size, import time, posts and
comments per second, and the import process's own peak resident memory
(Linux's VmHWM, printed by a small wrapper as it exits). Target: well under 10
minutes and under 300 MB on a 2-core machine. With --huge-post-mb, one more
post of that many megabytes comes after the others: the import must refuse
the file (wordpress.wxr.MAX_ITEM_BYTES) quickly, in the same memory.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Bench</title><link>https://bench.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://bench.example</wp:base_site_url><wp:base_blog_url>https://bench.example</wp:base_blog_url>
"""
BODY = (
    "<!-- wp:heading --><h2>Section {n}</h2><!-- /wp:heading -->\n"
    "<!-- wp:paragraph --><p>Paragraph about <strong>headache</strong> number {n} with a "
    '<a href="https://example.org/{n}">link</a> and <em>emphasis</em>. ' + "Filler words for length. " * 20 + "</p>"
    "<!-- /wp:paragraph -->\n<ul><li>One</li><li>Two</li></ul>\n[kkstarratings]"
)


HUGE_PARAGRAPH = escape("<p>" + "A paragraph of a post far too long to be real. " * 40 + "</p>\n")


def write_huge_post(out, *, megabytes: int, post_id: int) -> None:
    """One <item> whose content is `megabytes` MB, written a paragraph at a time."""
    out.write(f"<item><title>Huge post</title><wp:post_id>{post_id}</wp:post_id><wp:status>publish</wp:status>")
    out.write("<wp:post_type>post</wp:post_type><content:encoded>")
    for _ in range(megabytes * 1_000_000 // len(HUGE_PARAGRAPH) + 1):
        out.write(HUGE_PARAGRAPH)
    out.write("</content:encoded></item>\n")


def write_export(
    path: Path, *, posts: int, comments: int, authors: int = 20, categories: int = 30, huge_post_mb: int = 0
) -> None:
    rng = random.Random(7)
    per_post, extra = divmod(comments, posts)
    comment_id = 1
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for a in range(authors):
            out.write(
                f"<wp:author><wp:author_login>author{a}</wp:author_login><wp:author_email>a{a}@bench.example"
                f"</wp:author_email><wp:author_display_name>Author {a}</wp:author_display_name></wp:author>\n"
            )
        for c in range(categories):
            out.write(
                f"<wp:category><wp:category_nicename>topic-{c}</wp:category_nicename>"
                f"<wp:cat_name>Topic {c}</wp:cat_name></wp:category>\n"
            )
        for n in range(1, posts + 1):
            day = f"2020-{1 + n % 12:02d}-{1 + n % 28:02d}"
            meta = (
                "<wp:postmeta><wp:meta_key>_kksr_casts</wp:meta_key><wp:meta_value>10</wp:meta_value></wp:postmeta>"
                "<wp:postmeta><wp:meta_key>_kksr_ratings</wp:meta_key><wp:meta_value>42</wp:meta_value></wp:postmeta>"
                if n % 2
                else ""
            )
            out.write(
                f"<item><title>Post {n}</title><link>https://bench.example/{day[:4]}/{day[5:7]}/post-{n}/</link>"
                f"<dc:creator>author{n % authors}</dc:creator><guid>https://bench.example/?p={n}</guid>"
                f"<content:encoded>{escape(BODY.format(n=n))}</content:encoded>"
                f"<excerpt:encoded>Summary of post {n}.</excerpt:encoded>"
                f"<wp:post_id>{n}</wp:post_id><wp:post_date>{day} 10:00:00</wp:post_date>"
                f"<wp:post_date_gmt>{day} 09:00:00</wp:post_date_gmt><wp:post_name>post-{n}</wp:post_name>"
                f"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="topic-{n % categories}">Topic {n % categories}</category>'
                f"{meta}\n"
            )
            first = comment_id
            for _ in range(per_post + (1 if n <= extra else 0)):
                parent = rng.randrange(first, comment_id) if comment_id > first and rng.random() < 0.33 else 0
                state = rng.choice(["1", "1", "1", "0", "spam"])
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>Reader {comment_id}</wp:comment_author>"
                    f"<wp:comment_author_email>r{comment_id}@example.org</wp:comment_author_email>"
                    f"<wp:comment_author_IP>10.0.{comment_id % 250}.{comment_id % 199}</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>{day} 12:00:00</wp:comment_date_gmt>"
                    f"<wp:comment_content>Comment {comment_id}: thank you, this helped.</wp:comment_content>"
                    f"<wp:comment_approved>{state}</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n"
                )
                comment_id += 1
            out.write("</item>\n")
        if huge_post_mb:
            write_huge_post(out, megabytes=huge_post_mb, post_id=posts + 1)
        out.write("</channel>\n</rss>\n")


# Runs manage.py in this process and reports its peak RSS (KiB) on stderr as it exits: Linux's VmHWM,
# which starts afresh at exec (ru_maxrss would count the process it was started from).
PEAK_WRAPPER = (
    "import atexit, re, runpy, sys\n"
    "peak = lambda: re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]\n"
    "atexit.register(lambda: print(f'peak_rss_kb={peak()}', file=sys.stderr))\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--huge-post-mb", type=int, default=0, help="add one post this many MB long")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-wp-") as scratch:
        scratch = Path(scratch)
        export = scratch / "export.xml"
        started = time.monotonic()
        write_export(export, posts=args.posts, comments=args.comments, huge_post_mb=args.huge_post_mb)
        print(f"export: {export.stat().st_size / 1e6:.1f} MB written in {time.monotonic() - started:.1f} s")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "headache_site.settings_test",
            "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", PEAK_WRAPPER, str(ROOT / "manage.py"), "import_wordpress", str(export)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.monotonic() - started
        peak = int(done.stderr.rsplit("peak_rss_kb=", 1)[1].split()[0]) / 1024
        if done.returncode:
            print(f"import refused the file in {seconds:.1f} s: {done.stderr.split('peak_rss_kb=')[0].strip()}")
        else:
            rates = f"{args.posts / seconds:.0f} posts/s, {args.comments / seconds:.0f} comments/s"
            print(f"import: {seconds:.1f} s ({rates})")
        print(f"peak memory of the import process: {peak:.0f} MB")
        print("target: under 600 s and under 300 MB —", "met" if seconds < 600 and peak < 300 else "NOT met")


if __name__ == "__main__":
    main()
