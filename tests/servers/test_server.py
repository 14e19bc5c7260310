#!/usr/bin/env python3
"""test_server.py: the audit tests' own HTTP server, on 127.0.0.1 only.

Binds a free port, prints it on stdout (one line) and serves until killed. Every
request is appended to the --log file as "<unix time> <method> <path> <user agent>"
so tests can assert politeness (request spacing) from the server's side.

Endpoints:
  /robots.txt            User-agent: * / Disallow: /private/ (+ Crawl-delay with
                         --crawl-delay SECONDS)
  /page/N, /privacy.html compliant pages (source label, privacy link, disclaimer)
  /bare                  a page with none of them
  /private/x             disallowed by robots.txt
  /slow                  answers after 5 s (?s=N for N seconds)
  /loop, /loop2          a redirect loop
  /redirect-chain/N      N redirects, then a page
  /huge                  3 MiB of HTML (over the tests' 1 MB cap)
  /bomb                  a gzip bomb: 64 KiB on the wire, 64 MiB inflated
  /retry-after           503 with Retry-After: 1 on the first request, then a page
  /429                   always 429 (no Retry-After)
  /challenge             403 with a bot-challenge page
  /file.pdf              not HTML
  /away/REST             302 to ORIGIN/REST (--away ORIGIN: another origin)
  /page-away-privacy     a page whose privacy link is /away/privacy.html
  /sitemap-pages.xml     a urlset of /page/1 and /page/2
  /sitemap-self.xml      a sitemap index listing itself and /sitemap-pages.xml
  /sitemap-a.xml, -b.xml sitemap indexes listing each other (b also the pages)
  /sitemap-dup.xml       a sitemap index listing /sitemap-pages.xml twice
With --robots-away, /robots.txt is a 302 to ORIGIN/robots.txt. With --headers-log
FILE, every request's path and headers are appended to FILE as one JSON object
a line.
"""
import argparse
import gzip
import io
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = """<!doctype html><html><head><title>{title}</title></head><body><article>
<h1>{title}</h1><p>Story text. Source: Reuters</p>
<p>The information on this site is from external sources that are not under our control.</p>
<a href="/privacy.html">Privacy policy</a></article></body></html>
"""
BARE = "<!doctype html><html><body><p>Nothing here.</p></body></html>\n"
CHALLENGE = ("<!doctype html><html><head><title>Just a moment...</title></head><body>"
             "<p>Checking your browser before accessing the site. Complete the "
             "challenge to continue.</p></body></html>")


def make_bomb():
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9) as gz:
        gz.write(b"<html><body>")
        chunk = b"\0" * (1 << 20)
        for _ in range(64):
            gz.write(chunk)
    return raw.getvalue()


class State:
    lock = threading.Lock()
    counts = {}
    log = None
    crawl_delay = None
    bomb = None
    headers_log = None
    away = None
    robots_away = False


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128   # many parallel connects must not hit the backlog

    def handle_error(self, request, client_address):
        pass   # clients that hang up early (size cap, timeouts) are expected


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep stderr quiet
        pass

    def record(self):
        ua = self.headers.get("User-Agent", "-")
        line = "%.6f %s %s %s\n" % (time.time(), self.command, self.path, ua)
        with State.lock:
            State.counts[self.path] = State.counts.get(self.path, 0) + 1
            if State.log:
                State.log.write(line)
                State.log.flush()
            if State.headers_log:
                State.headers_log.write(json.dumps(
                    {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}) + "\n")
                State.headers_log.flush()
            return State.counts[self.path]

    def send(self, status, body, ctype="text/html; charset=utf-8", headers=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, where):
        self.send(302, "", headers={"Location": where})

    def sitemap(self, path):
        base = "http://" + self.headers.get("Host", "")
        listed = {"/sitemap-self.xml": ["/sitemap-self.xml", "/sitemap-pages.xml"],
                  "/sitemap-a.xml": ["/sitemap-b.xml"],
                  "/sitemap-b.xml": ["/sitemap-a.xml", "/sitemap-pages.xml"],
                  "/sitemap-dup.xml": ["/sitemap-pages.xml", "/sitemap-pages.xml"]}
        if path == "/sitemap-pages.xml":
            kind, tag, locs = "urlset", "url", ["/page/1", "/page/2"]
        elif path in listed:
            kind, tag, locs = "sitemapindex", "sitemap", listed[path]
        else:
            return self.send(404, "not found", "text/plain")
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<%s xmlns='
                '"http://www.sitemaps.org/schemas/sitemap/0.9">\n' % kind)
        body += "".join("<%s><loc>%s%s</loc></%s>\n" % (tag, base, l, tag) for l in locs)
        return self.send(200, body + "</%s>\n" % kind, "application/xml")

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        n = self.record()
        path, _, query = self.path.partition("?")
        if path == "/robots.txt" and State.robots_away:
            return self.redirect(State.away + "/robots.txt")
        if path.startswith("/away/"):
            return self.redirect(State.away + self.path[len("/away"):])
        if path == "/page-away-privacy":
            return self.send(200, PAGE.format(title="away").replace(
                "/privacy.html", "/away/privacy.html"))
        if path.startswith("/sitemap-"):
            return self.sitemap(path)
        if path == "/robots.txt":
            text = "User-agent: *\nDisallow: /private/\n"
            if State.crawl_delay:
                text += "Crawl-delay: %s\n" % State.crawl_delay
            return self.send(200, text, "text/plain")
        if path.startswith("/page/") or path == "/privacy.html":
            return self.send(200, PAGE.format(title=path))
        if path == "/bare":
            return self.send(200, BARE)
        if path.startswith("/private/"):
            return self.send(200, PAGE.format(title="private"))
        if path == "/slow":
            secs = float(query[2:]) if query.startswith("s=") else 5.0
            time.sleep(secs)
            return self.send(200, PAGE.format(title="slow"))
        if path == "/loop":
            return self.redirect("/loop2")
        if path == "/loop2":
            return self.redirect("/loop")
        if path.startswith("/redirect-chain/"):
            left = int(path.rsplit("/", 1)[1])
            if left <= 0:
                return self.send(200, PAGE.format(title="end of chain"))
            return self.redirect("/redirect-chain/%d" % (left - 1))
        if path == "/huge":
            return self.send(200, "<html><body>" + "x" * (3 << 20) + "</body></html>")
        if path == "/bomb":
            return self.send(200, State.bomb, headers={"Content-Encoding": "gzip"})
        if path.startswith("/retry-after"):
            if n == 1:
                return self.send(503, "busy", "text/plain", {"Retry-After": "1"})
            return self.send(200, PAGE.format(title="after retry"))
        if path == "/429":
            return self.send(429, "slow down", "text/plain")
        if path == "/challenge":
            return self.send(403, CHALLENGE)
        if path == "/file.pdf":
            return self.send(200, b"%PDF-1.4\n", "application/pdf")
        return self.send(404, "<html><body>not found</body></html>")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", help="append one line per request here")
    ap.add_argument("--crawl-delay", help="Crawl-delay for robots.txt")
    ap.add_argument("--headers-log", help="append each request's headers here (JSON lines)")
    ap.add_argument("--away", help="the origin /away/ redirects to")
    ap.add_argument("--robots-away", action="store_true",
                    help="/robots.txt redirects to the --away origin")
    args = ap.parse_args()
    State.headers_log = open(args.headers_log, "a") if args.headers_log else None
    State.away = args.away
    State.robots_away = args.robots_away
    State.log = open(args.log, "a") if args.log else None
    State.crawl_delay = args.crawl_delay
    State.bomb = make_bomb()
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
