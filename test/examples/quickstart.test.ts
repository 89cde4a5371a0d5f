/** The README's JavaScript quickstart, run as a newcomer runs it, against the demo playground. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKit, type TestKit } from '../support/kit.js';

let kit: TestKit;
beforeAll(async () => {
  kit = await startKit({ demo: true });
});
afterAll(() => kit?.stop());

it('registers on the demo event and gets a chat completion and a streamed one from the playground', async () => {
  const reg = await kit.register('demo', { name: 'Newcomer' });
  expect(reg.status).toBe(201);
  const { stdout } = await promisify(execFile)(process.execPath, ['examples/quickstart.mjs'], {
    env: { ...process.env, ENDPOINT_URL: reg.body.endpoint as string, API_KEY: reg.body.apiKey as string },
    timeout: 20_000,
  });
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toContain('offline playground');
  expect(lines[1]).toBe(lines[0]); // the streamed answer, reassembled, is the same text
  const traffic = kit.feed.recent(10).filter((t) => t.status === 200);
  expect(traffic.map((t) => t.stream ?? false)).toEqual([false, true]);
});
