/**
 * One attendee's own limits in place of the event's (the speaker's key, a
 * team that needs more): a number replaces the event's limit, 0 lifts it, an
 * emptied field goes back to the event's (`null` clears the override). Saved
 * through `attendees.update`; the row shows what is overridden.
 */
import { useState } from 'react';
import type { AttendeeView, EventView } from '../../../shared/contract';
import { attendeeLimitsPatchSchema } from '../../../shared/schemas';
import { type AttendeeLimitName, attendeeLimitNames } from '../../../shared/types';
import { kit } from '../client';
import { fmtCompact } from '../lib/format';
import { type FieldErrors, issuesToErrors, TextField } from '../ui/form';
import { type Checked, FormDialog } from '../ui/form-dialog';

const labels: Record<AttendeeLimitName, { field: string; short: string }> = {
  dailyRequestCap: { field: 'Requests per day', short: 'req/day' },
  dailyTokenBudget: { field: 'Tokens per day', short: 'tokens/day' },
  requestsPerMinute: { field: 'Requests per minute', short: 'req/min' },
  tokensPerMinute: { field: 'Tokens per minute', short: 'tokens/min' },
  concurrentRequests: { field: 'Calls in flight', short: 'in flight' },
};

/** The event's own value of a limit, as the placeholder shows it. */
function eventValue(event: EventView, name: AttendeeLimitName): string {
  const v = event[name];
  return v ? `event: ${fmtCompact(v)}` : 'event: no limit';
}

/** The row's summary of an attendee's overrides ("no limit" for a lifted one). */
export function overrideSummary(a: AttendeeView): string[] {
  return attendeeLimitNames
    .filter((n) => a.limits?.[n] !== undefined)
    .map((n) => {
      const v = a.limits?.[n] as number;
      return v === 0 ? `no ${labels[n].short} limit` : `${fmtCompact(v)} ${labels[n].short}`;
    });
}

export function AttendeeLimitsForm(props: {
  event: EventView;
  attendee: AttendeeView;
  label: string;
  onClose: () => void;
  onSaved: (a: AttendeeView) => void;
}) {
  const [d, setD] = useState<Record<AttendeeLimitName, string>>(
    () =>
      Object.fromEntries(
        attendeeLimitNames.map((n) => [
          n,
          props.attendee.limits?.[n] === undefined ? '' : String(props.attendee.limits[n]),
        ]),
      ) as Record<AttendeeLimitName, string>,
  );
  const [errors, setErrors] = useState<FieldErrors>({});

  function check(): Checked<{ attendeeId: string; limits: Record<string, number | null> }> {
    const limits = Object.fromEntries(
      attendeeLimitNames.map((n) => {
        const t = d[n].trim();
        return [n, t === '' ? null : /^\d+$/.test(t) ? Number(t) : t];
      }),
    );
    const parsed = attendeeLimitsPatchSchema.safeParse(limits);
    if (!parsed.success) {
      const errs = issuesToErrors(parsed.error);
      for (const k of Object.keys(errs)) errs[k] = 'A whole number (0 = no limit), or empty for the event’s.';
      return { ok: false, errors: errs };
    }
    return { ok: true, input: { attendeeId: props.attendee.id, limits: parsed.data as Record<string, number | null> } };
  }

  return (
    <FormDialog
      id="attendee-limits"
      title={`Limits for ${props.label}`}
      description="A number replaces the event's limit for this attendee only; 0 lifts it; empty follows the event."
      submitLabel="Save limits"
      check={check}
      send={(input) => kit.attendees.update(input)}
      onSaved={props.onSaved}
      onClose={props.onClose}
      fieldNames={[...attendeeLimitNames]}
      errors={errors}
      onErrors={setErrors}
    >
      {attendeeLimitNames.map((n) => (
        <TextField
          key={n}
          label={labels[n].field}
          type="number"
          min={0}
          value={d[n]}
          onChange={(v) => setD((old) => ({ ...old, [n]: v }))}
          error={errors[n]}
          placeholder={eventValue(props.event, n)}
        />
      ))}
    </FormDialog>
  );
}
