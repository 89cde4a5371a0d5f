/**
 * Create or edit an event. Times are typed on the venue's wall clock in the
 * chosen IANA zone; the form validates with the contract's own schema, so
 * what it accepts is what the kit accepts.
 */
import { useMemo, useState } from 'react';
import type { EventView, ResourceView } from '../../../shared/contract';
import { eventCreateSchema, eventUpdateSchema } from '../../../shared/schemas';
import { allTimeZones, fromZonedInput, localTimeZone, offsetLabel, toZonedInput } from '../../../shared/zoned-time';
import { kit } from '../client';
import { Check, Field, type FieldErrors, issuesToErrors, TextField } from '../ui/form';
import { type Checked, FormDialog } from '../ui/form-dialog';
import { type BudgetDraft, BudgetFields, budgetDraft, moneyErrors, toBudget } from './cost-fields';
import { type LimitDraft, LimitFields, limitDraft, limitErrors, minuteLimitNames, toLimits } from './limit-fields';

interface Draft {
  name: string;
  description: string;
  code: string;
  start: string;
  end: string;
  timeZone: string;
  dailyRequestCap: string;
  maxTokenCap: string;
  dailyTokenBudget: string;
  capacity: string;
  joinPassword: string;
  sharedCode: string;
  allowedOrigins: string;
  resourceIds: string[];
  enabled: boolean;
  budget: BudgetDraft;
  limits: LimitDraft;
}

const fieldNames = [
  'name',
  'description',
  'code',
  'startsAt',
  'endsAt',
  'timeZone',
  'dailyRequestCap',
  'maxTokenCap',
  'dailyTokenBudget',
  ...minuteLimitNames,
  'deploymentDailyCaps',
  'capacity',
  'joinPassword',
  'sharedCode',
  'allowedOrigins',
  'resourceIds',
  'costBudget',
];

function initialDraft(e: EventView | undefined, resources: ResourceView[]): Draft {
  if (e)
    return {
      name: e.name,
      description: e.description ?? '',
      code: e.code,
      start: toZonedInput(e.startsAt, e.timeZone),
      end: toZonedInput(e.endsAt, e.timeZone),
      timeZone: e.timeZone,
      dailyRequestCap: String(e.dailyRequestCap),
      maxTokenCap: String(e.maxTokenCap),
      dailyTokenBudget: e.dailyTokenBudget ? String(e.dailyTokenBudget) : '',
      capacity: e.capacity ? String(e.capacity) : '',
      joinPassword: e.joinPassword ?? '',
      sharedCode: e.sharedCode ?? '',
      allowedOrigins: (e.allowedOrigins ?? []).join(' '),
      resourceIds: e.resourceIds,
      enabled: e.enabled,
      budget: budgetDraft(e.costBudget),
      limits: limitDraft(e),
    };
  const tz = localTimeZone();
  // Starting on the current 5 minutes makes a new event live at once; workshops rarely run past a day.
  const start = Math.floor(Date.now() / 300_000) * 300_000;
  return {
    name: '',
    description: '',
    code: '',
    start: toZonedInput(new Date(start).toISOString(), tz),
    end: toZonedInput(new Date(start + 8 * 3600_000).toISOString(), tz),
    timeZone: tz,
    dailyRequestCap: '500',
    maxTokenCap: '4096',
    dailyTokenBudget: '',
    capacity: '',
    joinPassword: '',
    sharedCode: '',
    allowedOrigins: '',
    resourceIds: resources.filter((r) => r.enabled).map((r) => r.id),
    enabled: true,
    budget: budgetDraft(),
    limits: limitDraft(),
  };
}

const whole = (s: string): number | string => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s);

/**
 * An optional setting left empty: omitted when creating; `null` when editing, which clears what was set
 * (leaving it out would keep the old capacity or password).
 */
function optional<T>(value: T | undefined, editing: boolean): T | null | undefined {
  return value === undefined ? (editing ? null : undefined) : value;
}

/** Origins typed one after another (spaces, commas or new lines between them); none means any origin. */
function origins(text: string): string[] | undefined {
  const list = text.split(/[\s,]+/).filter(Boolean);
  return list.length ? list : undefined;
}

