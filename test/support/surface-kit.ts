/**
 * A kit in front of one emulated Azure OpenAI account (`azure-openai-resource.ts`)
 * with a chat model and media deployments, some known upstream by other
 * names, one event and two registered attendees; and the official clients
 * as attendees make them: `OpenAI` on the v1 API and `AzureOpenAI` with an
 * api-version (GA or preview).
 */
import OpenAI, { AzureOpenAI } from 'openai';
import type { KitOptions } from '../../electron/core/kit.js';
import { type AzureResource, addAzureOpenAIResource } from './azure-openai-resource.js';
import { type Emulator, startEmulator } from './emulator.js';
import { eventInput, startKit, type TestKit } from './kit.js';
import { addOpenAIV1 } from './services.js';

export const GA = '2024-10-21';
export const PREVIEW = '2025-04-01-preview';

/** Attendees' deployment name → the name the Azure account knows it by. */
export const DEPLOYMENTS: Record<string, string> = {
  'gpt-4o-mini': 'gpt-4o-mini-eu',
  'dall-e-3': 'dalle3-prod',
  'gpt-image-1': 'gpt-image-1',
  whisper: 'whisper-eu',
  'gpt-4o-transcribe': 'gpt-4o-transcribe',
  tts: 'tts-hd',
};

export interface SurfaceKit {
  emu: Emulator;
  azure: AzureResource;
  kit: TestKit;
  eventId: string;
  eventCode: string;
  keys: { ada: string; bob: string };
  v1(key: string): OpenAI;
  dated(key: string, apiVersion?: string, deployment?: string): AzureOpenAI;
  /** What reached upstream since `mark` (method and path). */
  sentSince(mark: number): string[];
  stop(): Promise<void>;
}

export async function startSurfaceKit(opts: Partial<KitOptions> = {}): Promise<SurfaceKit> {
  const emu = await startEmulator();
  addOpenAIV1(emu);
  const azure = addAzureOpenAIResource(emu, Object.values(DEPLOYMENTS));
  const kit = await startKit(opts);
  const ids: string[] = [];
  for (const [deployment, upstream] of Object.entries(DEPLOYMENTS)) {
    const r = await kit.call('resources.create', {
      name: `Azure ${deployment}`,
      kind: 'azure-openai',
      endpoint: emu.url,
      deployment,
      ...(upstream !== deployment ? { upstreamDeployment: upstream } : {}),
      auth: { type: 'api-key', key: 'aoai-account-key' },
      enabled: true,
    });
    ids.push(r.id);
  }
  const event = await kit.call('events.create', eventInput(ids));
  const ada = (await kit.register(event.code, { name: 'Ada' })).body.apiKey as string;
  const bob = (await kit.register(event.code, { name: 'Bob' })).body.apiKey as string;
  return {
    emu,
    azure,
    kit,
    eventId: event.id,
    eventCode: event.code,
    keys: { ada, bob },
    v1: (key) => new OpenAI({ baseURL: `${kit.apiBase}/openai/v1`, apiKey: key, maxRetries: 0 }),
    dated: (key, apiVersion = PREVIEW, deployment) =>
      new AzureOpenAI({
        endpoint: kit.apiBase,
        apiKey: key,
        apiVersion,
        maxRetries: 0,
        ...(deployment ? { deployment } : {}),
      }),
    sentSince: (mark) => emu.received.slice(mark).map((x) => `${x.method} ${x.path}`),
    async stop() {
      await kit.stop();
      await emu.close();
    },
  };
}

/** The status and error code of a rejected `openai` call (undefined when it succeeded). */
export async function refused(p: PromiseLike<unknown>): Promise<{ status?: number; code?: string } | undefined> {
  return p.then(
    () => undefined,
    (e: { status?: number; code?: string }) => ({ status: e.status, code: e.code ?? undefined }),
  );
}

/** Bytes covering every value, so a byte lost or changed on the way shows. */
export function patterned(size: number, salt = 0): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + (i >> 10) + salt) & 0xff;
  return b;
}

/** Every item of an SDK page iterator. */
export async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
