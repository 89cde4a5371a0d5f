/**
 * The fast path that reads a large JSON answer's usage from its tail: it must
 * agree with a full parse whenever it answers, and step aside (undefined)
 * whenever the last "usage" key is not a member of the top-level object.
 */
import { describe, expect, it } from 'vitest';
import { tailUsage, UsageTap } from '../../../../../electron/core/proxy/metering/usage.js';

const vector = Array.from({ length: 1536 }, (_, i) => Math.sin(i) * 0.05);
const embeddings = (usage: unknown) =>
  JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: vector }], model: 'm', usage });

const tapEnd = (body: string) => {
  const tap = new UsageTap('application/json');
  const buf = Buffer.from(body);
  for (let i = 0; i < buf.length; i += 1000) tap.push(buf.subarray(i, i + 1000));
  return tap.end();
};

describe('tailUsage', () => {
  it('reads the top-level usage of an embeddings answer', () => {
    const body = embeddings({ prompt_tokens: 9, total_tokens: 9 });
    expect(tailUsage(Buffer.from(body))).toEqual({ promptTokens: 9, completionTokens: 0, totalTokens: 9 });
    expect(tapEnd(body).usage).toEqual({ promptTokens: 9, completionTokens: 0, totalTokens: 9 });
  });

  it('handles nested details and whitespace after the usage object', () => {
    const usage = {
      prompt_tokens: 5,
      completion_tokens: 2,
      total_tokens: 7,
      prompt_tokens_details: { cached_tokens: 0 },
    };
    const body = `${JSON.stringify({ data: vector, usage }, null, 2)}\n`;
    expect(tailUsage(Buffer.from(body))).toEqual({ promptTokens: 5, completionTokens: 2, totalTokens: 7 });
  });

  it('steps aside when the last "usage" key is not a top-level member', () => {
    const nested = JSON.stringify({ data: vector, steps: [{ usage: { prompt_tokens: 1, total_tokens: 1 } }] });
    expect(tailUsage(Buffer.from(nested))).toBeUndefined();
    // A top-level usage that is not last is still top-level: the tail parse covers the members after it.
    const notLast = JSON.stringify({ usage: { prompt_tokens: 3, total_tokens: 3 }, data: vector, note: 'x' });
    expect(tailUsage(Buffer.from(notLast))).toEqual({ promptTokens: 3, completionTokens: 0, totalTokens: 3 });
    const nestedFirst = JSON.stringify({ run: { usage: { prompt_tokens: 4, total_tokens: 4 } }, data: vector });
    expect(tailUsage(Buffer.from(nestedFirst))).toBeUndefined();
    expect(tapEnd(nestedFirst).usage).toBeUndefined();
    const inString = JSON.stringify({ data: vector, text: 'the "usage":{"prompt_tokens":99} trick' });
    expect(tailUsage(Buffer.from(inString))).toBeUndefined();
    expect(tapEnd(inString).usage).toBeUndefined();
  });

  it('is not fooled by a "usage" string value at the end', () => {
    const body = JSON.stringify({ data: vector, kind: 'usage' });
    expect(tailUsage(Buffer.from(body))).toBeUndefined();
  });
});
