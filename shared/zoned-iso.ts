/**
 * An instant written as ISO 8601 on the wall clock of an IANA zone, with its
 * offset (`2026-06-01T10:15:30+02:00`): what the exports put in a date column,
 * so a spreadsheet shows the venue's time and a parser still gets the instant.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(ms: number, timeZone: string): Record<string, number> {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

const pad = (n: number | undefined, width = 2) => String(n ?? 0).padStart(width, '0');

/** `iso` (any instant `Date.parse` reads) on the wall clock of `timeZone`, seconds precision, with the offset. */
export function isoInZone(iso: string, timeZone: string): string {
  const ms = Math.floor(Date.parse(iso) / 1000) * 1000;
  const p = parts(ms, timeZone);
  const wall = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  const offsetMin = Math.round((wall - ms) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return (
    `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
