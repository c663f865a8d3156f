// Starts `localseek serve` (the scripted engine, or the real one on a shared model) on a free
// loopback port and stops it again.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const binary = process.env.LOCALSEEK_BINARY ?? path.resolve(here, '../../build/localseek');

// The read-only test assets (models, templates): LOCALSEEK_SHARED, else the directory the build
// was configured with (ctest passes it), else ../shared beside the checkout.
export const sharedDir = process.env.LOCALSEEK_SHARED ?? process.env.LOCALSEEK_SHARED_DEFAULT ??
  path.resolve(here, '../../../shared');

export async function startServer(script, extraArgs = []) {
  const dir = mkdtempSync(path.join(tmpdir(), 'localseek-node-'));
  const scriptPath = path.join(dir, 'script.json');
  writeFileSync(scriptPath, JSON.stringify(script));
  return spawnServer(dir, ['--backend', `scripted:${scriptPath}`, ...extraArgs]);
}

// The CPU engine on a GGUF file (small shared models load in well under a second).
export async function startEngineServer(modelPath, extraArgs = []) {
  const dir = mkdtempSync(path.join(tmpdir(), 'localseek-node-'));
  return spawnServer(dir, ['-m', modelPath, '-t', '2', ...extraArgs]);
}

async function spawnServer(dir, args) {
  const proc = spawn(binary, ['serve', '--port', '0', '--data', path.join(dir, 'kb'), ...args],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${stderr}`)), 10000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`server exited (${code}): ${stderr}`)); });
  });
  const baseURL = `http://127.0.0.1:${port}`;
  return {
    port,
    baseURL,
    apiURL: `${baseURL}/v1`,
    exited,
    // SIGTERM: the server drains and must exit 0.
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const result = await exited;
      rmSync(dir, { recursive: true, force: true });
      return result;
    },
    kill(signal) { proc.kill(signal); },
  };
}

export async function metric(baseURL, name) {
  const text = await (await fetch(`${baseURL}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}
