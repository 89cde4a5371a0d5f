/**
 * The event form's fair-room settings: per-minute limits per attendee
 * (requests, tokens, calls in flight), the longest realtime session, and a
 * daily cap of its own for each deployment the event serves (images and
 * embeddings cost differently from chat). Kept as text while typed; `toLimits`
 * turns them into the contract's fields, empty meaning "no limit" (omitted on
 * a new event, cleared with `null` on edit).
 */
import type { EventView, ResourceView } from '../../../shared/contract';
import { Field, type FieldErrors, TextField } from '../ui/form';

export const minuteLimitNames = [
  'requestsPerMinute',
  'tokensPerMinute',
  'concurrentRequests',
  'maxSessionMinutes',
] as const;
type MinuteLimitName = (typeof minuteLimitNames)[number];

export interface LimitDraft {
  requestsPerMinute: string;
  tokensPerMinute: string;
  concurrentRequests: string;
  maxSessionMinutes: string;
  /** Deployment name → its daily cap as typed; empty = no cap of its own. */
  deploymentCaps: Record<string, string>;
}

const text = (n: number | undefined) => (n ? String(n) : '');

export function limitDraft(e?: EventView): LimitDraft {
  return {
    requestsPerMinute: text(e?.requestsPerMinute),
    tokensPerMinute: text(e?.tokensPerMinute),
    concurrentRequests: text(e?.concurrentRequests),
    maxSessionMinutes: text(e?.maxSessionMinutes),
    deploymentCaps: Object.fromEntries(Object.entries(e?.deploymentDailyCaps ?? {}).map(([k, v]) => [k, text(v)])),
  };
}

/** A whole number as typed, else the text itself so the contract's schema refuses it by name. */
const whole = (s: string): number | string => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s);

/** The contract's fields for the draft; an empty field is no limit (`null` on edit clears a stored one). */
export function toLimits(d: LimitDraft, editing: boolean) {
  const out: Partial<Record<MinuteLimitName | 'deploymentDailyCaps', unknown>> = {};
  for (const k of minuteLimitNames) {
    if (d[k].trim()) out[k] = whole(d[k]);
    else if (editing) out[k] = null;
  }
  const caps = Object.entries(d.deploymentCaps).filter(([, v]) => v.trim() && v.trim() !== '0');
  if (caps.length) out.deploymentDailyCaps = Object.fromEntries(caps.map(([k, v]) => [k, whole(v)]));
  else if (editing) out.deploymentDailyCaps = null;
  return out;
}

/** Says what to type instead of the schema's terse words. */
export function limitErrors(errors: FieldErrors): FieldErrors {
  const out = { ...errors };
  for (const k of minuteLimitNames) if (out[k]) out[k] = 'A whole number, or empty (or 0) for no limit.';
  if (out.deploymentDailyCaps)
    out.deploymentDailyCaps = 'Whole numbers per deployment, or empty for no cap of its own.';
  return out;
}

/** The deployment names of the chosen resources, then any with a cap stored whose resource was since removed. */
function deploymentNames(resources: ResourceView[], chosen: string[], caps: Record<string, string>): string[] {
  const names = resources.filter((r) => chosen.includes(r.id) && r.kind !== 'mcp').map((r) => r.deployment);
  for (const [name, v] of Object.entries(caps)) if (v.trim()) names.push(name);
  return [...new Set(names)].sort();
}

export function LimitFields(props: {
  value: LimitDraft;
  onChange: (d: LimitDraft) => void;
  errors: FieldErrors;
  resources: ResourceView[];
  resourceIds: string[];
}) {
  const d = props.value;
  const set = (k: MinuteLimitName) => (v: string) => props.onChange({ ...d, [k]: v });
  const names = deploymentNames(props.resources, props.resourceIds, d.deploymentCaps);
  return (
    <>
      <div className="section-title full">Per minute, per attendee (a fair room)</div>
      <TextField
        label="Requests per minute"
        type="number"
        min={0}
        value={d.requestsPerMinute}
        onChange={set('requestsPerMinute')}
        error={props.errors.requestsPerMinute}
        placeholder="no limit"
        hint="Beyond it: 429 with Retry-After; the SDKs wait and retry by themselves."
      />
      <TextField
        label="Tokens per minute"
        type="number"
        min={0}
        value={d.tokensPerMinute}
        onChange={set('tokensPerMinute')}
        error={props.errors.tokensPerMinute}
        placeholder="no limit"
        hint="Counted from upstream usage once each answer is done."
      />
      <TextField
        label="Calls in flight"
        type="number"
        min={0}
        value={d.concurrentRequests}
        onChange={set('concurrentRequests')}
        error={props.errors.concurrentRequests}
        placeholder="no limit"
        hint="Per attendee at once; a realtime session holds one."
      />
      <TextField
        label="Longest realtime session (minutes)"
        type="number"
        min={0}
        value={d.maxSessionMinutes}
        onChange={set('maxSessionMinutes')}
        error={props.errors.maxSessionMinutes}
        placeholder="no limit"
        hint="Voice sessions are closed with a reason the attendee can read."
      />
      <Field
        label="Requests per attendee per day, per deployment"
        error={props.errors.deploymentDailyCaps}
        hint="On top of the daily cap: e.g. 10 images or 5,000 embeddings a day. Empty: no cap of its own."
        full
      >
        {(id, describedBy) => (
          <fieldset className="cap-grid" id={id} aria-describedby={describedBy}>
            {names.length === 0 && <span className="muted">Choose the event's resources below first.</span>}
            {names.map((name) => (
              <label key={name} className="cap-row">
                <span className="mono">{name}</span>
                <input
                  type="number"
                  min={0}
                  aria-label={`Daily cap for ${name}`}
                  value={d.deploymentCaps[name] ?? ''}
                  placeholder="no cap"
                  onChange={(e) =>
                    props.onChange({ ...d, deploymentCaps: { ...d.deploymentCaps, [name]: e.target.value } })
                  }
                />
              </label>
            ))}
          </fieldset>
        )}
      </Field>
    </>
  );
}
