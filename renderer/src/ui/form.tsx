/**
 * Form building blocks: a labelled field with its hint and error, and a way
 * to turn the contract schema's issues into per-field messages, so the forms
 * validate exactly as the kit will.
 */
import { type ReactNode, useId } from 'react';
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

/** zod's default wording is for developers ("expected string to have >=1 characters"); say it plainly. */
function plain(i: z.core.$ZodIssue): string {
  if (i.code === 'too_small' && i.origin === 'string')
    return Number(i.minimum) <= 1 ? 'Required.' : `At least ${i.minimum} characters.`;
  if (i.code === 'too_big' && i.origin === 'string') return `At most ${i.maximum} characters.`;
  if (i.code === 'too_small' && i.origin === 'number') return `At least ${i.minimum}.`;
  if (i.code === 'too_big' && i.origin === 'number') return `At most ${i.maximum}.`;
  if (i.code === 'invalid_type') return 'Required.';
  return i.message.charAt(0).toUpperCase() + i.message.slice(1) + (/[.!?]$/.test(i.message) ? '' : '.');
}

export function issuesToErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const i of error.issues) {
    const key = String(i.path[0] ?? 'form');
    out[key] ??= plain(i);
  }
  return out;
}

/** The kit's refusal, beside each field it names (its `fields`); the rest above the form. */
export function serverErrorToFields(
  error: { message: string; fields?: Record<string, string> },
  known: string[],
): FieldErrors {
  if (!error.fields) return { form: error.message };
  const out: FieldErrors = {};
  for (const [field, problem] of Object.entries(error.fields)) {
    if (known.includes(field)) out[field] = problem;
    else out.form = out.form ? `${out.form}; ${field}: ${problem}` : `${field}: ${problem}`;
  }
  return out;
}

export function Field(props: {
  label: string;
  error?: string;
  hint?: ReactNode;
  full?: boolean;
  children: (id: string, describedBy: string | undefined, invalid: boolean) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const describedBy = [props.hint ? hintId : '', props.error ? errId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${props.full ? ' full' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, describedBy, !!props.error)}
      {props.error ? (
        <span className="field-error" id={errId}>
          {props.error}
        </span>
      ) : (
        props.hint && (
          <span className="hint" id={hintId}>
            {props.hint}
          </span>
        )
      )}
    </div>
  );
}

export function TextField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: ReactNode;
  full?: boolean;
  type?: string;
  placeholder?: string;
  autoComplete?: string;
  min?: number;
}) {
  return (
    <Field label={props.label} error={props.error} hint={props.hint} full={props.full}>
      {(id, describedBy, invalid) => (
        <input
          id={id}
          type={props.type ?? 'text'}
          value={props.value}
          min={props.min}
          placeholder={props.placeholder}
          autoComplete={props.autoComplete ?? 'off'}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  value: T;
  options: ReadonlyArray<{ value: T; label: string }>;
  onChange: (v: T) => void;
  error?: string;
  hint?: ReactNode;
  full?: boolean;
}) {
  return (
    <Field label={props.label} error={props.error} hint={props.hint} full={props.full}>
      {(id, describedBy, invalid) => (
        <select
          id={id}
          value={props.value}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(e) => props.onChange(e.target.value as T)}
        >
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function Check(props: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="check">
      <input type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} />
      {props.label}
    </label>
  );
}
