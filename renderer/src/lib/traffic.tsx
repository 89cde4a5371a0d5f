/**
 * One live-traffic subscription for the whole console, primed with the
 * recent records, feeding one bounded model that every screen reads.
 */
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import type { TrafficRecord } from '../../../shared/types';
import { kit } from '../client';
import { TrafficModel } from './traffic-model';

const TrafficContext = createContext<TrafficModel | undefined>(undefined);

export function TrafficProvider({ children }: { children: ReactNode }) {
  const [model] = useState(() => new TrafficModel());
  useEffect(() => {
    let stopped = false;
    let primed = false;
    // Records that arrive while the history loads wait, so the model sees them in order.
    const early: TrafficRecord[] = [];
    const unsubscribe = kit.traffic.subscribe((batch) => {
      if (primed) model.add(batch);
      else early.push(...batch.slice(-model.tailSize));
    });
    const prime = (recent: TrafficRecord[]) => {
      if (stopped) return;
      model.add(recent);
      model.add(early);
      primed = true;
    };
    kit.traffic.recent({ limit: 1000 }).then(prime, () => prime([]));
    return () => {
      stopped = true;
      unsubscribe();
    };
  }, [model]);
  return <TrafficContext.Provider value={model}>{children}</TrafficContext.Provider>;
}

/** The model without subscribing: for views that redraw on their own clock (see `useTicker`). */
export function useTrafficModel(): TrafficModel {
  const model = useContext(TrafficContext);
  if (!model) throw new Error('useTrafficModel outside TrafficProvider');
  return model;
}

/** Re-render every `ms` so time-based charts keep moving when traffic stops. */
export function useTicker(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
