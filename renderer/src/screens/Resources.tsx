/** Resources: the upstream services behind the deployment names, with "Test connection" and routing health. */
import { useState } from 'react';
import type { ResourceView } from '../../../shared/contract';
import { kindOf } from '../../../shared/resource-kinds/table';
import type { ResourceTestResult } from '../../../shared/types';
import { kit } from '../client';
import { fmtMs } from '../lib/format';
import { authLabels } from '../lib/resource-kinds';
import { useLoad } from '../lib/use-load';
import { Confirm } from '../ui/dialog';
import { Icon } from '../ui/icons';
import { PageHead, Pill } from '../ui/page';
import { Empty, Loaded } from '../ui/states';
import { useToast } from '../ui/toast';
import { ResourceForm } from './ResourceForm';

function Health({ r }: { r: ResourceView }) {
  if (!r.enabled) return <Pill kind="warn">Disabled</Pill>;
  // Its stored secret could not be opened at start (the secret key was lost): not used until entered again.
  if (r.secretUnreadable) return <Pill kind="bad">Secret needed</Pill>;
  const h = r.health;
  if (!h || h.state === 'unknown') return <Pill>No calls yet</Pill>;
  if (h.state === 'healthy') return <Pill kind="ok">Healthy</Pill>;
  if (h.state === 'cooling-down') return <Pill kind="warn">Cooling down</Pill>;
  return <Pill kind="bad">Failing</Pill>;
}

type TestState = { busy: true } | { busy: false; result: ResourceTestResult };

function TestResult({ state }: { state?: TestState }) {
  if (!state) return null;
  if (state.busy) return <span className="muted small">Testing…</span>;
  const r = state.result;
  return (
    <span
      className={`small ${r.ok ? 'status-code ok' : 'status-code bad'}`}
      role="status"
      style={{ fontFamily: 'inherit' }}
    >
      {r.ok ? `Connected · ${fmtMs(r.latencyMs)}` : `${r.status ? `${r.status}: ` : ''}${r.message}`}
    </span>
  );
}

function endpointLabel(r: ResourceView): string {
  if (r.kind === 'playground') return 'built in, offline';
  try {
    const u = new URL(r.endpoint);
    return u.host + (u.pathname === '/' ? '' : u.pathname);
  } catch {
    return r.endpoint;
  }
}

export function Resources() {
  const resources = useLoad(() => kit.resources.list({}), [], 10_000);
  const [editing, setEditing] = useState<ResourceView | 'new'>();
  const [deleting, setDeleting] = useState<ResourceView>();
  const [tests, setTests] = useState<Record<string, TestState>>({});
  const toast = useToast();

  async function test(r: ResourceView) {
    setTests((t) => ({ ...t, [r.id]: { busy: true } }));
    try {
      const result = await kit.resources.test({ id: r.id });
      setTests((t) => ({ ...t, [r.id]: { busy: false, result } }));
      // A test feeds the routing health; show its verdict now rather than at the next refresh.
      resources.reload();
    } catch (e) {
      setTests((t) => ({
        ...t,
        [r.id]: { busy: false, result: { ok: false, latencyMs: 0, message: (e as Error).message } },
      }));
    }
  }

  return (
    <>
      <PageHead
        title="Resources"
        subtitle="Upstream services attendees call through the kit. Their credentials stay on this machine."
        actions={
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            <Icon name="plus" />
            Add resource
          </button>
        }
      />
      <section className="card flush">
        <Loaded load={resources} label="Loading resources…">
          {(rows) =>
            rows.length === 0 ? (
              <Empty
                icon="resources"
                title="No resources yet"
                action={
                  <button type="button" className="primary" onClick={() => setEditing('new')}>
                    Add a resource
                  </button>
                }
              >
                Add an Azure OpenAI deployment, a search index, an MCP server, or the built-in offline playground model.
              </Empty>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>Resource</th>
                      <th>Deployment</th>
                      <th>Endpoint</th>
                      <th>Auth</th>
                      <th>Health</th>
                      <th>
                        <span className="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={r.id}>
                        <td>
                          <div className="cell-title">{r.name}</div>
                          <div className="cell-sub">{kindOf(r.kind).label}</div>
                        </td>
                        <td className="mono">
                          {r.deployment}
                          {r.upstreamDeployment && <div className="cell-sub">→ {r.upstreamDeployment}</div>}
                          {r.model && <div className="cell-sub">model {r.model}</div>}
                          {r.load && (
                            <div className="cell-sub">
                              {r.load.inFlight} of {r.maxInFlight} in flight
                              {r.load.queued ? ` · ${r.load.queued} waiting` : ''}
                            </div>
                          )}
                        </td>
                        <td className="small" style={{ maxWidth: 260, wordBreak: 'break-all' }}>
                          {endpointLabel(r)}
                        </td>
                        <td className="small">{authLabels[r.auth.type]}</td>
                        <td style={{ maxWidth: 300 }}>
                          <Health r={r} />
                          {tests[r.id] ? (
                            <div>
                              <TestResult state={tests[r.id]} />
                            </div>
                          ) : (
                            r.health?.lastError && <div className="cell-sub">{r.health.lastError}</div>
                          )}
                        </td>
                        <td className="actions-cell">
                          <div className="actions" style={{ justifyContent: 'flex-end' }}>
                            <button
                              type="button"
                              className="small"
                              onClick={() => void test(r)}
                              disabled={tests[r.id]?.busy}
                              aria-label={`Test connection to ${r.name}`}
                            >
                              <Icon name="plug" />
                              Test
                            </button>
                            <button
                              type="button"
                              className="small"
                              onClick={() => setEditing(r)}
                              aria-label={`Edit ${r.name}`}
                            >
                              Edit
                            </button>
                            <button
                              type="button"
                              className="small danger"
                              onClick={() => setDeleting(r)}
                              aria-label={`Delete ${r.name}`}
                            >
                              Delete
                            </button>
                          </div>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Loaded>
      </section>
      {editing && (
        <ResourceForm
          resource={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={(r) => {
            setEditing(undefined);
            toast(editing === 'new' ? `${r.name} added.` : `${r.name} saved.`);
            resources.reload();
          }}
        />
      )}
      {deleting && (
        <Confirm
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete resource"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await kit.resources.remove({ id: deleting.id });
            toast(`${deleting.name} deleted.`);
            resources.reload();
          }}
        >
          Events stop offering <span className="mono">{deleting.deployment}</span> through this resource, and its stored
          credential is erased.
        </Confirm>
      )}
    </>
  );
}
