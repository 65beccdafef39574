import { expect } from '@esm-bundle/chai';
import { engineClient } from '../../widget/engine-client.ts';
import { env, uniqueName } from './tabs.ts';

/** An engine call that fails reaches the tab as an Error with the engine's code (worker/error-wire.ts). */
describe('engine errors across the worker boundary', () => {
  const rejection = async (call: Promise<unknown>): Promise<Error & { code?: unknown }> => {
    try {
      await call;
    } catch (e) {
      return e as Error & { code?: unknown };
    }
    throw new Error('the call did not reject');
  };

  it('keeps the code and message of a refused send, and of an unknown conversation', async () => {
    const { relayUrl } = await env();
    const { api } = await engineClient(uniqueName('errors'));
    const { conversation } = await api.open({ protocol: 'websocket', url: relayUrl, user: 'Eve' }, uniqueName('room'));

    const empty = await rejection(api.send(conversation, '   '));
    expect(empty).to.be.instanceOf(Error);
    expect(empty.code).to.equal('empty');
    expect(empty.message).to.equal('Type a message first.');

    const unknown = await rejection(api.send('no-such-conversation', 'hello'));
    expect(unknown.code).to.equal('unknown-conversation');
    expect(unknown.message).to.not.equal('');
  });
});
