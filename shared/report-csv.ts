/**
 * The reports' CSV files, built from `reports.usage` data (never scraped from
 * a screen): RFC 4180 (fields quoted when they hold a quote, comma or line
 * break; quotes doubled; CRLF between records), UTF-8 with a byte order mark
 * so Excel reads accented names right, one header row, dates as ISO 8601 in
 * the event's time zone with their offset. A text field that a spreadsheet
 * would run as a formula (it starts with = + - @, a tab or CR) gets a leading
 * apostrophe: attendee names come from attendees.
 */
import type { UsageRangeReport } from './types.js';
import { isoInZone } from './zoned-time.js';

export type CsvCell = string | number | boolean | null | undefined;

export const CSV_BOM = '\uFEFF';
export const CSV_MIME = 'text/csv;charset=utf-8';

const formulaStart = /^[=+\-@\t\r]/;

/** One field, quoted and escaped as RFC 4180 asks. */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = formulaStart.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole file: the byte order mark, the header row, the records, each ended by CRLF. */
export function csvDocument(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header, ...rows].map((r) => r.map(csvField).join(','));
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}

const when = (iso: string | null, timeZone: string) => (iso ? isoInZone(iso, timeZone) : null);
const costHeader = (r: UsageRangeReport) => (r.costs.currency ? [`Estimated cost (${r.costs.currency})`] : []);
const costCell = (r: UsageRangeReport, cost: number | undefined) => (r.costs.currency ? [cost ?? null] : []);
const counts = ['Requests', 'Prompt tokens', 'Completion tokens', 'Total tokens', 'Errors'];

export function attendeesCsv(r: UsageRangeReport): string {
  return csvDocument(
    ['Attendee', 'Key', 'Registered', ...counts, 'First call', 'Last call', 'Revoked', ...costHeader(r)],
    r.attendees.map((a) => [
      a.name ?? '',
      a.keyHint,
      when(a.registeredAt, r.timeZone),
      a.requests,
      a.promptTokens,
      a.completionTokens,
      a.totalTokens,
      a.errors,
      when(a.firstCallAt, r.timeZone),
      when(a.lastCallAt, r.timeZone),
      a.revoked,
      ...costCell(r, a.cost),
    ]),
  );
}

/** Deployments carry their own price and currency: with mixed currencies each row is in its own. */
export function deploymentsCsv(r: UsageRangeReport): string {
  return csvDocument(
    [
      'Deployment',
      ...counts,
      'First call',
      'Last call',
      'Input price per 1M tokens',
      'Output price per 1M tokens',
      'Currency',
      'Estimated cost',
    ],
    r.deployments.map((d) => [
      d.deployment,
      d.requests,
      d.promptTokens,
      d.completionTokens,
      d.totalTokens,
      d.errors,
      when(d.firstCallAt, r.timeZone),
      when(d.lastCallAt, r.timeZone),
      d.price?.inputPerMillion,
      d.price?.outputPerMillion,
      d.price?.currency,
      d.cost,
    ]),
  );
}

export function daysCsv(r: UsageRangeReport): string {
  return csvDocument(
    ['Day', ...counts, 'First call', 'Last call', ...costHeader(r)],
    r.days.map((d) => [
      d.day,
      d.requests,
      d.promptTokens,
      d.completionTokens,
      d.totalTokens,
      d.errors,
      when(d.firstCallAt, r.timeZone),
      when(d.lastCallAt, r.timeZone),
      ...costCell(r, d.cost),
    ]),
  );
}

/** `agents-attendees-2026-06-01_2026-06-03.csv`: the event, the table and the range, safe on every OS. */
export function reportFileName(r: UsageRangeReport, table: string, ext: 'csv' | 'json'): string {
  const code = r.eventCode.replace(/[^A-Za-z0-9-]/g, '') || 'event';
  return `${code}-${table}-${r.from}_${r.to}.${ext}`;
}

/** One attendee's own usage, per day and deployment, for the join page's download. */
export interface MyUsageRow {
  day: string;
  deployment: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  errors: number;
  firstCallAt: string | null;
  lastCallAt: string | null;
}

export function myUsageCsv(rows: readonly MyUsageRow[], timeZone: string): string {
  return csvDocument(
    ['Day', 'Deployment', ...counts, 'First call', 'Last call'],
    rows.map((u) => [
      u.day,
      u.deployment,
      u.requests,
      u.promptTokens,
      u.completionTokens,
      u.totalTokens,
      u.errors,
      when(u.firstCallAt, timeZone),
      when(u.lastCallAt, timeZone),
    ]),
  );
}
