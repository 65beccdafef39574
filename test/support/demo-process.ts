import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/** A demo server started as `npm start` starts it, in its own process, with a fresh data folder. */
export interface DemoProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** Everything it printed so far. */
  output(): string;
}

/**
 * Starts `script` on `env.PORT` (default: a free port) and resolves once it prints its URL;
 * fails if it exits first or prints nothing of the kind within `timeout` ms. `env` is added to
 * this process's.
 */
export async function startDemoProcess(script = 'demo/main.ts', env: NodeJS.ProcessEnv = {}, timeout = 20_000): Promise<DemoProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, PARLEY_DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-e2e-')), ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = `http://localhost:${port}`;
  await new Promise<void>((started, failed) => {
    const timer = setTimeout(() => failed(new Error(`${script} did not start in ${timeout} ms: ${output}`)), timeout);
    const read = (data: Buffer) => {
      output += data;
      if (output.includes(url)) clearTimeout(timer), started();
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => (clearTimeout(timer), failed(new Error(`${script} exited (${code}) before it started: ${output}`))));
  });
  return { child, port, url, output: () => output };
}
