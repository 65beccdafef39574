import type { Attachment } from '../../api.ts';
import { xml, type Element } from './lib.ts';

/**
 * What a file is, for XMPP clients that read more than a URL: XEP-0447 (Stateless File
 * Sharing) wrapping XEP-0446 (File Metadata) and a XEP-0264 thumbnail. XEP-0066 OOB, sent beside
 * it (./message.ts), carries only the URL and a description, so a peer would not know a picture
 * from a PDF, nor its size, before fetching it. Parley reads this where a peer sends it, and
 * OOB otherwise (docs/xmpp.md, "Files").
 */
export const SFS = 'urn:xmpp:sfs:0';
const METADATA = 'urn:xmpp:file:metadata:0';
const THUMBS = 'urn:xmpp:thumbs:1';
const URL_DATA = 'http://jabber.org/protocol/url-data';

const text = (name: string, value: string | number | undefined) => (value === undefined || value === '' ? undefined : xml(name, {}, String(value)));

/** XEP-0447 §3: one `<file-sharing/>` per file, its URL as the one source. */
export function fileSharing(a: Attachment): Element {
  const preview = a.preview?.match(/^data:(image\/[a-z]+);/)?.[1];
  return xml(
    'file-sharing',
    { xmlns: SFS, disposition: a.type.startsWith('image/') || a.type.startsWith('video/') || a.type.startsWith('audio/') ? 'inline' : 'attachment' },
    xml(
      'file',
      { xmlns: METADATA },
      text('media-type', a.type),
      text('name', a.name),
      text('size', a.size),
      text('width', a.width),
      text('height', a.height),
      // XEP-0446 §3: the length of audio or video, in milliseconds.
      text('length', a.duration),
      // XEP-0264 §5: a thumbnail by URI; ours is the engine's small data: URL.
      a.preview && preview ? xml('thumbnail', { xmlns: THUMBS, uri: a.preview, 'media-type': preview }) : undefined,
    ),
    xml('sources', {}, xml('url-data', { xmlns: URL_DATA, target: a.url })),
  );
}

const number = (el: Element | undefined, name: string): number | undefined => {
  const value = el?.getChildText(name);
  return value === undefined || value === null || value === '' ? undefined : Number(value);
};

/**
 * The files a message describes with XEP-0447, as raw entries for the attachment schema
 * (worker/transports/attachments.ts), which checks every field; one per URL source.
 */
export function readFileSharing(message: Element): Record<string, unknown>[] {
  return message.getChildren('file-sharing', SFS).flatMap((sharing) => {
    const file = sharing.getChild('file', METADATA);
    const url = sharing.getChild('sources')?.getChild('url-data', URL_DATA)?.attrs.target;
    if (typeof url !== 'string') return [];
    return [
      {
        url,
        name: file?.getChildText('name') || undefined,
        type: file?.getChildText('media-type') || undefined,
        size: number(file, 'size'),
        width: number(file, 'width'),
        height: number(file, 'height'),
        duration: number(file, 'length'),
        preview: file?.getChild('thumbnail', THUMBS)?.attrs.uri,
      },
    ];
  });
}
