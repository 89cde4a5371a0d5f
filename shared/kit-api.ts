/**
 * `'events.create'` → `kit.events.create(input)`, `'traffic.subscribe'` →
 * `kit.traffic.subscribe(listener)`: the verb object the preload exposes over
 * IPC and the headless console builds over HTTP. Only types come
 * from the contract (erased at build time), so this module is zod-free.
 */
import type { Input, Output, StreamPayloads } from './contract.js';
import { type MethodName, methodNames, type StreamName, streams } from './methods.js';

type Split<S extends string> = S extends `${infer A}.${infer B}` ? [A, B] : never;

export type KitApi = {
  [G in Split<MethodName>[0]]: {
    [M in MethodName as Split<M>[0] extends G ? Split<M>[1] : never]: (input: Input<M>) => Promise<Output<M>>;
  };
};

export type KitStreams = {
  [G in Split<StreamName>[0]]: {
    [S in StreamName as Split<S>[0] extends G ? Split<S>[1] : never]: (
      listener: (payload: StreamPayloads[S]) => void,
    ) => () => void;
  };
};

/** The verbs plus the live streams: what `window.kit` is in the desktop app. */
export type KitClient = {
  [G in keyof KitApi | keyof KitStreams]: (G extends keyof KitApi ? KitApi[G] : unknown) &
    (G extends keyof KitStreams ? KitStreams[G] : unknown);
};

/** A transport's way to listen to one stream: calls `listener` with each payload until the returned function runs. */
export type Listen = (stream: (typeof streams)[StreamName], listener: (payload: unknown) => void) => () => void;

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

/** The verbs and the streams from one transport: `call` for methods, `listen` for streams. */
export function buildKitClient(
  call: (method: MethodName, input: unknown) => Promise<unknown>,
  listen: Listen,
): KitClient {
  const client = buildKitApi(call) as unknown as Record<string, Record<string, unknown>>;
  for (const name of Object.keys(streams) as StreamName[]) {
    const [group, verb] = name.split('.') as [string, string];
    client[group] ??= {};
    client[group][verb] = (listener: (payload: unknown) => void) => listen(streams[name], listener);
  }
  return client as unknown as KitClient;
}
