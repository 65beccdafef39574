/**
 * A second visitor straight on the relay, with a raw WebSocket: what the server really passed
 * on to the room, whatever the engine under test believes it sent.
 */
export interface RelayWatcher {
  /** The text of every `msg` frame, in arrival order (a message shown twice is here twice). */
  texts: string[];
  /** The id of each, in the same order. */
  ids: string[];
  /** Sends `text` to the room as this visitor, as fast as a script can. */
  send(text: string): void;
  close(): void;
}

export async function watchRelay(relayUrl: string, room: string, user = 'Watcher'): Promise<RelayWatcher> {
  const ws = new WebSocket(relayUrl);
  const texts: string[] = [];
  const ids: string[] = [];
  await new Promise<void>((joined, failed) => {
    ws.onerror = () => failed(new Error(`the watcher could not reach ${relayUrl}`));
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', v: 1, user }));
    ws.onmessage = (e) => {
      const frame = JSON.parse(e.data as string) as { type: string; id?: string; text?: string };
      if (frame.type === 'welcome') ws.send(JSON.stringify({ type: 'join', room }));
      if (frame.type === 'joined') joined();
      if (frame.type === 'msg') texts.push(frame.text!), ids.push(frame.id!);
    };
  });
  return {
    texts,
    ids,
    send: (text) => ws.send(JSON.stringify({ type: 'msg', id: crypto.randomUUID(), room, text, ts: Date.now() })),
    close: () => ws.close(),
  };
}
