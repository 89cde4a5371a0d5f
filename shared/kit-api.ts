/**
 * `'events.create'` → `kit.events.create(input)`: the verb object the preload
 * exposes over IPC and the headless console builds over HTTP. Only types come
 * from the contract (erased at build time), so this module is zod-free.
 */
import type { Input, Output } from './contract.js';
import { type MethodName, methodNames } from './methods.js';
import type { TrafficRecord } from './types.js';

type Split<S extends string> = S extends `${infer A}.${infer B}` ? [A, B] : never;

export type KitApi = {
  [G in Split<MethodName>[0]]: {
    [M in MethodName as Split<M>[0] extends G ? Split<M>[1] : never]: (input: Input<M>) => Promise<Output<M>>;
  };
};

/** The verbs plus the live feed: what `window.kit` is in the desktop app. */
export type KitClient = KitApi & {
  traffic: KitApi['traffic'] & { subscribe(listener: (batch: TrafficRecord[]) => void): () => void };
};

/** Builds the verb object from any transport (IPC invoke, HTTP fetch). */
export function buildKitApi(call: (method: MethodName, input: unknown) => Promise<unknown>): KitApi {
  const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const m of methodNames) {
    const [group, verb] = m.split('.') as [string, string];
    api[group] ??= {};
    api[group][verb] = (input: unknown) => call(m, input ?? {});
  }
  return api as unknown as KitApi;
}
