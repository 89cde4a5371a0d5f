/**
 * The data dir's other files at start: a lost secret key leaves the sealed
 * upstream secrets unreadable, so the kit starts, names the resources whose
 * secret must be entered again, stops routing to them, keeps their sealed
 * values on disk (putting the old key back brings them back); a damaged key
 * file, admin token or local CA is moved aside and made again, and said so;
 * the organizer's own certificate files that cannot be used stop the start
 * with one clear line.
 */
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventInput, startKit } from '../../../support/kit.js';

let dir: string;
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const fresh = async () => {
  dir = await mkdtemp(join(tmpdir(), 'kit-files-'));
  return dir;
};

describe('the data dir at start', () => {
  it('starts without its secret key, names the resources to re-enter, and keeps their sealed secrets', async () => {
    await fresh();
    let kit = await startKit({ dataDir: dir });
    const r = await kit.call('resources.create', {
      name: 'Sweden Central',
      kind: 'azure-openai',
      endpoint: 'https://x.openai.azure.com',
      deployment: 'gpt',
      auth: { type: 'api-key', key: 'the-upstream-key-1234' },
      enabled: true,
    });
    const event = await kit.call('events.create', eventInput([r.id], { code: 'keys' }));
    const key = (await kit.register(event.code)).body.apiKey as string;
    await kit.stop();
    await copyFile(join(dir, 'secret.key'), join(dir, 'old-secret.key'));
    const sealedBefore = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')).resources[0].auth.key;
    await rm(join(dir, 'secret.key'));

    kit = await startKit({ dataDir: dir });
    const notices = kit.info().store.notices ?? [];
    expect(notices.join(' ')).toContain('"Sweden Central"');
    expect(notices.join(' ')).toMatch(/Enter them again in Resources/);
    const [view] = await kit.call('resources.list', {});
    expect(view).toMatchObject({ secretUnreadable: true, auth: { type: 'api-key', key: '••••••••' } });
    // The kit does not send a sealed value upstream: the deployment is not served.
    const call = await fetch(`${kit.apiBase}/openai/deployments/gpt/chat/completions?api-version=2024-10-21`, {
      method: 'POST',
      headers: { 'api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(call.status).toBe(404);
    // Nor does "Test connection".
    expect(await kit.call('resources.test', { id: r.id })).toMatchObject({
      ok: false,
      message: expect.stringContaining('enter the secret again'),
    });
    // Other writes keep the sealed value as it was.
    await kit.call('events.update', { id: event.id, name: 'renamed' });
    expect(JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')).resources[0].auth.key).toBe(sealedBefore);
    await kit.stop();

    // The old key file put back: the secret opens again.
    await copyFile(join(dir, 'old-secret.key'), join(dir, 'secret.key'));
    kit = await startKit({ dataDir: dir });
    expect(kit.store.resource(r.id)?.auth).toEqual({ type: 'api-key', key: 'the-upstream-key-1234' });
    expect(kit.info().store.notices).toBeUndefined();
    await kit.stop();
  });

  it('moves a damaged secret key and admin token aside and says so', async () => {
    await fresh();
    await writeFile(join(dir, 'secret.key'), 'not a key');
    await writeFile(join(dir, 'admin-token'), Buffer.from([0, 1, 2, 3]));
    const kit = await startKit({ dataDir: dir });
    try {
      const notices = (kit.info().store.notices ?? []).join('\n');
      expect(notices).toMatch(/secret key file was damaged \(it holds \d+ bytes instead of 32\) and was moved aside/);
      expect(notices).toMatch(/admin token file was damaged .+ use the console link printed at this start/);
      const names = await readdir(dir);
      expect(names.some((n) => n.startsWith('secret.key.damaged-'))).toBe(true);
      expect(names.some((n) => n.startsWith('admin-token.damaged-'))).toBe(true);
      expect((await readFile(join(dir, 'admin-token'), 'utf8')).length).toBeGreaterThan(20);
      expect(Buffer.from(await readFile(join(dir, 'secret.key'), 'utf8'), 'base64')).toHaveLength(32);
    } finally {
      await kit.stop();
    }
  });

  it('makes a damaged local certificate authority again, keeping the old files', async () => {
    await fresh();
    let kit = await startKit({ dataDir: dir, httpsPort: 0 });
    const firstCa = kit.caPem;
    await kit.stop();
    await writeFile(join(dir, 'tls', 'ca.pem'), '-----BEGIN CERTIFICATE-----\nbroken\n');
    kit = await startKit({ dataDir: dir, httpsPort: 0 });
    try {
      expect(kit.caPem).toBeDefined();
      expect(kit.caPem).not.toBe(firstCa);
      expect((kit.info().store.notices ?? []).join(' ')).toMatch(/certificate authority .+ was damaged/);
      const names = await readdir(join(dir, 'tls'));
      expect(names.filter((n) => n.includes('.damaged-'))).toHaveLength(2);
    } finally {
      await kit.stop();
    }
  });

  it('refuses to start, in one line, on certificate files that cannot be used', async () => {
    await fresh();
    await writeFile(join(dir, 'cert.pem'), 'not a certificate');
    await writeFile(join(dir, 'key.pem'), 'not a key');
    await expect(
      startKit({
        dataDir: dir,
        httpsPort: 0,
        tlsCertFile: join(dir, 'cert.pem'),
        tlsKeyFile: join(dir, 'key.pem'),
      }),
    ).rejects.toThrow(/^--tls-cert and --tls-key cannot be used together \(/);
    await expect(
      startKit({ dataDir: dir, httpsPort: 0, tlsCertFile: join(dir, 'none.pem'), tlsKeyFile: join(dir, 'key.pem') }),
    ).rejects.toThrow(/^the certificate or key file cannot be read \(ENOENT\)/);
  });
});
