import { en, type Strings } from './en.ts';

export type { Strings };

/**
 * Languages other than English, each a module loaded on demand so that a page in English never
 * downloads them. Keyed by the primary subtag of a BCP 47 tag (`fr` for `fr-CA`).
 */
const LOADERS: Record<string, () => Promise<Strings>> = {
  fr: async () => (await import('./fr.ts')).fr,
};

/** The catalogue for `lang`, falling back to English for a language not shipped. */
export async function loadStrings(lang: string): Promise<Strings> {
  const primary = lang.toLowerCase().split('-')[0] ?? '';
  const load = LOADERS[primary];
  return load ? load() : en;
}

/** A catalogue with a page's overrides on top; a nested `status` override merges too. */
export function withOverrides(base: Strings, overrides: Partial<Strings> | undefined): Strings {
  if (!overrides) return base;
  return { ...base, ...overrides, status: { ...base.status, ...overrides.status }, health: { ...base.health, ...overrides.health } };
}

export { en };
