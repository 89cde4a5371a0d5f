/** The usage-chunk filter keeps every other byte, however upstream splits the stream. */
import { describe, expect, it } from 'vitest';
import { isUsageOnlyEvent, UsageChunkFilter } from '../../../../../electron/core/proxy/metering/sse-usage-filter.js';

const frame = (v: unknown, eol = '\n') => `data: ${JSON.stringify(v)}${eol}${eol}`;
const delta = (content: string) => ({ choices: [{ index: 0, delta: { content }, finish_reason: null }], usage: null });
const usage = { choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } };

function run(stream: string, cuts: number[]): string {
  const bytes = Buffer.from(stream);
  const f = new UsageChunkFilter();
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(f.push(bytes.subarray(at, cut)));
    at = cut;
  }
  out.push(f.end());
  return Buffer.concat(out).toString();
}

describe('UsageChunkFilter', () => {
  for (const eol of ['\n', '\r\n']) {
    const kept = frame(delta('Hé'), eol) + frame(delta('llo ✓'), eol);
    const stream = `${kept}${frame(usage, eol)}data: [DONE]${eol}${eol}`;
    it(`drops only the usage chunk at every split point (${JSON.stringify(eol)})`, () => {
      const expected = `${kept}data: [DONE]${eol}${eol}`;
      const len = Buffer.byteLength(stream);
      for (let i = 0; i <= len; i++) expect(run(stream, [i])).toBe(expected);
      for (let i = 1; i < len; i += 7)
        expect(run(stream, [i, Math.min(len, i + 3), Math.min(len, i + 11)])).toBe(expected);
    });
  }

  it('keeps a chunk that has usage and choices, and a final unterminated usage chunk is dropped', () => {
    const both = { choices: [{ index: 0, delta: { content: 'x' } }], usage: usage.usage };
    expect(run(frame(both), [])).toBe(frame(both));
    expect(run(`${frame(delta('a'))}data: ${JSON.stringify(usage)}`, [])).toBe(frame(delta('a')));
  });

  it('recognizes usage-only events', () => {
    expect(isUsageOnlyEvent(Buffer.from(frame(usage)))).toBe(true);
    expect(isUsageOnlyEvent(Buffer.from(frame(delta('u'))))).toBe(false);
    expect(isUsageOnlyEvent(Buffer.from('data: {"usage": oops}\n\n'))).toBe(false);
  });
});
