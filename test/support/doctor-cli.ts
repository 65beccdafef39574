import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `parley doctor <args>` as a user would, in a child process (`node --import tsx
 * cli/parley.ts`), and resolves with its exit code and output once it exits.
 */
export const doctor = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  runNode(['--import', 'tsx', 'cli/parley.ts', 'doctor', ...args], env);

/** Runs `node <args>` from the repository root without blocking this process (which may host the server under test). */
export function runNode(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The line of the text output for one layer (by its title), or undefined. */
export const lineOf = (stdout: string, title: string): string | undefined =>
  stdout.split('\n').find((l) => new RegExp(`^(ok|FAIL|--)\\s+${title}\\s`).test(l));

/** The `fix:` line that follows the failing layer's line. */
export const fixOf = (stdout: string): string | undefined => stdout.match(/^\s+fix: (.*)$/m)?.[1];
