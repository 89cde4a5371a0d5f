/**
 * A realtime session relayed to an Azure OpenAI resource signed in with
 * Entra ID: the upstream handshake carries the resource's bearer token for
 * the Cognitive Services scope (the token source injected at its one seam,
 * no network), never an `api-key` and never the attendee's key; a failed
 * sign-in refuses the handshake with `502 upstream_auth_failed`, uncounted.
 */
import type { TokenCredential } from '@azure/identity';
import { afterEach, describe, expect, it } from 'vitest';
import { IdentityTokenSource } from '../../../../../electron/core/proxy/upstream/credentials.js';
import { eventInput, startKit, type TestKit } from '../../../../support/kit.js';
import { AUDIO_100MS, closed, openSocket, refusal } from '../../../../support/realtime-kit.js';
import { type RealtimeUpstream, startRealtimeUpstream } from '../../../../support/realtime-upstream.js';

const TOKEN = 'entra-token-for-cognitive-services';
let rt: RealtimeUpstream | undefined;
let kit: TestKit | undefined;

afterEach(async () => {
  await kit?.stop();
  await rt?.close();
  kit = undefined;
  rt = undefined;
});

/** A kit whose Entra sign-in is `getToken`; one resource serving gpt-realtime with Entra ID, one attendee. */
async function setup(getToken: TokenCredential['getToken']) {
  rt = await startRealtimeUpstream({ apiKey: 'not-this-one', bearer: TOKEN });
  const scopes: string[] = [];
  kit = await startKit({
    tokens: new IdentityTokenSource(Date.now, () => ({
      getToken: (s, o) => {
        scopes.push(String(Array.isArray(s) ? s[0] : s));
        return getToken(s, o);
      },
    })),
  });
  const resource = await kit.call('resources.create', {
    name: 'Voice (Entra)',
    kind: 'azure-openai',
    endpoint: rt.url,
    deployment: 'gpt-realtime',
    auth: { type: 'entra', mode: 'managed-identity' },
    enabled: true,
  });
  const event = await kit.call('events.create', eventInput([resource.id]));
  const apiKey = (await kit.register(event.code, { name: 'Ada' })).body.apiKey as string;
  const url = `${kit.localUrl.replace('http', 'ws')}/api/v1/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-realtime`;
  return { apiKey, url, scopes, eventId: event.id, resourceId: resource.id };
}

describe('realtime with an Entra ID resource', () => {
  it("relays the session with the resource's bearer token and nothing of the attendee's", async () => {
    const s = await setup(async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3600_000 }));
    const { ws, ev } = await openSocket(s.url, { headers: { 'api-key': s.apiKey } });
    await ev.next('session.created');
    ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: AUDIO_100MS }));
    ws.send(JSON.stringify({ type: 'input_audio_buffer.commit' }));
    await ev.next('input_audio_buffer.committed');
    ws.send(JSON.stringify({ type: 'response.create' }));
    const done = await ev.next('response.done');
    expect((done.response as { usage: { total_tokens: number } }).usage.total_tokens).toBe(200);
    ws.close(1000, 'bye');
    await closed(ws);

    expect(s.scopes).toEqual(['https://cognitiveservices.azure.com/.default']);
    const conn = rt!.connections.at(-1);
    expect(conn?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(conn?.headers['api-key']).toBeUndefined();
    expect(conn?.rawHandshake).not.toContain(s.apiKey);
    const report = await kit!.call('usage.report', { eventId: s.eventId });
    expect(report.attendees[0]).toMatchObject({ requests: 1, totalTokens: 200 });
  });

  it('refuses the handshake with 502 upstream_auth_failed when the sign-in fails, counting nothing', async () => {
    const s = await setup(async () => {
      throw new Error('ManagedIdentityCredential: no managed identity endpoint found');
    });
    const r = await refusal(s.url, { headers: { 'api-key': s.apiKey } });
    expect(r.status).toBe(502);
    expect(r.body.error.code).toBe('upstream_auth_failed');
    expect(rt!.connections).toHaveLength(0);
    const report = await kit!.call('usage.report', { eventId: s.eventId });
    expect(report.attendees[0]?.requests ?? 0).toBe(0);
    const health = (await kit!.call('resources.list', {})).find((x) => x.id === s.resourceId)?.health;
    expect(health?.lastError).toBeTruthy();
  });
});
