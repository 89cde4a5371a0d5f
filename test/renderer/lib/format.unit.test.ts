import { describe, expect, it } from 'vitest';
import { fmtMs } from '../../../renderer/src/lib/format.js';

describe('fmtMs', () => {
  it('keeps a tenth below 10 ms, whole milliseconds below a second, then seconds', () => {
    expect([0, 0.5, 1, 1.26, 9.94].map(fmtMs)).toEqual(['0 ms', '0.5 ms', '1 ms', '1.3 ms', '9.9 ms']);
    expect([10, 94.4, 999].map(fmtMs)).toEqual(['10 ms', '94 ms', '999 ms']);
    expect([1500, 12_345].map(fmtMs)).toEqual(['1.50 s', '12.3 s']);
    expect(fmtMs(null)).toBe('—');
  });
});
