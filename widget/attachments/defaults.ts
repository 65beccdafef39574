/**
 * What the paperclip offers and what the widget lets through by default: images, audio, video,
 * PDF and common office and text documents. The syntax of `<input accept>` (HTML §4.10.5.1.18):
 * MIME types, `type/*`, or extensions with their dot. Kept apart from the attachment UI, with
 * `accepts`, so that the element can set the picker and its buttons without loading it.
 */
export const DEFAULT_ACCEPT =
  'image/*,audio/*,video/*,application/pdf,text/plain,text/csv,.pdf,.txt,.csv,.rtf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp';

/** The engine's default largest file (worker/api.ts, EngineOptions.maxFileSize), in bytes: 10 MB. */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

/** Whether `file` matches one item of an accept list, by MIME type, wildcard or extension. */
export function accepts(accept: string, file: { name: string; type: string }): boolean {
  // `audio/webm;codecs=opus` is an `audio/webm`: parameters do not change the kind.
  const type = (file.type.split(';')[0] ?? '').trim().toLowerCase();
  const name = file.name.toLowerCase();
  return accept
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .some((item) => {
      if (!item) return false;
      if (item.startsWith('.')) return name.endsWith(item);
      if (item.endsWith('/*')) return type.startsWith(item.slice(0, -1));
      return type === item;
    });
}
