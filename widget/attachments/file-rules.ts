import type { Strings } from '../i18n/catalogue.ts';
import { accepts, DEFAULT_ACCEPT } from './defaults.ts';
import { formatSize } from './format.ts';

export interface FileRules {
  /** `<input accept>` syntax; empty means the default. */
  accept: string;
  /** Bytes. */
  maxFileSize: number;
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
