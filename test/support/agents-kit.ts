/**
 * A kit with a Foundry project (emulated) and an Azure OpenAI resource, two
 * registered attendees, and SDK clients that reach the kit over plain http:
 * the Azure SDKs refuse bearer tokens over http, so their bearer policy is
 * swapped for one that sends the attendee's key as the kit expects.
 */
import { AgentsClient } from '@azure/ai-agents';
import { AIProjectClient } from '@azure/ai-projects';
import type { TokenCredential } from '@azure/core-auth';
import type { Pipeline } from '@azure/core-rest-pipeline';
import { type Emulator, startEmulator } from './emulator.js';
import { addFoundry, type FoundryState } from './foundry.js';
import { eventInput, startKit, type TestKit } from './kit.js';
import { addOpenAIV1 } from './services.js';

export const FOUNDRY_TOKEN = 'foundry-upstream-token';

export interface AgentsKit {
  emu: Emulator;
  foundry: FoundryState;
  kit: TestKit;
  foundryResourceId: string;
  keys: { ada: string; bob: string };
  stop(): Promise<void>;
}

export async function startAgentsKit(): Promise<AgentsKit> {
  const emu = await startEmulator();
  const foundry = addFoundry(emu);
  addOpenAIV1(emu);
  const kit = await startKit();
  const project = await kit.call('resources.create', {
    name: 'Foundry project',
    kind: 'foundry-agents',
    endpoint: `${emu.url}/api/projects/p1`,
    deployment: 'agents',
    auth: { type: 'bearer', token: FOUNDRY_TOKEN },
    enabled: true,
  });
  const azure = await kit.call('resources.create', {
    name: 'Azure OpenAI',
    kind: 'azure-openai',
    endpoint: emu.url,
    deployment: 'gpt-4.1-mini',
    auth: { type: 'api-key', key: 'aoai-upstream-key' },
    enabled: true,
  });
  const event = await kit.call('events.create', eventInput([project.id, azure.id]));
  const ada = (await kit.register(event.code, { name: 'Ada' })).body.apiKey as string;
  const bob = (await kit.register(event.code, { name: 'Bob' })).body.apiKey as string;
  return {
    emu,
    foundry,
    kit,
    foundryResourceId: project.id,
    keys: { ada, bob },
    async stop() {
      await kit.stop();
      await emu.close();
    },
  };
}

/** A credential that hands out the attendee's key as its "token". */
export const keyCredential = (key: string): TokenCredential => ({
  getToken: async () => ({ token: key, expiresOnTimestamp: Date.now() + 3_600_000 }),
});

function sendKeyOverHttp(pipeline: Pipeline, key: string): void {
  pipeline.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
  pipeline.addPolicy({
    name: 'kitAttendeeKey',
    sendRequest: (req, next) => {
      req.headers.set('authorization', `Bearer ${key}`);
      return next(req);
    },
  });
}

export function agentsClient(kit: TestKit, key: string): AgentsClient {
  const client = new AgentsClient(kit.apiBase, keyCredential(key), {
    allowInsecureConnection: true,
    retryOptions: { maxRetries: 0 },
  });
  sendKeyOverHttp(client.pipeline, key);
  return client;
}

export function projectClient(kit: TestKit, key: string): AIProjectClient {
  const client = new AIProjectClient(kit.apiBase, keyCredential(key), {
    allowInsecureConnection: true,
    retryOptions: { maxRetries: 0 },
  });
  // The project client keeps one pipeline per token scope, and exposes neither.
  const inner = client as unknown as Record<'_azureScopeClient' | '_cognitiveScopeClient', { pipeline: Pipeline }>;
  sendKeyOverHttp(inner._azureScopeClient.pipeline, key);
  sendKeyOverHttp(inner._cognitiveScopeClient.pipeline, key);
  return client;
}

/** The status and error code of a rejected SDK call (or undefined when it succeeded). */
export async function refusal(p: PromiseLike<unknown>): Promise<{ status?: number; code?: string } | undefined> {
  return p.then(
    () => undefined,
    (e: { statusCode?: number; status?: number; code?: string; error?: { code?: string } }) => ({
      status: e.statusCode ?? e.status,
      code: e.code ?? e.error?.code,
    }),
  );
}
