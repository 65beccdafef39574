import type { Strings } from '../i18n/catalogue.ts';
import { DEFAULT_ACCEPT } from './defaults.ts';
import { formatSize } from './format.ts';

export interface FileRules {
  /** `<input accept>` syntax; empty means the default. */
  accept: string;
  /** Bytes. */
  maxFileSize: number;
}

/** Whether `file` matches one item of an accept list, by MIME type, wildcard or extension. */
export function accepts(accept: string, file: { name: string; type: string }): boolean {
  const type = file.type.toLowerCase();
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

/**
 * Why `file` cannot be sent, worded for the visitor and naming the limit, or undefined if it
 * can. Checked here, before any byte is uploaded.
 */
export function refusal(file: File, rules: FileRules, strings: Strings, locale: string | undefined): string | undefined {
  const accept = rules.accept.trim() || DEFAULT_ACCEPT;
  if (!accepts(accept, file)) return strings.refusedType(file.name, rules.accept.trim() ? rules.accept.split(',').map((s) => s.trim()).join(', ') : strings.acceptedDefault);
  if (file.size > rules.maxFileSize) return strings.tooLarge(file.name, formatSize(rules.maxFileSize, locale));
  return undefined;
}
