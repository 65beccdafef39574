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

/** Dates and times in the visitor's language, through Intl. One instance per language. */
export class DateFormats {
  readonly #time: Intl.DateTimeFormat;
  readonly #full: Intl.DateTimeFormat;
  readonly #day: Intl.DateTimeFormat;
  readonly #dayWithYear: Intl.DateTimeFormat;
  readonly #numbers: Intl.NumberFormat;

  readonly locale: string | undefined;

  constructor(lang: string) {
    let locale: string | undefined;
    try {
      locale = lang && Intl.DateTimeFormat.supportedLocalesOf([lang]).length ? lang : undefined;
    } catch {
      // Not a BCP 47 tag (a page's lang="english"): the browser's own locale is the best guess.
    }
    this.locale = locale;
    this.#time = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
    this.#full = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'medium' });
    this.#day = new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long' });
    this.#dayWithYear = new Intl.DateTimeFormat(locale, { dateStyle: 'long' });
    this.#numbers = new Intl.NumberFormat(locale);
  }

  time = (ts: number): string => this.#time.format(ts);
  full = (ts: number): string => this.#full.format(ts);

  /** "Today", "Yesterday", else the date; the year only when it is not this year. */
  day(ts: number, now: number, strings: Strings): string {
    if (dayKey(ts) === dayKey(now)) return strings.today;
    if (dayKey(ts) === dayKey(now - 86_400_000)) return strings.yesterday;
    return new Date(ts).getFullYear() === new Date(now).getFullYear() ? this.#day.format(ts) : this.#dayWithYear.format(ts);
  }

  /** A count in the visitor's digits and grouping ("10 000" in French). */
  number = (n: number): string => this.#numbers.format(n);
}
