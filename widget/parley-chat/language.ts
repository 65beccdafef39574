import { loadStrings, withOverrides, type Strings } from '../i18n/catalogue.ts';
import { whenIdle } from '../controllers/idle.ts';
import { DateFormats } from '../i18n/dates.ts';

/** What the language reads and sets of <parley-chat> (widget/parley-chat/properties.ts). */
export interface LanguageHost {
  readonly lang: string;
  readonly strings: Partial<Strings> | undefined;
  _strings: Strings;
}

/**
 * The element's language: its `lang`, else the page's, else the browser's. Its catalogue, with
 * the `strings` overrides on top, becomes the element's `_strings`, and its date and number
 * formats come with it. Catalogues other than English are chunks of their own, so this waits.
 */
export class Language {
  /** Formats in the language of the strings last loaded. */
  dates = new DateFormats('');
  /** Counts loads: one that finishes after a later one is dropped. */
  #asked = 0;

  constructor(private readonly host: LanguageHost) {}

  /** Call before the first render and when `lang` or `strings` changes. */
  async load(): Promise<void> {
    const lang = this.host.lang || document.documentElement.lang || navigator.language;
    const asked = ++this.#asked;
    const base = await loadStrings(lang);
    // A later change of language may have finished first.
    if (asked !== this.#asked) return;
    const dates = new DateFormats(lang);
    this.dates = dates;
    this.host._strings = withOverrides(base, this.host.strings);
    // The first Intl call in a page is the slow one (widget/i18n/dates.ts): make it in a task of
    // its own while the page waits (for the engine, or for a visitor to open the launcher),
    // rather than in the task that draws the first lines.
    whenIdle(() => dates.prepare());
  }
}
