/**
 * The realtime handshake's pure rules: where the key may come from (and two
 * different ones refused), which subprotocol is echoed (never the key), the
 * deployment each form names, the headers that travel upstream, the upstream
 * URL of each form without the key, close codes no endpoint may send mapped,
 * and close reasons cut to the 123 bytes a close frame holds.
 */
import { describe, expect, it } from 'vitest';
import { relayedClose } from '../../../../../electron/core/proxy/realtime/frame-relay.js';
import {
  forwardedClientHeaders,
  offeredProtocols,
  protocolToEcho,
  realtimeKey,
  requestedDeployment,
} from '../../../../../electron/core/proxy/realtime/handshake.js';
import { closeReason } from '../../../../../electron/core/proxy/realtime/session.js';
import { REALTIME_PREVIEW_API_VERSION, realtimeUrl } from '../../../../../electron/core/proxy/realtime/target.js';
import type { Resource } from '../../../../../shared/types.js';

const q = (s: string) => new URLSearchParams(s);
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return undefined;
};

describe('the attendee key', () => {
  it('comes from a header, the query or the subprotocol, and two different ones are refused', () => {
    expect(realtimeKey({ 'api-key': 'apk-a' }, [], q(''), [])).toBe('apk-a');
    expect(realtimeKey({ authorization: 'Bearer apk-a' }, [], q(''), [])).toBe('apk-a');
    expect(realtimeKey({}, [], q('api-key=apk-a'), [])).toBe('apk-a');
    expect(realtimeKey({}, [], q(''), ['realtime', 'openai-insecure-api-key.apk-a'])).toBe('apk-a');
    expect(realtimeKey({ 'api-key': 'apk-a' }, [], q('api-key=apk-a'), ['openai-insecure-api-key.apk-a'])).toBe(
      'apk-a',
    );
    expect(codeOf(() => realtimeKey({ 'api-key': 'apk-a' }, [], q('api-key=apk-b'), []))).toBe('conflicting_api_keys');
    expect(
      codeOf(() => realtimeKey({}, [], q(''), ['openai-insecure-api-key.apk-a', 'openai-insecure-api-key.apk-b'])),
    ).toBe('conflicting_api_keys');
    expect(codeOf(() => realtimeKey({}, [], q(''), ['realtime']))).toBe('missing_api_key');
  });

  it('refuses a malformed or repeated subprotocol list, saying where a shared-code key goes instead', () => {
    expect(offeredProtocols(undefined)).toEqual([]);
    expect(offeredProtocols('realtime, openai-beta.realtime-v1')).toEqual(['realtime', 'openai-beta.realtime-v1']);
    expect(codeOf(() => offeredProtocols('realtime, openai-insecure-api-key.demo@abc/ada@x.org'))).toBe(
      'invalid_request',
    );
    expect(codeOf(() => offeredProtocols('realtime, realtime'))).toBe('invalid_request');
    expect(codeOf(() => offeredProtocols('realtime,,x'))).toBe('invalid_request');
  });
});

describe('the handshake answer and what travels upstream', () => {
  it('echoes realtime when offered, else the first protocol without a key, never the key', () => {
    expect(protocolToEcho(['openai-insecure-api-key.apk-a', 'realtime'])).toBe('realtime');
    expect(protocolToEcho(['openai-insecure-api-key.apk-a', 'openai-beta.realtime-v1'])).toBe(
      'openai-beta.realtime-v1',
    );
    expect(protocolToEcho(['openai-insecure-api-key.apk-a'])).toBeUndefined();
    expect(protocolToEcho([])).toBeUndefined();
  });

  it('forwards a few harmless headers, never a key, an origin or a cookie; a beta subprotocol becomes the header', () => {
    const headers = {
      'api-key': 'apk-a',
      authorization: 'Bearer apk-a',
      origin: 'http://lab',
      cookie: 'x=1',
      'user-agent': 'lab/1',
      'x-ms-client-request-id': 'r1',
    };
    expect(forwardedClientHeaders(headers, ['openai-beta.realtime-v1'])).toEqual({
      'user-agent': 'lab/1',
      'x-ms-client-request-id': 'r1',
      'openai-beta': 'realtime=v1',
    });
    expect(forwardedClientHeaders({ 'openai-beta': 'realtime=v1' }, [])).toEqual({ 'openai-beta': 'realtime=v1' });
  });

  it('names the deployment each form uses', () => {
    expect(requestedDeployment('preview', q('api-version=x&deployment=voice'))).toBe('voice');
    expect(requestedDeployment('preview', q('model=voice'))).toBe('voice');
    expect(requestedDeployment('ga', q('model=voice'))).toBe('voice');
    expect(requestedDeployment('ga', q('deployment=voice'))).toBeUndefined();
    expect(requestedDeployment('ga', q('model=%20'))).toBeUndefined();
  });

  it("builds each form's upstream URL with upstream's name for the deployment and without the key", () => {
    const r = { deployment: 'voice', upstreamDeployment: 'gpt-realtime-prod', apiVersion: '2024-10-21' } as Resource;
    expect(realtimeUrl('https://x.openai.azure.com', 'preview', r, q('deployment=voice&api-key=apk-a'))).toBe(
      `wss://x.openai.azure.com/openai/realtime?deployment=gpt-realtime-prod&api-version=${REALTIME_PREVIEW_API_VERSION}`,
    );
    expect(realtimeUrl('http://127.0.0.1:9', 'preview', r, q('api-version=2025-04-01-preview&deployment=voice'))).toBe(
      'ws://127.0.0.1:9/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-realtime-prod',
    );
    expect(
      realtimeUrl('https://x.openai.azure.com', 'ga', r, q('model=voice&api-key=apk-a&intent=transcription')),
    ).toBe('wss://x.openai.azure.com/openai/v1/realtime?model=gpt-realtime-prod&intent=transcription');
    const preview = { ...r, apiVersion: '2025-04-01-preview' } as Resource;
    expect(realtimeUrl('https://x', 'preview', preview, q(''))).toContain('api-version=2025-04-01-preview');
  });
});

describe('closing', () => {
  it('relays sendable codes, and maps the ones no endpoint may send', () => {
    expect(relayedClose(1000, Buffer.from('bye'), 'client')).toEqual([1000, 'bye']);
    expect(relayedClose(4001, 'custom', 'upstream')).toEqual([4001, 'custom']);
    expect(relayedClose(1005, '', 'client')).toEqual([undefined, '']);
    expect(relayedClose(1006, '', 'upstream')).toEqual([1014, 'The upstream realtime connection was lost.']);
    expect(relayedClose(1006, '', 'client')).toEqual([1001, 'The client connection was lost.']);
    expect(relayedClose(1015, '', 'upstream')[0]).toBe(1014);
  });

  it('cuts a close reason to 123 bytes on a character boundary', () => {
    expect(closeReason('short')).toBe('short');
    const long = 'é'.repeat(100);
    const cut = closeReason(long);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(123);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.startsWith('ééé')).toBe(true);
  });
});
