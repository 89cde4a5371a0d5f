/** A row of the proxy's route table: method(s), path below `/api/v1`, handler. */
import type { HTTPMethod } from 'find-my-way';
import type { ProxyCall } from './pipeline/call.js';

export interface ProxyRoute {
  method: HTTPMethod | HTTPMethod[];
  /** find-my-way pattern below `/api/v1`, e.g. `/openai/deployments/:deployment/embeddings`. */
  path: string;
  handler: (call: ProxyCall) => Promise<void>;
}
