/**
 * Starts the real kit for a test: port 0, a fresh temporary data dir, no demo
 * unless asked, and helpers to set up resources and events through the admin
 * handlers (the same ones the console calls) and to register attendees.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKit, type Kit, type KitOptions } from '../../electron/core/kit.js';
import type { Input, Output } from '../../shared/contract.js';

export interface TestKit extends Kit {
  dataDir: string;
  apiBase: string;
  call<M extends keyof Kit['handlers']>(method: M, input: Input<M>): Promise<Output<M>>;
  register(code: string, body?: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export async function startKit(opts: Partial<KitOptions> = {}): Promise<TestKit> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'kit-test-')));
  const kit = await createKit({
    demo: false,
    host: '127.0.0.1',
    port: 0,
    adminPort: 0,
    ...opts,
    dataDir,
    env: { ...opts.env },
  });
  const apiBase = `${kit.localUrl}/api/v1`;
  return Object.assign(kit, {
    dataDir,
    apiBase,
    call: (<M extends keyof Kit['handlers']>(method: M, input: Input<M>) =>
      (kit.handlers[method] as (i: unknown) => Promise<Output<M>>)(input)) as TestKit['call'],
    async register(code: string, body: Record<string, unknown> = {}) {
      const r = await fetch(`${kit.localUrl}/join/${code}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    },
    async stop() {
      await kit.close();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  });
}

export const hour = 3600_000;

/** An event running now (or shifted by `startOffsetMs`), with the given resources. */
export function eventInput(resourceIds: string[], over: Partial<Input<'events.create'>> = {}): Input<'events.create'> {
  const now = Date.now();
  return {
    name: 'Test event',
    startsAt: new Date(now - hour).toISOString(),
    endsAt: new Date(now + hour).toISOString(),
    timeZone: 'Europe/Paris',
    dailyRequestCap: 0,
    maxTokenCap: 0,
    resourceIds,
    enabled: true,
    ...over,
  };
}

/** One azure-openai resource on the emulator, one event using it, one registered attendee. */
export async function azureSetup(kit: TestKit, emulatorUrl: string, deployment = 'gpt-4o-mini') {
  const resource = await kit.call('resources.create', {
    name: 'Emulated Azure OpenAI',
    kind: 'azure-openai',
    endpoint: emulatorUrl,
    deployment,
    auth: { type: 'api-key', key: 'upstream-secret-key-123' },
    enabled: true,
  });
  const event = await kit.call('events.create', eventInput([resource.id]));
  const reg = await kit.register(event.code, { name: 'Ada' });
  return { resource, event, apiKey: reg.body.apiKey as string };
}
