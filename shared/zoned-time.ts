/**
 * Wall-clock time in an IANA zone ⇄ instants, with nothing but Intl, for the
 * main process and the console alike. Events run on the venue's clock: the
 * organizer types "09:00" meaning 09:00 *at the venue*, which may not be the
 * laptop's zone (`<input type="datetime-local">` only knows the laptop's), and
 * a daily cap resets at the venue's midnight, DST included.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
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
  return f;
}

function wallParts(ms: number, timeZone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** The zone's offset from UTC at instant `ms`, in milliseconds (Paris in summer: +2 h). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = wallParts(ms, timeZone);
  const asUtc = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of `now` on the wall clocks of `timeZone`. */
export function dayIn(now: number, timeZone: string): string {
  const p = wallParts(now, timeZone);
  return `${p.year}-${pad(p.month ?? 1)}-${pad(p.day ?? 1)}`;
}

/**
 * The instant the next local day starts after `now` in `timeZone`. Usually
 * local midnight; where DST skips midnight (Santiago, Havana) it is the
 * instant the clock jumps over it.
 */
export function nextMidnight(now: number, timeZone: string): number {
  const p = wallParts(now, timeZone);
  const today = dayIn(now, timeZone);
  const localMidnightAsUtc = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, (p.day ?? 1) + 1);
  // Each guess uses the offset in force at the previous guess; around a DST change one of them is right.
  const g1 = localMidnightAsUtc - zoneOffsetMs(now, timeZone);
  const g2 = localMidnightAsUtc - zoneOffsetMs(g1, timeZone);
  const g3 = localMidnightAsUtc - zoneOffsetMs(g2, timeZone);
  const flipped = [g1, g2, g3].filter((g) => g > now && dayIn(g, timeZone) !== today);
  return flipped.length ? Math.min(...flipped) : now + 3_600_000;
}

/** An instant for people: "2 Dec 2026, 09:00 Europe/Paris (2026-12-02T08:00:00.000Z)". */
export function describeInstant(iso: string, timeZone: string): string {
  const d = new Date(iso);
  const local = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(d);
  return `${local} ${timeZone} (${d.toISOString()})`;
}

/** An instant as `YYYY-MM-DDTHH:mm` on the wall clock of `timeZone` (the value a datetime-local input takes). */
export function toZonedInput(iso: string, timeZone: string): string {
  const p = wallParts(Date.parse(iso), timeZone);
  return `${p.year}-${pad(p.month ?? 1)}-${pad(p.day ?? 1)}T${pad(p.hour ?? 0)}:${pad(p.minute ?? 0)}`;
}

/**
 * `YYYY-MM-DDTHH:mm` on the wall clock of `timeZone` → ISO instant. A time that
 * does not exist (skipped by a DST jump) lands just after the jump; a time that
 * exists twice takes the earlier one, as calendars do.
 */
export function fromZonedInput(local: string, timeZone: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  // The offsets in force a day either side cover any one transition; a wall time that matches
  // under both is a repeated hour (take the earlier), under neither was skipped (land after the jump).
  const day = 86_400_000;
  const offsets = new Set([zoneOffsetMs(asUtc - day, timeZone), zoneOffsetMs(asUtc + day, timeZone)]);
  const tries = [...offsets].map((o) => asUtc - o);
  const candidates = tries.filter((c) => toZonedInput(new Date(c).toISOString(), timeZone) === local);
  const ms = candidates.length ? Math.min(...candidates) : Math.max(...tries);
  return new Date(ms).toISOString();
}

/** "UTC+02:00" for a zone at an instant, to show beside the picker. */
export function offsetLabel(timeZone: string, at = Date.now()): string {
  const mins = Math.round(zoneOffsetMs(at, timeZone) / 60_000);
  const sign = mins < 0 ? '-' : '+';
  const a = Math.abs(mins);
  return `UTC${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

export function allTimeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (k: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

export const localTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/**
 * An instant written as ISO 8601 on the wall clock of `timeZone`, seconds precision, with its offset
 * (`2026-06-01T10:15:30+02:00`): what the exports put in a date column, so a spreadsheet shows the
 * venue's time and a parser still gets the instant.
 */
export function isoInZone(iso: string, timeZone: string): string {
  const ms = Math.floor(Date.parse(iso) / 1000) * 1000;
  const p = wallParts(ms, timeZone);
  const offsetMin = Math.round(zoneOffsetMs(ms, timeZone) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return (
    `${String(p.year ?? 1970).padStart(4, '0')}-${pad(p.month ?? 1)}-${pad(p.day ?? 1)}T${pad(p.hour ?? 0)}:${pad(p.minute ?? 0)}:${pad(p.second ?? 0)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
