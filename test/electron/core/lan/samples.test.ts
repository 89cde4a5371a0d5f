/**
 * The join page's samples: over plain http the Azure SDK sample for
 * JavaScript sets allowInsecureConnection and says why, and it runs as served
 * (key filled in) against the kit; the MCP sample appears only where the
 * event has an MCP server; every sample carries the event's real names.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSamples, envFile, KEY_SLOT } from '../../../../electron/core/lan/samples.js';
import { eventInput, startKit, type TestKit } from '../../../support/kit.js';

const run = promisify(execFile);

describe('samples for an event', () => {
  const ctx = {
    endpoint: 'http://192.168.1.20:8000/api/v1',
    deployments: [
      { name: 'gpt-4o-mini', kind: 'azure-openai' },
      { name: 'Phi-4', kind: 'azure-inference' },
      { name: 'docs', kind: 'mcp' },
    ],
    localCa: false,
  };

  it('offers every language, with the real endpoint and deployment names', () => {
    const samples = buildSamples(ctx);
    expect(samples.map((s) => s.id)).toEqual([
      'python-openai',
      'js-openai',
      'python-inference',
      'js-inference',
      'csharp',
      'curl',
      'mcp',
    ]);
    for (const s of samples) {
      expect(s.code).toContain(ctx.endpoint);
      expect(s.code).toContain(KEY_SLOT);
    }
    expect(samples.find((s) => s.id === 'js-openai')?.code).toContain('"gpt-4o-mini"');
    expect(samples.find((s) => s.id === 'python-inference')?.code).toContain('"Phi-4"');
    expect(samples.find((s) => s.id === 'mcp')?.code).toContain(`${ctx.endpoint}/mcp/docs`);
  });

  it('over http, the JavaScript Azure SDK sample sets allowInsecureConnection and says why', () => {
    const js = buildSamples(ctx).find((s) => s.id === 'js-inference')?.code ?? '';
    expect(js).toContain('allowInsecureConnection: true');
    expect(js).toMatch(/refuse to send a key over http/);
    expect(envFile(ctx)).not.toContain('NODE_EXTRA_CA_CERTS');
  });

  it('with the local CA, trusts it through the standard variables instead', () => {
    const https = { ...ctx, endpoint: 'https://192.168.1.20:8443/api/v1', localCa: true };
    const samples = buildSamples(https);
    expect(samples.find((s) => s.id === 'js-inference')?.code).not.toContain('allowInsecureConnection');
    expect(samples.find((s) => s.id === 'python-openai')?.code).toContain('SSL_CERT_FILE');
    expect(samples.find((s) => s.id === 'python-inference')?.code).toContain('REQUESTS_CA_BUNDLE');
    expect(samples.find((s) => s.id === 'curl')?.code).toContain('--cacert ai-proxy-kit-ca.pem');
    expect(envFile(https)).toContain('NODE_EXTRA_CA_CERTS=ai-proxy-kit-ca.pem');
  });

  it('leaves out MCP without an MCP server, and everything without deployments', () => {
    expect(buildSamples({ ...ctx, deployments: [{ name: 'p', kind: 'playground' }] }).map((s) => s.id)).not.toContain(
      'mcp',
    );
    expect(buildSamples({ ...ctx, deployments: [] })).toEqual([]);
  });
});

describe('served samples run', () => {
  let kit: TestKit;
  let dir: string;
  beforeAll(async () => {
    kit = await startKit();
    dir = await mkdtemp(join(process.cwd(), '.cache-samples-'));
  });
  afterAll(async () => {
    await kit?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the @azure-rest/ai-inference sample from the page answers over http', async () => {
    const r = await kit.call('resources.create', {
      name: 'Playground',
      kind: 'playground',
      deployment: 'playground',
      auth: { type: 'none' },
      enabled: true,
    });
    const e = await kit.call('events.create', eventInput([r.id]));
    const key = (await kit.register(e.code)).body.apiKey as string;
    const html = await (await fetch(`${kit.localUrl}/join/${e.code}`)).text();
    const data = JSON.parse(/<script type="application\/json" id="kit-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}');
    const sample = data.samples.find((s: { id: string }) => s.id === 'js-inference');
    await writeFile(join(dir, sample.filename), sample.code.split(KEY_SLOT).join(key));
    const { stdout } = await run(process.execPath, [join(dir, sample.filename)], {
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(stdout.trim().length).toBeGreaterThan(0);
    expect(kit.feed.recent(5).at(-1)).toMatchObject({ path: '/chat/completions', status: 200 });
  });
});
