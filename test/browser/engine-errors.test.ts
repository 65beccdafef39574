import { expect } from '@esm-bundle/chai';
import { engineClient } from '../../widget/engine-client.ts';
import { env, uniqueName, waitFor } from './tabs.ts';

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

  it('refuses a message id that is malformed or names another sender\'s message, and sends nothing', async () => {
    const { relayUrl } = await env();
    const room = uniqueName('room');
    const eve = (await engineClient(uniqueName('errors'))).api;
    const mal = (await engineClient(uniqueName('errors'))).api;
    const { conversation } = await eve.open({ protocol: 'websocket', url: relayUrl, user: 'Eve' }, room);
    const malsRoom = (await mal.open({ protocol: 'websocket', url: relayUrl, user: 'Mal' }, room)).conversation;
    for (const id of ['', 'two words', 'x'.repeat(101), '<é>']) {
      const bad = await rejection(eve.send(conversation, 'hello', { id }));
      expect([bad.code, bad.message], JSON.stringify(id)).to.deep.equal(['bad-id', 'A message id must be 1 to 100 visible ASCII characters, such as crypto.randomUUID() makes.']);
    }
    const theirs = await mal.send(malsRoom, 'mine');
    await waitFor(async () => (await eve.history(conversation)).messages.some((m) => m.id === theirs.id), 10_000, 'Mal\'s message at Eve');
    const taken = await rejection(eve.send(conversation, 'not yours', { id: theirs.id }));
    expect([taken.code, taken.message]).to.deep.equal(['bad-id', `The message id "${theirs.id}" is taken by a message from Mal.`]);
    expect((await eve.history(conversation)).messages.map((m) => m.text), 'nothing of Eve\'s stored').to.deep.equal(['mine']);
  });
});
