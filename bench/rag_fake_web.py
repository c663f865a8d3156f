#!/usr/bin/env python3
"""Fake web for bench/rag_ttft.sh: a SearXNG-style JSON search endpoint and HTML pages made from a
BEIR corpus, on loopback. /search?q=...&format=json answers the 5 documents sharing the most words
with the query (titles + first words as snippets, URLs pointing back here); /page/<id> serves the
document as an HTML article, after PAGE_DELAY_MS.
usage: rag_fake_web.py PORT CORPUS.jsonl [PAGE_DELAY_MS]"""
import html
import json
import re
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, corpus_path = int(sys.argv[1]), sys.argv[2]
delay = float(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0.0
docs = {}
words = {}
with open(corpus_path, encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        docs[d["_id"]] = d
        words[d["_id"]] = set(re.findall(r"\w+", (d.get("title", "") + " " + d["text"]).lower()))


class Handler(BaseHTTPRequestHandler):
    def send(self, status, ctype, body):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/search":
            q = urllib.parse.parse_qs(url.query).get("q", [""])[0]
            qw = set(re.findall(r"\w+", q.lower()))
            best = sorted(docs, key=lambda i: (-len(qw & words[i]), i))[:5]
            base = "http://127.0.0.1:%d" % port
            results = [{"url": "%s/page/%s" % (base, urllib.parse.quote(i)), "title": docs[i].get("title", i),
                        "content": docs[i]["text"][:160]} for i in best]
            self.send(200, "application/json", json.dumps({"query": q, "results": results}))
        elif url.path.startswith("/page/"):
            d = docs.get(urllib.parse.unquote(url.path[len("/page/"):]))
            if d is None:
                self.send(404, "text/plain", "not found")
                return
            time.sleep(delay)
            t = html.escape(d.get("title", ""))
            self.send(200, "text/html; charset=utf-8",
                      "<!doctype html><html><head><title>%s</title></head><body><nav>Home | About</nav>"
                      "<article><h1>%s</h1><p>%s</p></article><footer>fake web</footer></body></html>"
                      % (t, t, html.escape(d["text"])))
        else:
            self.send(404, "text/plain", "not found")

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
