/**
 * "Duplicate" on an event: the same workshop again, with its resources,
 * limits and options, under a new name, code and dates. The dates proposed
 * are the source's, moved by whole weeks to the first run still ahead (a
 * weekly class goes on the next week; a one-off gets next week's slot).
 */
import { useState } from 'react';
import type { EventView } from '../../../shared/contract';
import { schemas } from '../../../shared/schemas';
import { fromZonedInput, offsetLabel, toZonedInput } from '../../../shared/zoned-time';
import { kit } from '../client';
import { type FieldErrors, issuesToErrors, TextField } from '../ui/form';
import { type Checked, FormDialog } from '../ui/form-dialog';

const WEEK = 7 * 86_400_000;

/** The source's start and end moved by the fewest whole weeks (at least one) that put the start ahead of now. */
export function nextRun(e: Pick<EventView, 'startsAt' | 'endsAt'>, now = Date.now()): { start: number; end: number } {
  const start = Date.parse(e.startsAt);
  const length = Date.parse(e.endsAt) - start;
  const weeks = Math.max(1, Math.ceil((now - start) / WEEK));
  return { start: start + weeks * WEEK, end: start + weeks * WEEK + length };
}

export function EventDuplicate(props: { event: EventView; onClose: () => void; onSaved: (e: EventView) => void }) {
  const { event } = props;
  const tz = event.timeZone;
  const run = nextRun(event);
  const [name, setName] = useState(`${event.name} (copy)`);
  const [code, setCode] = useState('');
  const [start, setStart] = useState(toZonedInput(new Date(run.start).toISOString(), tz));
  const [end, setEnd] = useState(toZonedInput(new Date(run.end).toISOString(), tz));
  const [errors, setErrors] = useState<FieldErrors>({});

  function check(): Checked<Parameters<typeof kit.events.duplicate>[0]> {
    const input = {
      id: event.id,
      name,
      ...(code.trim() ? { code: code.trim() } : {}),
      startsAt: fromZonedInput(start, tz) ?? start,
      endsAt: fromZonedInput(end, tz) ?? end,
    };
    const parsed = schemas.duplicate.safeParse(input);
    if (!parsed.success) {
      const e = issuesToErrors(parsed.error);
      if (e.startsAt) e.startsAt = 'Pick a start date and time.';
      if (e.endsAt && !fromZonedInput(end, tz)) e.endsAt = 'Pick an end date and time.';
      return { ok: false, errors: e };
    }
    return { ok: true, input: parsed.data };
  }

  return (
    <FormDialog
      id="duplicate-form"
      title={`Duplicate ${event.name}`}
      description="A new event with the same resources, limits and options: a new code and new dates, and nobody registered yet."
      submitLabel="Create the copy"
      busyLabel="Creating…"
      check={check}
      send={(input) => kit.events.duplicate(input)}
      onSaved={props.onSaved}
      onClose={props.onClose}
      fieldNames={['name', 'code', 'startsAt', 'endsAt']}
      errors={errors}
      onErrors={setErrors}
    >
      <TextField label="Event name" value={name} onChange={setName} error={errors.name} full />
      <TextField
        label="Starts"
        type="datetime-local"
        value={start}
        onChange={setStart}
        error={errors.startsAt}
        hint={`Venue time, ${tz} (${offsetLabel(tz)})`}
      />
      <TextField label="Ends" type="datetime-local" value={end} onChange={setEnd} error={errors.endsAt} />
      <TextField
        label="Event code"
        value={code}
        onChange={setCode}
        error={errors.code}
        placeholder="generated"
        hint={`In the join URL; "${event.code}" stays with the original.`}
      />
    </FormDialog>
  );
}
