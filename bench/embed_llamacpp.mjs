// llama.cpp's embedding speed through node-llama-cpp, for bench/embed.sh: embeds each line of a
// file (one sequence per evaluation, as node-llama-cpp's embedding context does) and prints
// {"texts", "seconds", "texts_per_s"}. Usage: node embed_llamacpp.mjs NODE_DIR MODEL TEXTS THREADS
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [nodeDir, modelPath, textsPath, threadsArg] = process.argv.slice(2);
const threads = Number(threadsArg ?? 2);
const entry = path.join(nodeDir, 'node_modules/node-llama-cpp/dist/index.js');
const { getLlama } = await import(pathToFileURL(entry).href);
const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error', maxThreads: threads });
const model = await llama.loadModel({ modelPath });
const ctx = await model.createEmbeddingContext({ contextSize: 512, batchSize: 512, threads });
const texts = readFileSync(textsPath, 'utf8').split('\n').filter((l) => l.length > 0);
await ctx.getEmbeddingFor(texts[0]);  // warm-up
const t0 = performance.now();
for (const t of texts) await ctx.getEmbeddingFor(t);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ texts: texts.length, seconds, texts_per_s: texts.length / seconds }));
