// The official `openai` client's embeddings API against `localseek serve --embedding-model` (the
// shared tiny BERT), plus /v1/rerank with the shared tiny reranker: float and base64 encodings
// must decode to the same vectors, and those must be llama.cpp's (golden), normalised.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';

import { startServer, metric } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const shared = process.env.LOCALSEEK_SHARED ?? path.resolve(here, '../../../shared');
const embedModel = path.join(shared, 'models/tiny-bert-f16.gguf');
const rerankModel = path.join(shared, 'models/tiny-bert-rerank-q8_0.gguf');
const present = existsSync(embedModel) && existsSync(rerankModel);
if (!present && process.env.LOCALSEEK_REQUIRE_SHARED === '1') throw new Error(`missing ${embedModel}`);

let server;
let client;

before(async () => {
  if (!present) return;
  server = await startServer({ model: 'r1-scripted', reply: 'x' },
                             ['--embedding-model', embedModel, '--rerank-model', rerankModel]);
  client = new OpenAI({ apiKey: 'unused', baseURL: server.apiURL, maxRetries: 0 });
});

after(async () => {
  if (!server) return;
  const { code } = await server.stop();
  assert.equal(code, 0);
});

const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

test('embeddings: float and base64 agree and match llama.cpp', { skip: !present && 'shared models missing' }, async () => {
  const golden = JSON.parse(readFileSync(path.join(shared, 'golden/tiny-bert-f16/embeddings.json'), 'utf8'));
  const items = golden.items.slice(0, 3);
  const input = items.map((it) => it.text);
  const asFloat = await client.embeddings.create({ model: 'tiny-bert-f16', input, encoding_format: 'float' });
  assert.equal(asFloat.object, 'list');
  assert.equal(asFloat.data.length, 3);
  assert.equal(asFloat.usage.prompt_tokens, items.reduce((s, it) => s + it.n_tokens, 0));
  // The client's default asks for base64 and decodes it to floats itself.
  const viaBase64 = await client.embeddings.create({ model: 'tiny-bert-f16', input });
  const raw = await client.embeddings.create({ model: 'tiny-bert-f16', input, encoding_format: 'base64' });
  for (let i = 0; i < 3; i++) {
    const v = asFloat.data[i].embedding;
    assert.equal(asFloat.data[i].index, i);
    assert.equal(v.length, 128);
    assert.ok(Math.abs(norm(v) - 1) < 1e-5);
    assert.deepEqual(viaBase64.data[i].embedding, v.map((x) => Math.fround(x)));
    assert.equal(typeof raw.data[i].embedding, 'string');
    const bytes = Buffer.from(raw.data[i].embedding, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, k) => bytes.readFloatLE(4 * k));
    assert.deepEqual(decoded, viaBase64.data[i].embedding);
    let maxDiff = 0;
    v.forEach((x, k) => { maxDiff = Math.max(maxDiff, Math.abs(x - items[i].embedding[k] / items[i].norm)); });
    assert.ok(maxDiff < 1e-3, `item ${i}: max |d| ${maxDiff}`);
  }
  assert.ok(await metric(server.baseURL, 'localseek_embedding_inputs_total') >= 9);
});

test('embeddings: token-id input and errors', { skip: !present && 'shared models missing' }, async () => {
  const ids = await client.embeddings.create({ model: 'tiny-bert-f16', input: [[101, 7592, 102]], encoding_format: 'float' });
  assert.equal(ids.usage.prompt_tokens, 3);
  await assert.rejects(client.embeddings.create({ model: 'tiny-bert-f16', input: 'x', dimensions: 8 }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'dimensions');
  await assert.rejects(client.embeddings.create({ model: 'tiny-bert-f16', input: [] }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'input');
  // A model this server does not serve for embeddings: the SDK's NotFoundError.
  await assert.rejects(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }),
    (e) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found');
});

test('models list: the embedding model and the reranker', { skip: !present && 'shared models missing' }, async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.ok(ids.includes('tiny-bert-f16') && ids.includes('tiny-bert-rerank-q8_0'), ids.join(','));
  const m = await client.models.retrieve('tiny-bert-f16');
  assert.equal(m.object, 'model');
  assert.equal(m.owned_by, 'localseek');
});

test('rerank: sorted results with documents and usage', { skip: !present && 'shared models missing' }, async () => {
  const golden = JSON.parse(readFileSync(path.join(shared, 'golden/tiny-bert-rerank-q8_0/rerank.json'), 'utf8'));
  const r = await fetch(`${server.baseURL}/v1/rerank`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'tiny-bert-rerank-q8_0', query: golden.query, documents: golden.documents, top_n: 2 }),
  });
  assert.equal(r.status, 200);
  const body = await r.json();
  assert.equal(body.results.length, 2);
  assert.equal(body.results[0].index, 4);
  assert.equal(body.results[0].document.text, golden.documents[4]);
  assert.ok(Math.abs(body.results[0].relevance_score - golden.scores[4]) < 0.02);
  assert.ok(body.results[0].relevance_score >= body.results[1].relevance_score);
  assert.ok(body.usage.prompt_tokens > 0);
});
