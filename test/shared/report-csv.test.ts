/**
 * The CSV writer on its own: RFC 4180 quoting read back by an independent
 * parser, the byte order mark, CRLF, one header row, dates in the event's
 * zone with the right offset on either side of a DST change, formula-looking
 * names neutralised, and the cost column only when the report has a currency.
 */
import { describe, expect, it } from 'vitest';
import {
  attendeesCsv,
  CSV_BOM,
  csvDocument,
  csvField,
  daysCsv,
  deploymentsCsv,
  myUsageCsv,
  reportFileName,
} from '../../shared/report-csv.js';
import type { UsageRangeReport } from '../../shared/types.js';
import { isoInZone } from '../../shared/zoned-time.js';
import { csvRecords, parseCsv } from '../support/csv.js';

const zero = { requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, errors: 0 };

function report(over: Partial<UsageRangeReport> = {}): UsageRangeReport {
  return {
    eventId: 'evt_1',
    eventName: 'Agents workshop',
    eventCode: 'agents',
    timeZone: 'Europe/Paris',
    from: '2026-03-28',
    to: '2026-03-30',
    eventFrom: '2026-03-28',
    eventTo: '2026-03-30',
    generatedAt: '2026-03-31T00:00:00.000Z',
    totals: { ...zero, firstCallAt: null, lastCallAt: null, attendees: 2, activeAttendees: 1 },
    attendees: [
      {
        attendeeId: 'att_1',
        name: 'Zoë "Z" Müller, Jr.',
        keyHint: 'apk-AbCd…',
        registeredAt: '2026-03-28T08:00:00.000Z',
        revoked: false,
        requests: 12,
        promptTokens: 1200,
        completionTokens: 300,
        totalTokens: 1500,
        errors: 1,
        // Saturday in winter time (+01:00), Monday in summer time (+02:00): DST began on the Sunday.
        firstCallAt: '2026-03-28T08:05:09.123Z',
        lastCallAt: '2026-03-30T15:00:00.000Z',
        cost: 0.0042,
      },
      {
        attendeeId: 'att_2',
        name: '=HYPERLINK("http://evil")\nline two',
        keyHint: 'apk-XyZw…',
        registeredAt: '2026-03-29T09:00:00.000Z',
        revoked: true,
        ...zero,
        firstCallAt: null,
        lastCallAt: null,
        cost: 0,
      },
    ],
    deployments: [
      {
        deployment: 'gpt-4o-mini',
        requests: 12,
        promptTokens: 1200,
        completionTokens: 300,
        totalTokens: 1500,
        errors: 1,
        firstCallAt: '2026-03-28T08:05:09.123Z',
        lastCallAt: '2026-03-30T15:00:00.000Z',
        price: { inputPerMillion: 0.15, outputPerMillion: 0.6, currency: 'EUR' },
        cost: 0.0042,
      },
    ],
    days: ['2026-03-28', '2026-03-29', '2026-03-30'].map((day) => ({
      day,
      ...zero,
      firstCallAt: null,
      lastCallAt: null,
      cost: 0,
    })),
    costs: { currency: 'EUR', currencies: ['EUR'], unpriced: [] },
    ...over,
  };
}

describe('CSV fields and documents (RFC 4180)', () => {
  it('quotes only what needs it and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(null)).toBe('');
    expect(csvField(true)).toBe('yes');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('keeps a spreadsheet from running a name as a formula', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx']) expect(csvField(s).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField('-3')).toBe("'-3");
    expect(csvField(-3)).toBe('-3');
  });

  it('writes the BOM, one header row and CRLF after every record', () => {
    const doc = csvDocument(
      ['A', 'B'],
      [
        ['x', 1],
        ['y, z', 2],
      ],
    );
    expect(doc.startsWith(CSV_BOM)).toBe(true);
    expect(doc.endsWith('\r\n')).toBe(true);
    expect(doc.slice(1).split('\r\n')).toEqual(['A,B', 'x,1', '"y, z",2', '']);
    expect(parseCsv(doc.slice(1))).toEqual([
      ['A', 'B'],
      ['x', '1'],
      ['y, z', '2'],
    ]);
  });
});

