import { expect } from '@esm-bundle/chai';
import type { ParleyChat } from '../../widget/parley-chat.ts';
import { waitFor, type Tab } from './tabs.ts';

/**
 * What the XSS tests (test/browser/xss-*.test.ts) assert of a widget that has shown hostile
 * text: nothing ran, no dangerous URL reached an attribute that loads or navigates, nothing
 * from the text became an element, and the text reads as it was sent.
 */

type Hooked = Window & { __xss?: unknown; __xssCalls?: string[] };

/** Arms the hook in the tab's window and ours: `__xss` stays unset, and `alert` & co. only record. */
export function armHook(tab: Tab): void {
  for (const w of [window, tab.frame.contentWindow!] as Hooked[]) {
    w.__xss = undefined;
    w.__xssCalls = [];
    for (const name of ['alert', 'confirm', 'prompt', 'print'] as const)
      (w as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => void w.__xssCalls!.push(`${name}(${args.join()})`);
  }
}

/** What ran, in the tab's window or ours; empty if nothing did. */
export function ran(tab: Tab): string[] {
  return ([window, tab.frame.contentWindow!] as Hooked[]).flatMap((w) => [...(w.__xss === undefined ? [] : [`__xss=${String(w.__xss)}`]), ...(w.__xssCalls ?? [])]);
}

/** Every element under `root`, through nested shadow roots. */
function* walk(root: ParentNode): Generator<Element> {
  for (const el of root.querySelectorAll('*')) {
    yield el;
    if (el.shadowRoot) yield* walk(el.shadowRoot);
  }
}

/** `el` and everything under it, through shadow roots. */
const within = (el: Element): Element[] => [el, ...walk(el), ...(el.shadowRoot ? walk(el.shadowRoot) : [])];

const URL_ATTRIBUTES = new Set(['src', 'href', 'xlink:href', 'action', 'formaction', 'poster', 'data', 'background', 'srcset', 'ping', 'codebase', 'cite']);
/** Elements that the widget never draws, so one in its DOM came from a message. */
const FOREIGN = new Set(['script', 'iframe', 'object', 'embed', 'math', 'foreignobject', 'noscript', 'base', 'meta', 'link', 'xmp', 'marquee', 'template', 'body', 'animate', 'mglyph', 'mtext', 'xss', 'maction']);
/** Elements the widget draws elsewhere (the composer's form), but never in a message. */
const NOT_IN_A_MESSAGE = new Set(['form', 'input', 'textarea', 'details', 'table', 'b', 'i', 'source', 'style', 'title', 'p']);
/** The widget's own origin: a blob: URL of it is one the engine or offline cache made. */
const safeUrl = (value: string, origin: string): boolean =>
  /^(https?:|mailto:)/i.test(value.trim()) ||
  value.startsWith(`blob:${origin}/`) ||
  /^data:image\/(?:png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/.test(value);

/** Each attribute or element that should not be there, described. */
export function unsafe(chat: ParleyChat): string[] {
  const problems: string[] = [];
  const origin = chat.ownerDocument.defaultView!.location.origin;
  for (const el of walk(chat.shadowRoot!)) {
    const tag = el.localName.toLowerCase();
    if (FOREIGN.has(tag)) problems.push(`<${tag}> element`);
    if (NOT_IN_A_MESSAGE.has(tag) && el.closest('[role="listitem"]')) problems.push(`<${tag}> in a message`);
    for (const { name, value } of el.attributes) {
      if (name.startsWith('on')) problems.push(`<${tag} ${name}>`);
      if (name === 'srcdoc' || name === 'style' && /url\(|expression|@import/i.test(value)) problems.push(`<${tag} ${name}="${value.slice(0, 60)}">`);
      if (URL_ATTRIBUTES.has(name) && !safeUrl(value, origin)) problems.push(`<${tag} ${name}="${value.slice(0, 60)}">`);
    }
  }
  return problems;
}

/** Line ends as XML and HTML read them. */
export const normal = (s: string): string => s.replace(/\r\n?/g, '\n');

export interface Expected {
  id: string;
  text?: string;
  /** The sender name shown. */
  name?: string;
  /** The names of its files, as shown. */
  files?: string[];
}

/** Waits for the message's row, then checks what it reads and that nothing in the widget is unsafe. */
export async function checkRow(tab: Tab, e: Expected, what: string): Promise<void> {
  const root = tab.chat.shadowRoot!;
  // The list draws only the rows in view, and stays where it is once scrolled away from the end.
  const row = await waitFor(() => {
    for (const el of walk(root)) if (el.scrollHeight > el.clientHeight + 1) el.scrollTop = el.scrollHeight;
    return root.querySelector<HTMLElement>(`[data-id="${CSS.escape(e.id)}"]`);
  }, 10_000, `the row of ${what}`).catch((error) => {
    throw new Error(`${error.message}; the widget holds ${tab.chat.messages.some((m) => m.id === e.id) ? 'it' : 'no such message'}`);
  });
  if (e.text !== undefined) expect(normal(row.querySelector('.text')?.textContent ?? ''), `${what}: the text, as text`).to.equal(normal(e.text));
  if (e.name !== undefined) expect(row.querySelector('.from')?.textContent, `${what}: the sender's name, as text`).to.equal(e.name);
  // The attachments module loads on first use (widget/parley-chat/attachments-link.ts).
  const fileNames = () => within(row).filter((n) => n.matches('.att-name, .att [dir="auto"]')).map((n) => normal(n.textContent ?? ''));
  for (const name of e.files ?? [])
    await waitFor(() => fileNames().includes(normal(name)), 5_000, `${what}: the file's name, as text`).catch((error) => {
      throw new Error(`${error.message}: ${JSON.stringify(fileNames())}`);
    });
  expect(unsafe(tab.chat), `${what}: nothing unsafe in the widget`).to.deep.equal([]);
  expect(ran(tab), `${what}: nothing ran`).to.deep.equal([]);
}
