import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionConfig } from '../../worker/api.ts';
import { withSettings } from '../../worker/link-settings.ts';

/** The rules of Connection.update: which settings win, and when the link must be made again. */
const link: ConnectionConfig = { protocol: 'websocket', url: 'ws://relay', user: 'ann-id', name: 'Ann', password: 'secret', signature: 'sig' };

describe('a widget\'s settings over the link\'s', () => {
  it('keeps every setting a page leaves unset, null or empty', () => {
    assert.equal(withSettings(link, {}), undefined);
    assert.equal(withSettings(link, { name: '', password: '', signature: '' }), undefined);
    const fromLit = { name: null, nickname: null, password: null, signature: null } as unknown as ConnectionConfig;
    assert.equal(withSettings(link, fromLit), undefined);
    assert.equal(withSettings(link, { name: 'Ann', password: 'secret' }), undefined, 'the same values change nothing');
  });

  it('takes a new token without making the link again', () => {
    const merged = withSettings(link, { password: 'renewed' });
    assert.deepEqual(merged, { config: { ...link, password: 'renewed' }, renamed: false });
  });

  it('makes the link again for a new name only where the protocol shows that name', () => {
    assert.equal(withSettings(link, { name: 'Ann Lee' }, 'name')?.renamed, true);
    assert.equal(withSettings(link, { nickname: 'annie' }, 'name')?.renamed, false, 'a relay shows no nickname');
    assert.equal(withSettings(link, { nickname: 'annie' }, 'nickname')?.renamed, true);
    assert.equal(withSettings(link, { name: 'Ann Lee' }, 'nickname')?.renamed, false, 'an XMPP room shows no display name');
    // Before the protocol's chunk is loaded, either name counts.
    assert.equal(withSettings(link, { nickname: 'annie' })?.renamed, true);
    assert.equal(withSettings(link, { name: 'Ann Lee', password: 'renewed' }, 'name')?.config.password, 'renewed');
  });
});
