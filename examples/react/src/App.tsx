import { useState } from 'react';
// Defines <parley-chat>; the types of its props and events come from the package's
// custom-elements.json (parley/react).
import 'parley/define';
import type {} from 'parley/react';
import type { ChatMessage, EngineOptions, StateChange } from 'parley';

/** The relay beside the page (the demo server's), or another one from the query (?server=ws://…). */
const server = new URLSearchParams(location.search).get('server') ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/relay`;
const options: Partial<EngineOptions> = { heartbeatInterval: 20_000 };

export function App() {
  const [state, setState] = useState('idle');
  const [messages, setMessages] = useState<string[]>([]);
  return (
    <main>
      <h1>Parley in React 19</h1>
      <p>
        State: <output id="state">{state}</output>, messages seen by React: <output id="count">{messages.length}</output>
      </p>
      <parley-chat
        server={server}
        room="react"
        user="Rea"
        heading="Support"
        options={options}
        onparley-state={(e) => setState((e as CustomEvent<{ change: StateChange }>).detail.change.to)}
        onparley-message={(e) => setMessages((m) => [...m, (e as CustomEvent<{ message: ChatMessage }>).detail.message.text])}
      />
    </main>
  );
}
