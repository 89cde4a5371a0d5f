/**
 * The preload: `window.kit` exposes the contract's verbs (never a raw
 * channel), turns error envelopes into rejections, and relays traffic
 * batches; its bundle stays small and free of the schema library.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { packageRoot } from '../../electron/core/paths.js';
import { methodNames } from '../../shared/methods.js';

const fake = vi.hoisted(() => {
  const exposed: Record<string, unknown> = {};
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  const invoke = vi.fn(async (_channel: string, method: string, input: unknown): Promise<unknown> => {
    if (method === 'events.remove')
      return { ok: false, error: { code: 'not_found', message: 'No event with id "x".' } };
    return { ok: true, value: { method, input } };
  });
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        exposed[key] = api;
      },
    },
    ipcRenderer: {
      invoke,
      on: (ch: string, fn: (...a: unknown[]) => void) => {
        if (!listeners.has(ch)) listeners.set(ch, new Set());
        listeners.get(ch)?.add(fn);
      },
      off: (ch: string, fn: (...a: unknown[]) => void) => listeners.get(ch)?.delete(fn),
    },
  };
  return { exposed, listeners, invoke, electron };
});
vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

type Api = Record<string, Record<string, (input?: unknown) => Promise<unknown>>> & {
  traffic: { subscribe(fn: (b: unknown[]) => void): () => void };
};
let kit: Api;

beforeAll(async () => {
  await import('../../electron/preload.js');
  kit = fake.exposed.kit as Api;
});

describe('preload', () => {
  it('exposes exactly the contract verbs, grouped', () => {
    for (const m of methodNames) {
      const [group, verb] = m.split('.') as [string, string];
      expect(typeof kit[group]?.[verb], m).toBe('function');
    }
    expect(Object.keys(fake.exposed)).toEqual(['kit']);
    expect('invoke' in kit).toBe(false);
  });

  it('calls the one admin channel with the method and input', async () => {
    await expect(kit.events?.create?.({ name: 'X' })).resolves.toEqual({
      method: 'events.create',
      input: { name: 'X' },
    });
    expect(fake.invoke).toHaveBeenLastCalledWith('kit:admin', 'events.create', { name: 'X' });
    await kit.kit?.info?.();
    expect(fake.invoke).toHaveBeenLastCalledWith('kit:admin', 'kit.info', {});
  });

  it('rejects with the kit message and code on an error envelope', async () => {
    await expect(kit.events?.remove?.({ id: 'x' })).rejects.toMatchObject({
      message: 'No event with id "x".',
      code: 'not_found',
    });
  });

  it('relays traffic batches until unsubscribed', () => {
    const got: unknown[][] = [];
    const stop = kit.traffic.subscribe((b) => got.push(b));
    for (const fn of fake.listeners.get('kit:traffic') ?? []) fn({}, [{ id: 1 }]);
    stop();
    for (const fn of fake.listeners.get('kit:traffic') ?? []) fn({}, [{ id: 2 }]);
    expect(got).toEqual([[{ id: 1 }]]);
  });
});

describe('preload bundle', () => {
  const bundle = join(packageRoot(), 'out', 'preload', 'preload.cjs');
  it.skipIf(!existsSync(bundle))('is small and carries no schema library', () => {
    expect(statSync(bundle).size).toBeLessThan(16 * 1024);
    const text = readFileSync(bundle, 'utf8');
    expect(text).not.toMatch(/zod|ZodError/);
    expect(text).toContain('kit:admin');
  });
});
