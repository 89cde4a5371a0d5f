import { describe, expect, it } from 'vitest';
import { splitUrl } from '../../../../../electron/core/proxy/pipeline/upstream-request.js';

describe('splitUrl', () => {
  it('splits origin from path and query as a URL parse would', () => {
    for (const url of [
      'https://res.openai.azure.com/openai/deployments/gpt/chat/completions?api-version=2024-10-21',
      'http://127.0.0.1:11434/v1/chat/completions',
      'http://[::1]:8080/mcp/sub/path?x=1&y=%2F',
      'https://search.windows.net/indexes(%27docs%27)/docs/search.post.search?api-version=2024-07-01',
    ]) {
      const u = new URL(url);
      expect(splitUrl(url)).toEqual({ origin: u.origin, path: u.pathname + u.search });
    }
  });

  it('gives "/" for a URL with no path, keeping a query', () => {
    expect(splitUrl('http://host:1')).toEqual({ origin: 'http://host:1', path: '/' });
    expect(splitUrl('http://host:1?a=1')).toEqual({ origin: 'http://host:1', path: '/?a=1' });
  });
});
