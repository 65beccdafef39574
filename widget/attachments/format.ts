/** Sizes and durations in the visitor's language, for the tray, the cards and the errors. */

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

/**
 * `bytes` in the largest unit that keeps it at 1 or more, by steps of 1024 (the engine's
 * default limit, 10 485 760 bytes, reads "10 MB"), with at most one decimal.
 */
export function formatSize(bytes: number, locale: string | undefined): string {
  let value = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return new Intl.NumberFormat(locale, { style: 'unit', unit: UNITS[unit], unitDisplay: unit ? 'short' : 'long', maximumFractionDigits: unit ? 1 : 0 }).format(value);
}

/** A duration in ms as `m:ss` (or `h:mm:ss`), whole seconds elapsed, as players show it. */
export function formatDuration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const ss = String(s).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
