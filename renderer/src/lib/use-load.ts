/** Loads something from the kit with loading and error state, and a reload that keeps the old data visible. */
import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

export interface Load<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload: () => void;
  /** Replace the data locally after a mutation answered with the new record. */
  set: (update: (old: T | undefined) => T) => void;
}

export function useLoad<T>(fn: () => Promise<T>, deps: DependencyList, refreshMs?: number): Load<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when `fn` changes
  const run = useCallback(fn, deps);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is how reload() asks for another run
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    run().then(
      (d) => {
        if (seq.current !== mine) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: Error) => {
        if (seq.current !== mine) return;
        setError(e);
        setLoading(false);
      },
    );
  }, [run, tick]);

  useEffect(() => {
    if (!refreshMs) return;
    const t = setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => clearInterval(t);
  }, [refreshMs]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const set = useCallback((update: (old: T | undefined) => T) => setData((d) => update(d)), []);
  return { data, error, loading, reload, set };
}
