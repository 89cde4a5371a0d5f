/**
 * Modal dialogs on the native <dialog> element: focus trapping, Escape and
 * the backdrop come from the browser, and assistive tech sees role=dialog.
 */
import { type ReactNode, useEffect, useRef, useState } from 'react';

export function Dialog(props: {
  title: string;
  description?: ReactNode;
  onClose: () => void;
  footer?: ReactNode;
  narrow?: boolean;
  className?: string;
  children?: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const { onClose } = props;
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    const cancel = (e: Event) => {
      e.preventDefault();
      onClose();
    };
    d?.addEventListener('cancel', cancel);
    return () => d?.removeEventListener('cancel', cancel);
  }, [onClose]);
  return (
    <dialog
      ref={ref}
      className={[props.narrow ? 'narrow' : '', props.className ?? ''].join(' ')}
      aria-label={props.title}
    >
      <div className="dialog-head">
        <h2>{props.title}</h2>
        {props.description && <p>{props.description}</p>}
      </div>
      {props.children && <div className="dialog-body">{props.children}</div>}
      {props.footer && <div className="dialog-foot">{props.footer}</div>}
    </dialog>
  );
}

/** "Delete event Foo?" with a red button; the action runs with a busy state and reports its error inline. */
export function Confirm(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <Dialog
      narrow
      title={props.title}
      description={props.children}
      onClose={props.onClose}
      footer={
        <>
          {error && (
            <span className="field-error" role="alert" style={{ marginRight: 'auto', color: 'var(--bad)' }}>
              {error}
            </span>
          )}
          <button type="button" onClick={props.onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className="danger solid"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(undefined);
              try {
                await props.onConfirm();
                props.onClose();
              } catch (e) {
                setError((e as Error).message);
                setBusy(false);
              }
            }}
          >
            {busy ? 'Working…' : props.confirmLabel}
          </button>
        </>
      }
    />
  );
}
