// logprobs / top_logprobs from the real engine (the small trained scifact model with the R1 chat
// template, on serve's default continuous-batching backend) as the official client parses them:
// chat's logprobs.content[] and the legacy completions arrays, streamed and not, alone and batched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';

import { startEngineServer, sharedDir } from './server.mjs';

const modelPath = path.join(sharedDir, 'models/scifact-lm-q8_0.gguf');
const templatePath = path.join(sharedDir, 'templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja');
const missing = !existsSync(modelPath) || !existsSync(templatePath);
if (missing && process.env.LOCALSEEK_REQUIRE_SHARED === '1') throw new Error(`shared test assets missing under ${sharedDir}`);

let server;
let client;

before(async () => {
  if (missing) return;
  // serve's default engine: continuous batching (BatchBackend), with two slots.
  server = await startEngineServer(modelPath, ['--chat-template', templatePath, '--parallel', '2']);
  client = new OpenAI({ apiKey: 'unused', baseURL: server.apiURL, maxRetries: 0 });
});

after(async () => {
  if (server) assert.equal((await server.stop()).code, 0);
});

const ask = { model: 'scifact-lm-q8_0', messages: [{ role: 'user', content: 'What causes fever?' }],
              max_tokens: 5, temperature: 0, logprobs: true, top_logprobs: 3 };

function checkChatToken(t) {
  assert.equal(typeof t.token, 'string');
  assert.ok(t.logprob <= 0 && Number.isFinite(t.logprob));
  assert.deepEqual(t.bytes, [...Buffer.from(t.token, 'utf8')]);
  assert.equal(t.top_logprobs.length, 3);
  // Greedy: the chosen token is the most likely one.
  assert.equal(t.top_logprobs[0].token, t.token);
  assert.equal(t.top_logprobs[0].logprob, t.logprob);
  for (let k = 1; k < 3; k++) assert.ok(t.top_logprobs[k].logprob <= t.top_logprobs[k - 1].logprob);
  for (const alt of t.top_logprobs) assert.ok(Array.isArray(alt.bytes));
}

test('chat: logprobs.content[] per token with top_logprobs', { skip: missing && 'shared model absent' }, async () => {
  const r = await client.chat.completions.create(ask);
  const content = r.choices[0].logprobs.content;
  assert.equal(content.length, r.usage.completion_tokens);
  content.forEach(checkChatToken);

  const stream = await client.chat.completions.create({ ...ask, stream: true });
  const streamed = [];
  for await (const chunk of stream) streamed.push(...(chunk.choices[0]?.logprobs?.content ?? []));
  assert.deepEqual(streamed.map((t) => t.token), content.map((t) => t.token));
  streamed.forEach(checkChatToken);

  // Batched with another request (both slots busy): the same tokens and log-probabilities.
  const [a, b] = await Promise.all([client.chat.completions.create(ask),
                                    client.chat.completions.create({ ...ask, messages: [{ role: 'user', content: 'What lowers insulin?' }] })]);
  assert.deepEqual(a.choices[0].logprobs.content, content);
  b.choices[0].logprobs.content.forEach(checkChatToken);
});

test('completions: legacy logprobs arrays', { skip: missing && 'shared model absent' }, async () => {
  const req = { model: 'scifact-lm-q8_0', prompt: 'Fever is', max_tokens: 4, temperature: 0, logprobs: 2 };
  const r = await client.completions.create(req);
  const lp = r.choices[0].logprobs;
  assert.equal(lp.tokens.length, 4);
  assert.equal(lp.token_logprobs.length, 4);
  assert.equal(lp.tokens.join(''), r.choices[0].text);
  lp.top_logprobs.forEach((top, i) => {
    assert.equal(Object.keys(top).length, 2);
    assert.equal(top[lp.tokens[i]], lp.token_logprobs[i]);
  });
  assert.deepEqual(lp.text_offset, lp.tokens.map((_, i) => lp.tokens.slice(0, i).join('').length));

  const stream = await client.completions.create({ ...req, stream: true });
  const tokens = [];
  for await (const chunk of stream) tokens.push(...(chunk.choices[0]?.logprobs?.tokens ?? []));
  assert.deepEqual(tokens, lp.tokens);
});
