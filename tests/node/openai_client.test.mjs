// The official `openai` client (pinned in package.json) against `localseek serve`: what it parses
// is what the server must send.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

import { startServer, metric } from './server.mjs';

const KEY = 'test-key-123';
const r1 = {
  model: 'r1-scripted',
  reply: '<think>\nThe user said {{last_user}}.\n</think>\n\nHi, glad to help!',
  token_delay_ms: 1,
};

let server;
let client;

before(async () => {
  server = await startServer(r1, ['--api-key', KEY]);
  client = new OpenAI({ apiKey: KEY, baseURL: server.apiURL, maxRetries: 0 });
});

after(async () => {
  const { code } = await server.stop();
  assert.equal(code, 0);
});

test('chat completion with reasoning_content and usage', async () => {
  const r = await client.chat.completions.create({
    model: 'r1-scripted',
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello' }],
  });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.model, 'r1-scripted');
  assert.match(r.id, /^chatcmpl-/);
  const choice = r.choices[0];
  assert.equal(choice.finish_reason, 'stop');
  assert.equal(choice.message.role, 'assistant');
  assert.equal(choice.message.content, 'Hi, glad to help!');
  assert.equal(choice.message.reasoning_content, 'The user said hello.');
  assert.equal(choice.message.reasoning, 'The user said hello.');
  assert.ok(r.usage.prompt_tokens > 0);
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
  assert.equal(typeof r.usage.prompt_tokens_details.cached_tokens, 'number');
});

test('streamed chat: reasoning deltas first, then content, then usage', async () => {
  const stream = await client.chat.completions.create({
    model: 'r1-scripted',
    messages: [{ role: 'user', content: 'stream please' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let reasoning = '';
  let content = '';
  let finish = null;
  let usage = null;
  let order = [];
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) usage = chunk.usage;
    if (chunk.choices.length === 0) continue;
    const d = chunk.choices[0].delta;
    if (d.reasoning_content) { reasoning += d.reasoning_content; order.push('r'); }
    if (d.content) { content += d.content; order.push('c'); }
    if (chunk.choices[0].finish_reason) finish = chunk.choices[0].finish_reason;
  }
  assert.equal(reasoning, 'The user said stream please.');
  assert.equal(content, 'Hi, glad to help!');
  assert.equal(finish, 'stop');
  assert.ok(order.indexOf('c') > order.lastIndexOf('r'), 'all reasoning before any content');
  assert.ok(usage && usage.completion_tokens > 0);
});

test('text completions, plain and streamed', async () => {
  const r = await client.completions.create({ model: 'r1-scripted', prompt: 'abc', max_tokens: 3 });
  assert.equal(r.object, 'text_completion');
  assert.equal(r.choices[0].text, '<think>\nT');
  assert.equal(r.choices[0].finish_reason, 'length');
  assert.equal(r.usage.completion_tokens, 3);

  const stream = await client.completions.create({ model: 'r1-scripted', prompt: 'abc', max_tokens: 200, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
  assert.equal(text, r1.reply.replace('{{last_user}}', 'abc'));
});

test('models list', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.deepEqual(ids, ['r1-scripted']);
  const m = await client.models.retrieve('r1-scripted');
  assert.equal(m.owned_by, 'localseek');
});

test('unknown model is NotFoundError, bad parameter is BadRequestError naming it', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    (e) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found');
  await assert.rejects(
    client.chat.completions.create({ model: 'r1-scripted', messages: [{ role: 'user', content: 'x' }], n: 3 }),
    (e) => e instanceof OpenAI.BadRequestError && e.param === 'n' && e.status === 400);
});

test('wrong key is AuthenticationError', async () => {
  const bad = new OpenAI({ apiKey: 'wrong', baseURL: server.apiURL, maxRetries: 0 });
  await assert.rejects(bad.models.list(), (e) => e instanceof OpenAI.AuthenticationError && e.status === 401);
});

test('embeddings say 501 clearly', async () => {
  await assert.rejects(client.embeddings.create({ model: 'r1-scripted', input: 'x' }),
    (e) => e.status === 501 && /embedding/.test(e.message));
});

test('queue full is RateLimitError; an aborted stream is cancelled on the server', async () => {
  const slow = await startServer({ model: 'slow', reply: 'x'.repeat(400), token_delay_ms: 20 },
                                 ['--parallel', '1', '--queue-max', '0']);
  try {
    const c = new OpenAI({ apiKey: 'unused', baseURL: slow.apiURL, maxRetries: 0 });
    const stream = await c.chat.completions.create({
      model: 'slow', messages: [{ role: 'user', content: 'go' }], stream: true });
    const it = stream[Symbol.asyncIterator]();
    await it.next();  // running now
    await assert.rejects(
      c.chat.completions.create({ model: 'slow', messages: [{ role: 'user', content: 'me too' }] }),
      (e) => e instanceof OpenAI.RateLimitError && e.status === 429 && e.headers.get('retry-after') === '1');
    stream.controller.abort();
    const start = Date.now();
    while ((await metric(slow.baseURL, 'localseek_cancelled_requests_total')) !== 1) {
      assert.ok(Date.now() - start < 3000, 'abort did not cancel the generation');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(await metric(slow.baseURL, 'localseek_queue_rejections_total'), 1);
  } finally {
    const { code } = await slow.stop();
    assert.equal(code, 0);
  }
});

test('SIGTERM drains: a running request finishes, then the process exits 0', async () => {
  // Long enough (about 3 s) that the poll below sees it running even on a slow, busy machine.
  const s = await startServer({ model: 'drain', reply: 'y'.repeat(60), token_delay_ms: 50 });
  const c = new OpenAI({ apiKey: 'unused', baseURL: s.apiURL, maxRetries: 0 });
  const pending = c.chat.completions.create({ model: 'drain', messages: [{ role: 'user', content: 'x' }] });
  const start = Date.now();
  while ((await metric(s.baseURL, 'localseek_requests_running')) !== 1) {
    assert.ok(Date.now() - start < 20000);
    await new Promise((r) => setTimeout(r, 10));
  }
  s.kill('SIGTERM');
  const r = await pending;
  assert.equal(r.choices[0].message.content, 'y'.repeat(60));
  const { code } = await s.exited;
  assert.equal(code, 0);
  await s.stop();
});
