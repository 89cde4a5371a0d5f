/** The header every screen starts with: title, one line of context, the screen's main actions. */
import type { ReactNode } from 'react';

export function PageHead(props: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-head">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle && <p>{props.subtitle}</p>}
      </div>
      {props.actions && <div className="actions">{props.actions}</div>}
    </header>
  );
}

export function Pill({ kind, children }: { kind?: 'ok' | 'warn' | 'bad' | 'accent'; children: ReactNode }) {
  return <span className={`pill${kind ? ` ${kind}` : ''}`}>{children}</span>;
}