describe('instants in the event zone', () => {
  it('writes the wall clock with the offset in force, across DST and at odd offsets', () => {
    expect(isoInZone('2026-03-28T08:05:09.123Z', 'Europe/Paris')).toBe('2026-03-28T09:05:09+01:00');
    expect(isoInZone('2026-03-30T15:00:00.000Z', 'Europe/Paris')).toBe('2026-03-30T17:00:00+02:00');
    expect(isoInZone('2026-06-01T12:00:00Z', 'Asia/Kolkata')).toBe('2026-06-01T17:30:00+05:30');
    expect(isoInZone('2026-01-15T03:00:00Z', 'America/New_York')).toBe('2026-01-14T22:00:00-05:00');
    expect(isoInZone('2026-06-01T12:00:00Z', 'UTC')).toBe('2026-06-01T12:00:00+00:00');
    // What it writes is the same instant (to the second).
    expect(Date.parse(isoInZone('2026-03-28T08:05:09.123Z', 'Europe/Paris'))).toBe(Date.parse('2026-03-28T08:05:09Z'));
  });
});

describe('report tables', () => {
  it('attendees: every row read back as it was, with the venue times and the estimated cost', () => {
    const rows = csvRecords(attendeesCsv(report()));
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'Attendee',
      'Key',
      'Registered',
      'Requests',
      'Prompt tokens',
      'Completion tokens',
      'Total tokens',
      'Errors',
      'First call',
      'Last call',
      'Revoked',
      'Estimated cost (EUR)',
    ]);
    expect(rows[0]).toMatchObject({
      Attendee: 'Zoë "Z" Müller, Jr.',
      Registered: '2026-03-28T09:00:00+01:00',
      Requests: '12',
      'Total tokens': '1500',
      'First call': '2026-03-28T09:05:09+01:00',
      'Last call': '2026-03-30T17:00:00+02:00',
      Revoked: 'no',
      'Estimated cost (EUR)': '0.0042',
    });
    expect(rows[1]).toMatchObject({
      Attendee: `'=HYPERLINK("http://evil")\nline two`,
      'First call': '',
      Revoked: 'yes',
    });
  });

  it('no currency, no cost column; deployments keep their own price and currency', () => {
    const mixed = report({ costs: { currencies: ['EUR', 'USD'], unpriced: [] } });
    expect(Object.keys(csvRecords(attendeesCsv(mixed))[0] ?? {})).not.toContain('Estimated cost (EUR)');
    expect(Object.keys(csvRecords(daysCsv(mixed))[0] ?? {})).toEqual([
      'Day',
      'Requests',
      'Prompt tokens',
      'Completion tokens',
      'Total tokens',
      'Errors',
      'First call',
      'Last call',
    ]);
    expect(csvRecords(deploymentsCsv(mixed))[0]).toMatchObject({
      Deployment: 'gpt-4o-mini',
      'Input price per 1M tokens': '0.15',
      'Output price per 1M tokens': '0.6',
      Currency: 'EUR',
      'Estimated cost': '0.0042',
    });
  });

  it('days: one record per day of the range', () => {
    expect(csvRecords(daysCsv(report())).map((d) => d.Day)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
  });

  it('names the files after the event, the table and the range', () => {
    expect(reportFileName(report(), 'attendees', 'csv')).toBe('agents-attendees-2026-03-28_2026-03-30.csv');
    expect(reportFileName(report({ eventCode: '../..' }), 'days', 'json')).toBe(
      'event-days-2026-03-28_2026-03-30.json',
    );
  });

  it('an attendee’s own file: per day and deployment, in the venue’s time', () => {
    const rows = csvRecords(
      myUsageCsv(
        [
          {
            day: '2026-03-28',
            deployment: 'gpt-4o-mini',
            ...zero,
            requests: 2,
            firstCallAt: '2026-03-28T08:05:09.123Z',
            lastCallAt: '2026-03-28T08:06:00.000Z',
          },
        ],
        'Europe/Paris',
      ),
    );
    expect(rows).toEqual([
      {
        Day: '2026-03-28',
        Deployment: 'gpt-4o-mini',
        Requests: '2',
        'Prompt tokens': '0',
        'Completion tokens': '0',
        'Total tokens': '0',
        Errors: '0',
        'First call': '2026-03-28T09:05:09+01:00',
        'Last call': '2026-03-28T09:06:00+01:00',
      },
    ]);
  });
});
