/**
 * Create or edit a resource. Fields follow the kind and the auth mode; stored
 * secrets are never shown back: an empty secret field on edit keeps the
 * stored one (the contract's mask value says so to the kit).
 */
import { useState } from 'react';
import type { ResourceView } from '../../../shared/contract';
import { kindOf } from '../../../shared/resource-kinds/table';
import { resourceCreateSchema, resourceUpdateSchema, SECRET_MASK } from '../../../shared/schemas';
import { type EntraMode, entraModes, type ResourceAuth, type ResourceKind, resourceKinds } from '../../../shared/types';
import { kit } from '../client';
import { authLabels, entraModeLabels } from '../lib/resource-kinds';
import { Check, type FieldErrors, issuesToErrors, SelectField, TextField } from '../ui/form';
import { type Checked, FormDialog } from '../ui/form-dialog';
import { moneyErrors, type PriceDraft, PriceFields, priceDraft, toPricing } from './cost-fields';

type AuthType = ResourceAuth['type'];

interface Draft {
  name: string;
  kind: ResourceKind;
  endpoint: string;
  deployment: string;
  upstreamDeployment: string;
  model: string;
  apiVersion: string;
  authType: AuthType;
  secret: string;
  entraMode: EntraMode;
  tenantId: string;
  clientId: string;
  weight: string;
  maxInFlight: string;
  enabled: boolean;
  price: PriceDraft;
}

const fieldNames = [
  'name',
  'kind',
  'endpoint',
  'deployment',
  'upstreamDeployment',
  'model',
  'apiVersion',
  'auth',
  'weight',
  'maxInFlight',
  'pricing',
];

function initialDraft(r?: ResourceView): Draft {
  const auth = r?.auth;
  return {
    name: r?.name ?? '',
    kind: r?.kind ?? 'azure-openai',
    endpoint: r && !kindOf(r.kind).builtinEndpoint ? r.endpoint : '',
    deployment: r?.deployment ?? '',
    upstreamDeployment: r?.upstreamDeployment ?? '',
    model: r?.model ?? '',
    apiVersion: r?.apiVersion ?? '',
    authType: auth?.type ?? 'api-key',
    secret: '',
    entraMode: auth?.type === 'entra' ? auth.mode : 'default',
    tenantId: auth?.type === 'entra' ? (auth.tenantId ?? '') : '',
    clientId: auth?.type === 'entra' ? (auth.clientId ?? '') : '',
    weight: r?.weight ? String(r.weight) : '',
    maxInFlight: r?.maxInFlight ? String(r.maxInFlight) : '',
    enabled: r?.enabled ?? true,
    price: priceDraft(r?.pricing),
  };
}

