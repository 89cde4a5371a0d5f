/** Loading, empty and error states, so no screen is ever a blank box or a raw error. */
import type { ReactNode } from 'react';
import { Icon, type IconName } from './icons';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <div className="spinner" />
      <p className="muted">{label}</p>
    </div>
  );
}

export function Empty(props: { icon?: IconName; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state">
      <div className="icon">
        <Icon name={props.icon ?? 'empty'} />
      </div>
      <h3>{props.title}</h3>
      {props.children && <p>{props.children}</p>}
      {props.action && <div className="actions">{props.action}</div>}
    </div>
  );
}

export function Failed({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <div className="icon">
        <Icon name="alert" />
      </div>
      <h3>Could not load this</h3>
      <p>{error.message}</p>
      {retry && (
        <div className="actions">
          <button type="button" onClick={retry}>
            Try again
          </button>
        </div>
      )}
    </div>
  );
}

/** Renders the right state for a load, or the children once data is there. */
export function Loaded<T>(props: {
  load: { data?: T; error?: Error; reload: () => void };
  children: (data: T) => ReactNode;
  label?: string;
}) {
  const { data, error, reload } = props.load;
  if (error && data === undefined) return <Failed error={error} retry={reload} />;
  if (data === undefined) return <Loading label={props.label} />;
  return <>{props.children(data)}</>;
}

export function Banner({ kind = 'info', children }: { kind?: 'info' | 'error' | 'warn'; children: ReactNode }) {
  return (
    <div className={`banner ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