function toInput(d: Draft, editing: boolean) {
  const tzOk = allTimeZones().includes(d.timeZone) || d.timeZone === 'UTC';
  return {
    name: d.name,
    description: optional(d.description.trim() ? d.description : undefined, editing),
    ...(d.code.trim() ? { code: d.code.trim() } : {}),
    startsAt: (tzOk && fromZonedInput(d.start, d.timeZone)) || d.start,
    endsAt: (tzOk && fromZonedInput(d.end, d.timeZone)) || d.end,
    timeZone: d.timeZone,
    dailyRequestCap: whole(d.dailyRequestCap || '0'),
    maxTokenCap: whole(d.maxTokenCap || '0'),
    dailyTokenBudget: optional(d.dailyTokenBudget.trim() ? whole(d.dailyTokenBudget) : undefined, editing),
    ...toLimits(d.limits, editing),
    capacity: optional(d.capacity.trim() ? whole(d.capacity) : undefined, editing),
    joinPassword: optional(d.joinPassword ? d.joinPassword : undefined, editing),
    sharedCode: optional(d.sharedCode.trim() ? d.sharedCode.trim() : undefined, editing),
    allowedOrigins: optional(origins(d.allowedOrigins), editing),
    resourceIds: d.resourceIds,
    enabled: d.enabled,
    costBudget: optional(toBudget(d.budget) ?? undefined, editing),
  };
}

/** Schema messages are terse ("Invalid input"); say what to type instead where it helps. */
function friendly(errors: FieldErrors, d: Draft): FieldErrors {
  const out = limitErrors(errors);
  if (out.startsAt && !fromZonedInput(d.start, 'UTC')) out.startsAt = 'Pick a start date and time.';
  if (out.endsAt && !fromZonedInput(d.end, 'UTC')) out.endsAt = 'Pick an end date and time.';
  if (out.costBudget) out.costBudget = moneyErrors(out, 'costBudget') as string;
  if (out.allowedOrigins)
    out.allowedOrigins = 'Origins like http://localhost:5173 (scheme, host and port; no path), separated by spaces.';
  for (const k of ['dailyRequestCap', 'maxTokenCap', 'capacity', 'dailyTokenBudget'])
    if (out[k])
      out[k] =
        k === 'capacity' || k === 'dailyTokenBudget'
          ? 'A whole number, or empty for no limit.'
          : 'A whole number (0 = no limit).';
  return out;
}

