/** Numbers, times and durations as an organizer reads them on a projector. */

const nf = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const cf = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

export const fmtNumber = (n: number): string => nf.format(n);
export const fmtCompact = (n: number): string => (Math.abs(n) < 10_000 ? nf.format(n) : cf.format(n));

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  // Below 10 ms a tenth matters (a LAN call's latency, a chart's 0.5 ms gridline, which rounding showed as "1 ms").
  if (ms < 10) return `${nf.format(ms)} ms`;
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function fmtDateTime(iso: string, timeZone?: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone });
}

export function fmtTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "Mar 3, 09:00 – 17:00" when both ends fall on the same day, else both dates. */
export function fmtRange(startIso: string, endIso: string, timeZone: string): string {
  const day = (iso: string) => new Date(iso).toLocaleDateString('en-CA', { timeZone });
  const time = (iso: string) =>
    new Date(iso).toLocaleTimeString(undefined, { timeZone, hour: '2-digit', minute: '2-digit' });
  if (day(startIso) === day(endIso)) {
    const date = new Date(startIso).toLocaleDateString(undefined, { timeZone, dateStyle: 'medium' });
    return `${date}, ${time(startIso)} – ${time(endIso)}`;
  }
  return `${fmtDateTime(startIso, timeZone)} – ${fmtDateTime(endIso, timeZone)}`;
}

/** "in 2 h 5 min" / "5 min ago", coarse on purpose. */
export function fmtRelative(iso: string, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  const mins = Math.round(abs / 60_000);
  const text =
    mins < 1
      ? 'less than a minute'
      : mins < 60
        ? `${mins} min`
        : mins < 48 * 60
          ? `${Math.floor(mins / 60)} h${mins % 60 ? ` ${mins % 60} min` : ''}`
          : `${Math.round(mins / 1440)} days`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

export const statusClass = (status: number): 'ok' | 'warn' | 'bad' =>
  status >= 500 ? 'bad' : status >= 400 ? 'warn' : 'ok';

/** An estimated amount in its currency: cents for most, more digits for the tiny costs of a few calls. */
export function fmtMoney(amount: number, currency: string): string {
  const digits = amount !== 0 && Math.abs(amount) < 1 ? 4 : 2;
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: digits,
    }).format(amount);
  } catch {
    return `${amount.toFixed(digits)} ${currency}`;
  }
}

/** "Jun 1" for a `YYYY-MM-DD` day (a calendar date: no time zone moves it). */
export const fmtDay = (day: string): string =>
  new Date(`${day}T12:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** "Jun 1, 09:30" in the event's zone: a table cell's date and time, short enough not to wrap. */
export function fmtDayTime(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  });
}
