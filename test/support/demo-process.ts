import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A demo server started as `npm start` starts it, in its own process, with a fresh data folder. */
export interface DemoProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Everything it printed so far. */
  output(): string;
}

export async function startDemoProcess(script = 'demo/main.ts', env: NodeJS.ProcessEnv = {}, timeout = 20_000): Promise<DemoProcess> {
  const port = 18_000 + Math.floor(Math.random() * 2000);
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, PORT: String(port), PARLEY_DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-e2e-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://localhost:${port}`;
  const end = Date.now() + timeout;
  while (!output.includes(url)) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`${script} did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, url, output: () => output };
}
