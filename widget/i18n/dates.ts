import type { Strings } from './en.ts';

/** ECMAScript's time value range (ECMA-262 §21.4.1.1): outside it, `new Date` is invalid. */
const MAX_TIME = 8.64e15;

/** A usable timestamp in ms, or undefined for anything a Date cannot hold. */
export const validTime = (ts: unknown): number | undefined =>
  typeof ts === 'number' && Number.isFinite(ts) && Math.abs(ts) <= MAX_TIME ? ts : undefined;

/** Local calendar day, as a key that sorts and compares. */
export const dayKey = (ts: number): string => {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
};

/** What each date format shows. */
const STYLES = {
  time: { timeStyle: 'short' },
  full: { dateStyle: 'full', timeStyle: 'medium' },
  day: { weekday: 'long', day: 'numeric', month: 'long' },
  dayWithYear: { dateStyle: 'long' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

/** `lang` if Intl knows it, else undefined: the browser's own locale. */
function supported(lang: string): string | undefined {
  try {
    return lang && Intl.DateTimeFormat.supportedLocalesOf([lang]).length ? lang : undefined;
  } catch {
    // Not a BCP 47 tag (a page's lang="english"): the browser's own locale is the best guess.
    return undefined;
  }
}

/**
 * Dates and times in the visitor's language, through Intl. One instance per language.
 *
 * Each format is made the first time it is used: the first Intl call in a page loads the
 * browser's locale data, which took 35 to 70 ms of the main thread here, and a launcher whose
 * panel is not drawn yet (or an element whose language is still loading) needs none.
 */
export class DateFormats {
  #locale?: { tag: string | undefined };
  readonly #dates = new Map<keyof typeof STYLES, Intl.DateTimeFormat>();
  #numbers?: Intl.NumberFormat;

  constructor(private readonly lang: string) {}

  /** The language as Intl takes it; undefined for the browser's own. */
  get locale(): string | undefined {
    this.#locale ??= { tag: supported(this.lang) };
    return this.#locale.tag;
  }

  time = (ts: number): string => this.#format('time').format(ts);
  full = (ts: number): string => this.#format('full').format(ts);

  /** "Today", "Yesterday", else the date; the year only when it is not this year. */
  day(ts: number, now: number, strings: Strings): string {
    if (dayKey(ts) === dayKey(now)) return strings.today;
    if (dayKey(ts) === dayKey(now - 86_400_000)) return strings.yesterday;
    return this.#format(new Date(ts).getFullYear() === new Date(now).getFullYear() ? 'day' : 'dayWithYear').format(ts);
  }

  /** Makes the formats every line of the list uses, ahead of the first line (see the class). */
  prepare(): void {
    this.#format('time');
    this.#format('full');
  }

  /** A count in the visitor's digits and grouping ("10 000" in French). */
  number = (n: number): string => (this.#numbers ??= new Intl.NumberFormat(this.locale)).format(n);

  #format(style: keyof typeof STYLES): Intl.DateTimeFormat {
    let format = this.#dates.get(style);
    if (!format) this.#dates.set(style, (format = new Intl.DateTimeFormat(this.locale, STYLES[style])));
    return format;
  }
}
