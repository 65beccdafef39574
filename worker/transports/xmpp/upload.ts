import type { FileInfo, UploadSlot } from '../transport.ts';
import { xml, type Element } from './lib.ts';

/** HTTP File Upload, XEP-0363 (urn:xmpp:http:upload:0). */
const UPLOAD = 'urn:xmpp:http:upload:0';
const DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';
const DISCO_INFO = 'http://jabber.org/protocol/disco#info';

const iq = (type: 'get' | 'set', to: string, child: Element) => xml('iq', { type, to, id: crypto.randomUUID() }, child);

/** Finds the upload service among the server's items (§3) once, then asks it for slots (§4). */
export function upload(request: (iq: Element) => Promise<Element>, domain: string, service?: string) {
  let found: Promise<string> | undefined = service ? Promise.resolve(service) : undefined;

  async function discover(): Promise<string> {
    const items = (await request(iq('get', domain, xml('query', { xmlns: DISCO_ITEMS })))).getChild('query', DISCO_ITEMS);
    for (const item of items?.getChildren('item') ?? []) {
      const jid = item.attrs.jid;
      if (!jid) continue;
      const info = (await request(iq('get', jid, xml('query', { xmlns: DISCO_INFO })))).getChild('query', DISCO_INFO);
      if (info?.getChildren('feature').some((f) => f.attrs.var === UPLOAD)) return jid;
    }
    throw new Error(`${domain} offers no HTTP File Upload (XEP-0363) service`);
  }

  return async (file: FileInfo): Promise<UploadSlot> => {
    found ??= discover().catch((e) => {
      found = undefined;
      throw e;
    });
    const to = await found;
    const answer = await request(
      iq('get', to, xml('request', { xmlns: UPLOAD, filename: file.name, size: String(file.size), 'content-type': file.type || undefined })),
    );
    const slot = answer.getChild('slot', UPLOAD);
    const put = slot?.getChild('put')?.attrs.url;
    const get = slot?.getChild('get')?.attrs.url;
    if (!put || !get) throw new Error(`${to} answered the upload request without a slot`);
    const headers: Record<string, string> = {};
    for (const h of slot!.getChild('put')!.getChildren('header'))
      if (h.attrs.name && ['authorization', 'cookie', 'expires'].includes(h.attrs.name.toLowerCase())) headers[h.attrs.name] = h.text();
    return { put, get, headers };
  };
}