export function EventForm(props: {
  event?: EventView;
  resources: ResourceView[];
  onClose: () => void;
  onSaved: (e: EventView) => void;
}) {
  const [d, setD] = useState(() => initialDraft(props.event, props.resources));
  const [errors, setErrors] = useState<FieldErrors>({});
  const zones = useMemo(allTimeZones, []);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((old) => ({ ...old, [k]: v }));
  const [timesTouched, setTimesTouched] = useState(!!props.event);
  /** Until the organizer types times, a zone change keeps the suggested instants rather than the wall clock. */
  const setZone = (tz: string) =>
    setD((old) => {
      const ok = zones.includes(tz) && zones.includes(old.timeZone);
      const start = ok && !timesTouched ? fromZonedInput(old.start, old.timeZone) : undefined;
      const end = ok && !timesTouched ? fromZonedInput(old.end, old.timeZone) : undefined;
      return {
        ...old,
        timeZone: tz,
        ...(start && end ? { start: toZonedInput(start, tz), end: toZonedInput(end, tz) } : {}),
      };
    });

  function check(): Checked<object> {
    const input = toInput(d, !!props.event);
    const parsed = props.event
      ? eventUpdateSchema.safeParse({ id: props.event.id, ...input })
      : eventCreateSchema.safeParse(input);
    if (!parsed.success) return { ok: false, errors: friendly(issuesToErrors(parsed.error), d) };
    return { ok: true, input: parsed.data };
  }

  const tzValid = zones.includes(d.timeZone);
  return (
    <FormDialog
      id="event-form"
      title={props.event ? `Edit ${props.event.name}` : 'New event'}
      description="Attendees can register before the start; their keys work only between start and end."
      submitLabel={props.event ? 'Save changes' : 'Create event'}
      check={check}
      send={(input) =>
        props.event
          ? kit.events.update({ id: props.event.id, ...input } as Parameters<typeof kit.events.update>[0])
          : kit.events.create(input as Parameters<typeof kit.events.create>[0])
      }
      onSaved={props.onSaved}
      onClose={props.onClose}
      fieldNames={fieldNames}
      errors={errors}
      onErrors={setErrors}
    >
      <TextField label="Event name" value={d.name} onChange={(v) => set('name', v)} error={errors.name} full />
      <Field label="Description" error={errors.description} hint="Shown on the join page." full>
        {(id, describedBy, invalid) => (
          <textarea
            id={id}
            value={d.description}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(e) => set('description', e.target.value)}
          />
        )}
      </Field>
      <TextField
        label="Starts"
        type="datetime-local"
        value={d.start}
        onChange={(v) => {
          setTimesTouched(true);
          set('start', v);
        }}
        error={errors.startsAt}
        hint={`Venue time, ${d.timeZone}`}
      />
      <TextField
        label="Ends"
        type="datetime-local"
        value={d.end}
        onChange={(v) => {
          setTimesTouched(true);
          set('end', v);
        }}
        error={errors.endsAt}
        hint="Keys stop working at this time."
      />
      <Field
        label="Time zone"
        error={errors.timeZone ?? (tzValid ? undefined : 'Pick a zone from the list, e.g. Europe/Paris.')}
        hint={tzValid ? `${offsetLabel(d.timeZone)} now; daily caps reset at midnight here.` : undefined}
      >
        {(id, describedBy, invalid) => (
          <>
            <input
              id={id}
              list={`${id}-zones`}
              value={d.timeZone}
              aria-invalid={invalid}
              aria-describedby={describedBy}
              onChange={(e) => setZone(e.target.value)}
            />
            <datalist id={`${id}-zones`}>
              {zones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <TextField
        label="Event code"
        value={d.code}
        onChange={(v) => set('code', v)}
        error={errors.code}
        placeholder="generated"
        hint="In the join URL. Letters, digits and dashes."
      />
      <TextField
        label="Requests per attendee per day"
        type="number"
        min={0}
        value={d.dailyRequestCap}
        onChange={(v) => set('dailyRequestCap', v)}
        error={errors.dailyRequestCap}
        hint="0 = no limit."
      />
      <TextField
        label="Max tokens per request"
        type="number"
        min={0}
        value={d.maxTokenCap}
        onChange={(v) => set('maxTokenCap', v)}
        error={errors.maxTokenCap}
        hint="Applied when a call sets none. 0 = no limit."
      />
      <TextField
        label="Tokens per attendee per day"
        type="number"
        min={0}
        value={d.dailyTokenBudget}
        onChange={(v) => set('dailyTokenBudget', v)}
        error={errors.dailyTokenBudget}
        placeholder="no budget"
        hint="Counted from upstream usage; resets at midnight."
      />
      <LimitFields
        value={d.limits}
        onChange={(v) => set('limits', v)}
        errors={errors}
        resources={props.resources}
        resourceIds={d.resourceIds}
      />
      <div className="section-title full">Registration and access</div>
      <TextField
        label="Capacity"
        type="number"
        min={1}
        value={d.capacity}
        onChange={(v) => set('capacity', v)}
        error={errors.capacity}
        placeholder="unlimited"
        hint="Registrations beyond it are refused."
      />
      <TextField
        label="Join password"
        value={d.joinPassword}
        onChange={(v) => set('joinPassword', v)}
        error={errors.joinPassword}
        placeholder="none"
        hint="Say it out loud in the room; leave empty for open registration."
      />
      <TextField
        label="Shared code"
        value={d.sharedCode}
        onChange={(v) => set('sharedCode', v)}
        error={errors.sharedCode}
        placeholder="off"
        hint="Azure AI Proxy style keys: <event code>@<shared code>/<email>, no registration needed."
      />
      <TextField
        label="Browser origins"
        value={d.allowedOrigins}
        onChange={(v) => set('allowedOrigins', v)}
        error={errors.allowedOrigins}
        placeholder="any origin"
        hint="Web pages whose scripts may call the API with this event's keys (browser labs), e.g. http://localhost:5173. Empty: any page."
        full
      />
      <BudgetFields value={d.budget} onChange={(v) => set('budget', v)} error={errors.costBudget} />
      <Field label="Resources" error={errors.resourceIds} full hint="The deployments attendees can call.">
        {(id, describedBy) => (
          <fieldset className="checklist" id={id} aria-describedby={describedBy}>
            {props.resources.length === 0 && (
              <span className="muted">No resources yet: add one on the Resources screen first.</span>
            )}
            {props.resources.map((r) => (
              <Check
                key={r.id}
                label={`${r.name} · ${r.deployment} (${r.kind})${r.enabled ? '' : ' · disabled'}`}
                checked={d.resourceIds.includes(r.id)}
                onChange={(on) =>
                  set('resourceIds', on ? [...d.resourceIds, r.id] : d.resourceIds.filter((x) => x !== r.id))
                }
              />
            ))}
          </fieldset>
        )}
      </Field>
      <div className="full">
        <Check
          label="Enabled: keys work during the event window"
          checked={d.enabled}
          onChange={(v) => set('enabled', v)}
        />
      </div>
    </FormDialog>
  );
}
