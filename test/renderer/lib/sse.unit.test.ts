/** SSE framing for the headless console's traffic stream: frames split anywhere, comments ignored. */
import { describe, expect, it } from 'vitest';
import { sseFrames } from '../../../renderer/src/lib/sse.js';

describe('sseFrames', () => {
  it('yields each data payload once, whatever the chunking', () => {
    const text = ': connected\n\nevent: traffic\ndata: [1]\n\n: ping\n\nevent: traffic\ndata: [2,3]\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const got: string[] = [];
      const feed = sseFrames((d) => got.push(d));
      feed(text.slice(0, cut));
      feed(text.slice(cut));
      expect(got).toEqual(['[1]', '[2,3]']);
    }
  });

  it('joins multi-line data and accepts CRLF', () => {
    const got: string[] = [];
    sseFrames((d) => got.push(d))('data: a\r\ndata: b\r\n\r\n');
    expect(got).toEqual(['a\nb']);
  });
});
