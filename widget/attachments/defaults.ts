/**
 * What the paperclip offers and what the widget lets through by default: images, audio, video,
 * PDF and common office and text documents. The syntax of `<input accept>` (HTML §4.10.5.1.18):
 * MIME types, `type/*`, or extensions with their dot. Kept apart from the attachment UI so
 * that the element can set the picker's `accept` without loading it.
 */
export const DEFAULT_ACCEPT =
  'image/*,audio/*,video/*,application/pdf,text/plain,text/csv,.pdf,.txt,.csv,.rtf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp';

/** The engine's default largest file (worker/api.ts, EngineOptions.maxFileSize), in bytes: 10 MB. */
export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