export function ResourceForm(props: {
  resource?: ResourceView;
  onClose: () => void;
  onSaved: (r: ResourceView) => void;
}) {
  const [d, setD] = useState(() => initialDraft(props.resource));
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((old) => ({ ...old, [k]: v }));
  const stored = props.resource?.auth;
  /** Editing with the same auth type and an empty secret field keeps the stored secret. */
  const keepSecret = !d.secret && stored?.type === d.authType;
  const info = kindOf(d.kind);
  /** A built-in kind (the playground) has no endpoint and no credential. */
  const playground = info.builtinEndpoint !== undefined;

  function auth(): ResourceAuth {
    if (playground) return { type: 'none' };
    const secret = keepSecret ? SECRET_MASK : d.secret;
    switch (d.authType) {
      case 'api-key':
        return { type: 'api-key', key: secret };
      case 'bearer':
        return { type: 'bearer', token: secret };
      case 'entra':
        return {
          type: 'entra',
          mode: d.entraMode,
          ...(d.tenantId.trim() ? { tenantId: d.tenantId.trim() } : {}),
          ...(d.clientId.trim() ? { clientId: d.clientId.trim() } : {}),
          ...(d.entraMode !== 'service-principal'
            ? {}
            : d.secret
              ? { clientSecret: d.secret }
              : stored?.type === 'entra' && stored.clientSecret
                ? { clientSecret: SECRET_MASK }
                : {}),
        };
      default:
        return { type: 'none' };
    }
  }

  function check(): Checked<object> {
    const input = {
      name: d.name,
      kind: d.kind,
      ...(playground ? {} : { endpoint: d.endpoint.trim() }),
      deployment: d.deployment,
      ...(d.upstreamDeployment.trim() ? { upstreamDeployment: d.upstreamDeployment.trim() } : {}),
      // On edit an emptied field clears the model (null); a new resource simply has none.
      ...(info.namesModel && d.model.trim() ? { model: d.model.trim() } : props.resource?.model ? { model: null } : {}),
      ...(d.apiVersion.trim() && info.defaultApiVersion ? { apiVersion: d.apiVersion.trim() } : {}),
      auth: auth(),
      // Empty price fields: none on a new resource, and a stored price cleared on edit.
      ...((p) => (p ? { pricing: p } : props.resource?.pricing ? { pricing: null } : {}))(toPricing(d.price)),
      ...(d.weight.trim() ? { weight: /^\d+$/.test(d.weight.trim()) ? Number(d.weight) : d.weight } : {}),
      // Empty: no limit (a stored one cleared on edit).
      ...(d.maxInFlight.trim()
        ? { maxInFlight: /^\d+$/.test(d.maxInFlight.trim()) ? Number(d.maxInFlight) : d.maxInFlight }
        : props.resource?.maxInFlight !== undefined
          ? { maxInFlight: null }
          : {}),
      enabled: d.enabled,
    };
    const parsed = props.resource
      ? resourceUpdateSchema.safeParse({ id: props.resource.id, ...input })
      : resourceCreateSchema.safeParse(input);
    const local = parsed.success ? {} : issuesToErrors(parsed.error);
    if (!playground && !d.endpoint.trim()) local.endpoint = 'The resource needs an endpoint URL.';
    if (local.weight) local.weight = 'A whole number from 1 to 1000, or empty.';
    if (local.maxInFlight) local.maxInFlight = 'A whole number (0 or empty = no limit).';
    if (local.pricing) local.pricing = moneyErrors(local, 'pricing') as string;
    if (local.auth)
      local.auth =
        d.authType === 'entra'
          ? 'Check the Entra fields.'
          : `Enter the ${d.authType === 'bearer' ? 'bearer token' : 'API key'}.`;
    if (!parsed.success || Object.keys(local).length) return { ok: false, errors: local };
    return { ok: true, input: parsed.data };
  }

  const secretLabel = d.authType === 'bearer' ? 'Bearer token' : d.authType === 'entra' ? 'Client secret' : 'API key';
  const secretHint =
    stored?.type === d.authType
      ? 'Stored and hidden. Leave empty to keep it; type to replace it.'
      : 'Write-only: never shown again.';
  return (
    <FormDialog
      id="resource-form"
      title={props.resource ? `Edit ${props.resource.name}` : 'New resource'}
      description="A resource is one upstream service attendees reach through the kit under a deployment name."
      submitLabel={props.resource ? 'Save changes' : 'Add resource'}
      check={check}
      send={(input) =>
        props.resource
          ? kit.resources.update(input as Parameters<typeof kit.resources.update>[0])
          : kit.resources.create(input as Parameters<typeof kit.resources.create>[0])
      }
      onSaved={props.onSaved}
      onClose={props.onClose}
      fieldNames={fieldNames}
      errors={errors}
      onErrors={setErrors}
    >
      <TextField
        label="Name"
        value={d.name}
        onChange={(v) => set('name', v)}
        error={errors.name}
        placeholder="e.g. Sweden Central GPT-4o"
      />
      <SelectField
        label="Kind"
        value={d.kind}
        options={resourceKinds.map((k) => ({ value: k, label: kindOf(k).label }))}
        onChange={(k) => {
          set('kind', k);
          if (kindOf(k).builtinEndpoint) set('authType', 'none');
        }}
        error={errors.kind}
      />
      {!playground && (
        <TextField
          label="Endpoint"
          value={d.endpoint}
          onChange={(v) => set('endpoint', v)}
          error={errors.endpoint}
          placeholder={info.endpointHint}
          full
        />
      )}
      <TextField
        label={info.deploymentLabel}
        value={d.deployment}
        onChange={(v) => set('deployment', v)}
        error={errors.deployment}
        hint={info.deploymentHint}
      />
      <TextField
        label="Upstream name"
        value={d.upstreamDeployment}
        onChange={(v) => set('upstreamDeployment', v)}
        error={errors.upstreamDeployment}
        placeholder="same"
        hint="Only when upstream knows it by another name."
      />
      {info.namesModel && (
        <TextField
          label="Model"
          value={d.model}
          onChange={(v) => set('model', v)}
          error={errors.model}
          placeholder="e.g. gpt-5-mini"
          hint="The model behind the deployment, when its name does not say. Reasoning models (o-series, gpt-5) get the token cap as max_completion_tokens."
        />
      )}
      {info.defaultApiVersion && (
        <TextField
          label="API version"
          value={d.apiVersion}
          onChange={(v) => set('apiVersion', v)}
          error={errors.apiVersion}
          placeholder="kit default"
        />
      )}
      <TextField
        label="Weight"
        type="number"
        min={1}
        value={d.weight}
        onChange={(v) => set('weight', v)}
        error={errors.weight}
        placeholder="1"
        hint="Share of traffic among resources with the same name."
      />
      {!playground && (
        <TextField
          label="Calls in flight upstream"
          type="number"
          min={0}
          value={d.maxInFlight}
          onChange={(v) => set('maxInFlight', v)}
          error={errors.maxInFlight}
          placeholder="no limit"
          hint="The most calls sent at once; the rest wait in a queue that serves attendees in turn."
        />
      )}
      {!playground && (
        <>
          <div className="section-title full">Upstream credential</div>
          <SelectField
            label="Authentication"
            value={d.authType}
            options={info.authModes.map((t) => ({
              value: t,
              label: authLabels[t],
            }))}
            onChange={(t) => set('authType', t)}
          />
          {d.authType === 'entra' && (
            <SelectField
              label="Entra mode"
              value={d.entraMode}
              options={entraModes.map((m) => ({ value: m, label: entraModeLabels[m] }))}
              onChange={(m) => set('entraMode', m)}
            />
          )}
          {(d.authType === 'api-key' || d.authType === 'bearer') && (
            <TextField
              label={secretLabel}
              type="password"
              value={d.secret}
              onChange={(v) => set('secret', v)}
              error={errors.auth}
              placeholder={stored?.type === d.authType ? '•••••••• (stored)' : ''}
              hint={secretHint}
              autoComplete="new-password"
            />
          )}
          {d.authType === 'entra' && d.entraMode !== 'default' && d.entraMode !== 'azure-cli' && (
            <>
              <TextField label="Tenant ID" value={d.tenantId} onChange={(v) => set('tenantId', v)} />
              <TextField label="Client ID" value={d.clientId} onChange={(v) => set('clientId', v)} />
            </>
          )}
          {d.authType === 'entra' && d.entraMode === 'service-principal' && (
            <TextField
              label="Client secret"
              type="password"
              value={d.secret}
              onChange={(v) => set('secret', v)}
              error={errors.auth}
              placeholder={stored?.type === 'entra' && stored.clientSecret ? '•••••••• (stored)' : ''}
              hint={secretHint}
              autoComplete="new-password"
            />
          )}
        </>
      )}
      <PriceFields value={d.price} onChange={(v) => set('price', v)} error={errors.pricing} />
      <div className="full">
        <Check
          label="Enabled: route attendee calls to this resource"
          checked={d.enabled}
          onChange={(v) => set('enabled', v)}
        />
      </div>
    </FormDialog>
  );
}
