import { expect } from '@esm-bundle/chai';
import { engineClient, EngineStartError } from '../../widget/engine-client.ts';
import { uniqueName } from './tabs.ts';

/**
 * An engine that cannot start is reported, never waited on for ever: the client rejects with
 * code `engine-start` and the cause goes to the console; calling again is a Retry.
 */
describe('engine start failures', () => {
  const RealSharedWorker = window.SharedWorker;
  const realError = console.error;
  let logged: unknown[][] = [];
  beforeEach(() => {
    logged = [];
    console.error = (...args: unknown[]) => void logged.push(args);
  });
  afterEach(() => {
    window.SharedWorker = RealSharedWorker;
    console.error = realError;
  });
  /** Every SharedWorker the page starts runs `script` instead of the engine. */
  const replaceEngine = (script: string | URL) =>
    (window.SharedWorker = class extends RealSharedWorker {
      constructor(_: string | URL, options?: string | WorkerOptions) {
        super(script, options);
      }
    });
  const rejection = async (call: Promise<unknown>) => call.then(() => Promise.reject(new Error('it started')), (e: unknown) => e);

  it('rejects with engine-start when the worker script is missing, and starts on Retry', async () => {
    const name = uniqueName('missing');
    replaceEngine('/no-such-dir/engine.worker.js');
    const error = await rejection(engineClient(name));
    expect(error).to.be.instanceOf(EngineStartError);
    expect((error as EngineStartError).code).to.equal('engine-start');
    expect((error as EngineStartError).message).to.equal('The chat could not start. Check your connection, then try again.');
    expect(String(logged[0]?.[1])).to.match(/engine worker script .* did not load/);

    window.SharedWorker = RealSharedWorker;
    const client = await engineClient(name);
    expect((await client.api.stats()).mode).to.equal('shared');
  });

  it('rejects with engine-start when the engine stays silent past the deadline', async () => {
    replaceEngine(URL.createObjectURL(new Blob(['/* never answers */'], { type: 'text/javascript' })));
    const started = performance.now();
    const error = (await rejection(engineClient(uniqueName('silent'), { startTimeout: 500 }))) as EngineStartError;
    expect(error.code).to.equal('engine-start');
    expect(error.detail).to.equal('The engine did not answer within 500 ms.');
    expect(performance.now() - started).to.be.within(450, 3_000);
  });
});
