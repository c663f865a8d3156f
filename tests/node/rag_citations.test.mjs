// Grounded answers through the official `openai` client: knowledge base + a fake web (search
// provider and page on loopback) against `localseek serve` with the scripted engine; the citations
// come back in the response and, when streaming, in a chunk before [DONE].
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import OpenAI from 'openai';

import { startServer } from './server.mjs';

let web;
let webURL;
let server;
let client;

function startFakeWeb() {
  const srv = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/search') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ results: [{ title: 'Bamboo page', url: `${webURL}/bamboo.html`, content: 'bamboo' }] }));
    } else if (url.pathname === '/bamboo.html') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end('<html><head><title>Bamboo</title></head><body><p>Giant pandas eat bamboo shoots and leaves.</p></body></html>');
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

before(async () => {
  web = await startFakeWeb();
  webURL = `http://127.0.0.1:${web.address().port}`;
  server = await startServer(
    { model: 'scripted', reply: '<think>\nChecking [1].\n</think>\n\nPandas eat bamboo [1][2]. Made up [7].' },
    ['--rag-alias', 'localseek-rag=notes+web', '--search-provider', 'searxng', '--search-endpoint', `${webURL}/search`,
     '--web-allow-host', '127.0.0.1']);
  const added = await fetch(`${server.baseURL}/v1/kb/notes/documents`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 'panda', title: 'Pandas', text: 'The giant panda eats bamboo.', source: 'notes/panda.txt' }),
  });
  assert.equal(added.status, 201);
  client = new OpenAI({ apiKey: 'unused', baseURL: server.apiURL, maxRetries: 0 });
});

after(async () => {
  const { code } = await server.stop();
  assert.equal(code, 0);
  await new Promise((resolve) => web.close(resolve));
});

const extension = {
  knowledge: { collections: ['notes'], top_k: 3, mode: 'bm25' },
  web_search: { enabled: true, max_results: 1 },
};

test('the localseek extension grounds the answer and returns citations', async () => {
  const r = await client.chat.completions.create({
    model: 'scripted',
    messages: [{ role: 'user', content: 'What do giant pandas eat?' }],
    localseek: extension,
  });
  assert.equal(r.choices[0].message.content, 'Pandas eat bamboo [1][2]. Made up .');
  assert.equal(r.choices[0].message.reasoning_content, 'Checking [1].');
  assert.equal(r.citations.length, 2);
  assert.deepEqual(r.citations.map((c) => c.n), [1, 2]);
  assert.equal(r.citations[0].collection, 'notes');
  assert.equal(r.citations[0].url_or_source, 'notes/panda.txt');
  assert.equal(r.citations[1].url_or_source, `${webURL}/bamboo.html`);
  assert.match(r.citations[1].snippet, /bamboo shoots/);
  assert.deepEqual(r.warnings, []);
});

test('streaming: citations arrive in one chunk before the stream ends', async () => {
  const stream = await client.chat.completions.create({
    model: 'scripted',
    messages: [{ role: 'user', content: 'What do giant pandas eat?' }],
    localseek: extension,
    stream: true,
  });
  let content = '';
  let citations;
  for await (const chunk of stream) {
    if (chunk.citations) citations = chunk.citations;
    for (const c of chunk.choices) content += c.delta?.content ?? '';
  }
  assert.equal(content, 'Pandas eat bamboo [1][2]. Made up .');
  assert.equal(citations.length, 2);
});

test('a RAG alias is a model and grounds requests without the extension', async () => {
  const models = await client.models.list();
  assert.ok(models.data.some((m) => m.id === 'localseek-rag'));
  const r = await client.chat.completions.create({
    model: 'localseek-rag',
    messages: [{ role: 'user', content: 'giant panda bamboo' }],
  });
  assert.equal(r.citations.length, 2);
});
