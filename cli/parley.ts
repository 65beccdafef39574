#!/usr/bin/env node
/**
 * `parley`: the package's command line. One command so far, `parley doctor`, which checks a
 * chat server layer by layer (docs/doctor.md).
 */
import { formatHeader, formatJson, formatLayer, formatVerdict } from './doctor/format.ts';
import { parseDoctorArgs, USAGE, UsageError } from './doctor/args.ts';
import { runDoctor } from './doctor/run.ts';

/** Exit codes: 0 every layer passed, 1 a layer failed, 2 the command line was wrong. */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command !== 'doctor') {
    process.stderr.write(`parley: unknown command "${command}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  let parsed;
  try {
    parsed = parseDoctorArgs(rest);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`parley doctor: ${e.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const { target, json } = parsed;
  if (!json) console.log(formatHeader(target.url.href, target.protocol));
  const report = await runDoctor(target, (layer) => !json && console.log(formatLayer(layer)));
  console.log(json ? formatJson(report) : formatVerdict(report));
  return report.ok ? EXIT.ok : EXIT.failed;
}

main(process.argv.slice(2)).then(
  (code) => {
    // Sockets the transports leave to close on their own must not hold the answer back.
    process.exitCode = code;
    setTimeout(() => process.exit(code), 200).unref();
  },
  (e: unknown) => {
    process.stderr.write(`parley: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(EXIT.failed);
  },
);
