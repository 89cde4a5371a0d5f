/**
 * HTTPS on the LAN with the kit's own CA: an Azure SDK client for JavaScript
 * (@azure-rest/ai-inference) in a separate Node process that trusts the CA
 * through NODE_EXTRA_CA_CERTS works without allowInsecureConnection, and the
 * same process without the CA is refused by TLS verification. The join page
 * offers the CA and wires it into the samples and the .env.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventInput, startKit, type TestKit } from '../../../support/kit.js';

const run = promisify(execFile);
let kit: TestKit;
let dir: string;
let apiKey: string;
let code: string;

const client = `
import ModelClient, { isUnexpected } from '@azure-rest/ai-inference';
import { AzureKeyCredential } from '@azure/core-auth';
const client = ModelClient(process.env.ENDPOINT_URL, new AzureKeyCredential(process.env.API_KEY), { retryOptions: { maxRetries: 0 } });
try {
  const r = await client.path('/chat/completions').post({ body: { model: 'playground', messages: [{ role: 'user', content: 'hello over TLS' }] } });
  if (isUnexpected(r)) { console.log('HTTP ' + r.status); process.exit(2); }
  console.log('ANSWER ' + r.body.choices[0].message.content);
} catch (e) {
  console.log('ERROR ' + (e.code ?? e.cause?.code ?? e.message));
  process.exit(3);
}
`;

beforeAll(async () => {
  kit = await startKit({ httpsPort: 0 });
  const r = await kit.call('resources.create', {
    name: 'Playground',
    kind: 'playground',
    deployment: 'playground',
    auth: { type: 'none' },
    enabled: true,
  });
  const e = await kit.call('events.create', eventInput([r.id]));
  code = e.code;
  apiKey = (await kit.register(e.code)).body.apiKey as string;
  dir = await mkdtemp(join(process.cwd(), '.cache-https-'));
  await writeFile(join(dir, 'client.mjs'), client);
  await writeFile(join(dir, 'ca.pem'), kit.caPem ?? '');
});
afterAll(async () => {
  await kit?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const node = (extraEnv: Record<string, string>) =>
  run(process.execPath, [join(dir, 'client.mjs')], {
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? '', ENDPOINT_URL: `${kit.localHttpsUrl}/api/v1`, API_KEY: apiKey, ...extraEnv },
  }).then(
    (r) => r.stdout.trim(),
    (e: { stdout?: string }) => (e.stdout ?? '').trim(),
  );

describe('HTTPS with the kit CA', () => {
  it('serves @azure-rest/ai-inference over HTTPS when Node trusts the CA, without allowInsecureConnection', async () => {
    expect(await node({ NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') })).toMatch(/^ANSWER \S/);
    const rec = kit.feed.recent(5).at(-1);
    expect(rec).toMatchObject({ path: '/chat/completions', status: 200 });
  });

  it('is refused by the same client when it does not trust the CA', async () => {
    expect(await node({})).toMatch(
      /^ERROR (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE)/,
    );
  });

  it('issues a server certificate for loopback and the LAN addresses, from a CA kept in the data dir', async () => {
    const caFile = kit.info().caFile ?? '';
    expect(caFile).toBe(join(kit.dataDir, 'tls', 'ca.pem'));
    expect((await stat(join(kit.dataDir, 'tls', 'ca-key.pem'))).mode & 0o077).toBe(0);
    const ca = new X509Certificate(await readFile(caFile));
    expect(ca.ca).toBe(true);
    const info = kit.info();
    expect(info.httpsPort).toBeGreaterThan(0);
    expect(info.lanHttpsUrls?.[0]).toMatch(/^https:\/\//);

    const r = await fetch(`${kit.localUrl}/join/ca.pem`);
    expect(r.headers.get('content-type')).toBe('application/x-pem-file');
    expect(new X509Certificate(await r.text()).fingerprint256).toBe(ca.fingerprint256);
  });

  it('hands out the HTTPS endpoint on the join page, with the CA wired into samples and .env', async () => {
    const html = await (await fetch(`${kit.localUrl}/join/${code}`)).text();
    const data = JSON.parse(/<script type="application\/json" id="kit-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}');
    expect(data.endpoint).toBe(`${kit.localHttpsUrl}/api/v1`);
    expect(html).toContain('href="/join/ca.pem"');
    expect(data.env).toContain('NODE_EXTRA_CA_CERTS=ai-proxy-kit-ca.pem');
    expect(data.env).toContain('SSL_CERT_FILE=ai-proxy-kit-ca.pem');
    expect(data.env).toContain('REQUESTS_CA_BUNDLE=ai-proxy-kit-ca.pem');
    const js = data.samples.find((s: { id: string }) => s.id === 'js-inference');
    expect(js.code).not.toContain('allowInsecureConnection');
    expect(js.run).toContain('NODE_EXTRA_CA_CERTS=ai-proxy-kit-ca.pem');
    const reg = await kit.register(code);
    expect(reg.body.endpoint).toBe(`${kit.localHttpsUrl}/api/v1`);
  });

  it('keeps the same CA across restarts of the same data dir', async () => {
    const data = await mkdtemp(join(tmpdir(), 'kit-ca-'));
    try {
      const first = await startKit({ httpsPort: 0, dataDir: data });
      const pem = first.caPem;
      await first.stop();
      const again = await startKit({ httpsPort: 0, dataDir: data });
      expect(again.caPem).toBe(pem);
      await again.stop();
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });
});
