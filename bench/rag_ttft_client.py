#!/usr/bin/env python3
"""Client of bench/rag_ttft.sh: streams grounded chat completions from `localseek serve` and times
the first token, with the knowledge base only and with web search too; per request the RAG stage
times are the change of localseek_rag_stage_seconds_sum{stage} on /metrics, and prompt tokens the
change of localseek_prompt_tokens_total.
usage: rag_ttft_client.py PORT QUERIES.jsonl N TOP_K"""
import http.client
import json
import math
import re
import sys
import time

port, queries_path, n, top_k = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(queries_path, encoding="utf-8") as f:
    pool = [json.loads(line)["text"] for line in f]
# Questions spread over the set (its consecutive questions share a paragraph, so their prompts
# would share a prefix the server's cache reuses); each setting gets its own questions.
stride = max(1, len(pool) // (2 * n + 1))
spread = [pool[(k * stride) % len(pool)] for k in range(2 * n + 1)]
warmup, sets = spread[0], {False: spread[1::2], True: spread[2::2]}

STAGES = ["retrieve", "search", "fetch", "rerank"]


def served_model():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", "/v1/models")
    return json.loads(c.getresponse().read())["data"][0]["id"]


MODEL = served_model()


def metrics():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    out = {}
    for s in STAGES:
        m = re.search(r'^localseek_rag_stage_seconds_sum\{stage="%s"\} (\S+)$' % s, text, re.M)
        out[s] = float(m.group(1)) if m else 0.0
    for key, name in (("prompt_tokens", "localseek_prompt_tokens_total"),
                      ("cached_tokens", "localseek_cached_prompt_tokens_total")):
        m = re.search(r"^%s (\S+)$" % name, text, re.M)
        out[key] = float(m.group(1)) if m else 0.0
    return out


def ttft(question, web):
    body = {"model": MODEL, "stream": True, "max_tokens": 4, "temperature": 0,
            "messages": [{"role": "user", "content": question}],
            "localseek": {"knowledge": {"collections": ["bench"], "top_k": top_k},
                          "web_search": {"enabled": web, "max_results": 5}}}
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t0 = time.perf_counter()
    c.request("POST", "/v1/chat/completions", json.dumps(body), {"Content-Type": "application/json"})
    r = c.getresponse()
    if r.status != 200:
        raise SystemExit("HTTP %d: %s" % (r.status, r.read()[:300]))
    first = None
    for raw in r:
        line = raw.decode("utf-8", "replace").strip()
        if not line.startswith("data:") or line == "data: [DONE]":
            continue
        ev = json.loads(line[5:])
        ch = ev.get("choices") or []
        if ch and first is None:
            d = ch[0].get("delta", {})
            if d.get("content") or d.get("reasoning_content") or ch[0].get("finish_reason"):
                first = time.perf_counter() - t0
    r.read()
    c.close()
    return first


def pct(xs, p):
    xs = sorted(xs)
    return xs[max(0, math.ceil(p / 100 * len(xs)) - 1)]


ttft(warmup, False)  # warm-up: page the model in
rows = []
for label, web in (("knowledge base", False), ("knowledge base + web", True)):
    samples = []
    for q in sets[web]:
        before = metrics()
        t = ttft(q, web)
        after = metrics()
        st = {s: after[s] - before[s] for s in STAGES}
        st["ttft"] = t
        st["prompt_tokens"] = after["prompt_tokens"] - before["prompt_tokens"]
        st["cached_tokens"] = after["cached_tokens"] - before["cached_tokens"]
        st["prefill"] = t - sum(st[s] for s in STAGES)
        samples.append(st)
        print("  %-21s ttft %.3f s, %d prompt tokens (%d cached), stages (s) %s" %
              (label, t, st["prompt_tokens"], st["cached_tokens"],
               " ".join("%s %.4f" % (k, st[k]) for k in STAGES)), file=sys.stderr)
    rows.append((label, samples))

ms = lambda x: "%.0f" % (1000 * x)
ms1 = lambda x: "%.1f" % (1000 * x)
head = ["setting", "n", "TTFT p50 ms", "TTFT p99 ms", "retrieve p50", "search p50", "fetch p50", "rerank p50",
        "prefill p50", "prompt tok", "cached"]
table = [head]
for label, s in rows:
    col = lambda k: [x[k] for x in s]
    table.append([label, str(len(s)), ms(pct(col("ttft"), 50)), ms(pct(col("ttft"), 99)),
                  ms1(pct(col("retrieve"), 50)), ms1(pct(col("search"), 50)), ms1(pct(col("fetch"), 50)),
                  ms1(pct(col("rerank"), 50)), ms(pct(col("prefill"), 50)),
                  "%.0f" % (sum(col("prompt_tokens")) / len(s)), "%.0f" % (sum(col("cached_tokens")) / len(s))])
widths = [max(len(r[i]) for r in table) for i in range(len(head))]
for r in table:
    print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
print("(stage columns in ms; prefill = TTFT - stages: prompt evaluation + request overhead; prompt tok and "
      "cached: means per request)")
