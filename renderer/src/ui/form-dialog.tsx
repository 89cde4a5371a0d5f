/**
 * A create-or-edit form in a dialog, the way every form of the console
 * saves: the page checks its draft first (field errors stay beside their
 * fields), then the kit is called with a busy state, and what the kit
 * refuses comes back beside the fields it names (`error.fields`) or above
 * the form.
 */
import { type ReactNode, useState } from 'react';
import { Dialog } from './dialog';
import { type FieldErrors, serverErrorToFields } from './form';
import { Banner } from './states';

export type Checked<I> = { ok: true; input: I } | { ok: false; errors: FieldErrors };

export function FormDialog<I, O>(props: {
  id: string;
  title: string;
  description: ReactNode;
  submitLabel: string;
  /** What the submit button says while the kit works (default "Saving…"). */
  busyLabel?: string;
  /** The draft checked in the page: the input to send, or field errors. */
  check: () => Checked<I>;
  send: (input: I) => Promise<O>;
  onSaved: (saved: O) => void;
  onClose: () => void;
  /** The fields the form shows: a refusal naming one goes beside it, any other above the form. */
  fieldNames: string[];
  errors: FieldErrors;
  onErrors: (errors: FieldErrors) => void;
  children: ReactNode;
}) {
  const [busy, setBusy] = useState(false);
  async function save() {
    const checked = props.check();
    if (!checked.ok) {
      props.onErrors(checked.errors);
      return;
    }
    setBusy(true);
    props.onErrors({});
    try {
      props.onSaved(await props.send(checked.input));
    } catch (e) {
      props.onErrors(serverErrorToFields(e as Error & { fields?: Record<string, string> }, props.fieldNames));
      setBusy(false);
    }
  }
  return (
    <Dialog
      title={props.title}
      description={props.description}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" onClick={props.onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form={props.id} className="primary" disabled={busy}>
            {busy ? (props.busyLabel ?? 'Saving…') : props.submitLabel}
          </button>
        </>
      }
    >
      <form
        id={props.id}
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {props.errors.form && <Banner kind="error">{props.errors.form}</Banner>}
        <div className="form-grid">{props.children}</div>
      </form>
    </Dialog>
  );
}
