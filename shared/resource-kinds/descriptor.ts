/**
 * The shape of a resource kind: everything the kit knows about one kind of
 * upstream, in one module per kind (`azure-openai.ts`, `mcp.ts`, …) listed in
 * `table.ts`. The proxy reads how to reach and sign in to it, which API
 * families it serves and which output-token fields it takes; "Test
 * connection" reads its probe; the console and the join page read its labels.
 * Descriptors are plain data and pure functions (no Node, no secrets), so the
 * main process and the console import the same module.
 */
import type { Resource, ResourceAuth, ResourceKind } from '../types.js';
import { type ChatDialect, openAiStyleChat } from './model-names.js';

/**
 * What the proxy's families ask of a kind, by name (see `kindsServing`):
 * - `deployments`: OpenAI-style operations by deployment name (chat, embeddings, completions, images, audio);
 * - `models`: chat and embeddings by the model a body names (AI inference and the v1 API), `models.list()`;
 * - `inference`: the AI inference API's own routes (`/info`);
 * - `v1-objects`: files and vector stores on the v1 API;
 * - `dated-objects`: files, vector stores, assistants and threads on the dated Azure OpenAI API;
 * - `agents`: Foundry agents, threads, runs and project files; `search`: index queries; `mcp`: an MCP server;
 * - `realtime`: the Realtime API over WebSocket (`/openai/realtime?deployment=`, `/openai/v1/realtime?model=`).
 */
export type Service =
  | 'deployments'
  | 'models'
  | 'inference'
  | 'v1-objects'
  | 'dated-objects'
  | 'agents'
  | 'search'
  | 'mcp'
  | 'realtime';

/**
 * How a model operation (`chat/completions`, `embeddings`, …) is addressed:
 * `azure-openai` under `/openai/deployments/{name}/…?api-version=` (and the
 * v1 API under `/openai/v1`); `azure-inference` at the base URL with an
 * api-version and the model in the body; `openai` at the base URL with the
 * model in the body.
 */
export type Wire = 'azure-openai' | 'azure-inference' | 'openai';

/** The smallest real call "Test connection" makes, below the resource's base URL. */
export interface Probe {
  path: string;
  method: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  /** Error statuses that still prove the service is there (an MCP server that only speaks POST). */
  alsoReachable?: readonly number[];
}

export interface ResourceKindDescriptor {
  kind: ResourceKind;
  /** The console's name for it. */
  label: string;
  /** The join page's word for it, beside a deployment name. */
  attendeeLabel: string;
  /** The `/eventinfo` capability name (the Azure AI Proxy's). */
  capability: string;
  /** An example endpoint for the console's form; empty for a built-in kind. */
  endpointHint: string;
  /** What "deployment" means for this kind, and the form's hint. */
  deploymentLabel: string;
  deploymentHint: string;
  /** The sign-in modes the console offers. */
  authModes: readonly ResourceAuth['type'][];
  /** The kind serves chat models whose family (reasoning or not) decides the token-cap field: the form asks. */
  namesModel: boolean;
  /** The api-version sent when neither the client nor the resource names one; none: the kind takes no api-version. */
  defaultApiVersion?: string;
  /** A built-in kind's fixed endpoint (the form asks for none). */
  builtinEndpoint?: string;
  /** The Entra ID scope of the service behind it. */
  entraScope: string;
  /** Where an API key travels: Azure's `api-key` header, or `Authorization: Bearer`. */
  keyHeader: 'api-key' | 'bearer';
  services: readonly Service[];
  /** How model operations are addressed, for kinds that serve them. */
  wire?: Wire;
  /** Where the OpenAI v1 API (and, when `datedSurface`, the dated one) lives below the base URL. */
  v1Root: string;
  /** Serves the dated `/openai/...?api-version=` object APIs at the same path. */
  datedSurface: boolean;
  /** POSTs to it count toward the daily cap and usage (MCP traffic does not). */
  metered: boolean;
  /** Tried after the other kinds that share its deployment name (a local server backing up cloud ones). */
  fallback: boolean;
  /** The base URL calls go to (the playground's is wherever it listens today). */
  baseUrl(resource: Resource, env: { playgroundOrigin?: string }): string;
  /**
   * The api-version a chat call on `path` (below `/api/v1`) reaches this
   * resource with, as the families build it; null where the kind takes none.
   */
  sentApiVersion(path: string, query: URLSearchParams, resource: Resource): string | null;
  /** What a chat call sent with `apiVersion` may carry (see `sentApiVersion`). */
  chat(resource: Resource, apiVersion: string | null): ChatDialect;
  probe(resource: Resource): Probe;
}

/** A resource's endpoint with no trailing slash. */
export const endpointBase = (resource: Resource): string => resource.endpoint.replace(/\/+$/, '');

export const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';
export const AI_FOUNDRY_SCOPE = 'https://ai.azure.com/.default';

/** What a kind is unless its module says otherwise. */
const usual = {
  authModes: ['api-key', 'entra', 'bearer', 'none'],
  namesModel: false,
  entraScope: COGNITIVE_SERVICES_SCOPE,
  keyHeader: 'bearer',
  v1Root: '',
  datedSurface: false,
  metered: true,
  fallback: false,
  baseUrl: endpointBase,
  sentApiVersion: () => null,
  chat: openAiStyleChat,
} satisfies Partial<ResourceKindDescriptor>;

type Usual = keyof typeof usual;

/** A descriptor from what sets the kind apart; every other member is `usual`. */
export const defineKind = (
  own: Omit<ResourceKindDescriptor, Usual> & Partial<Pick<ResourceKindDescriptor, Usual>>,
): ResourceKindDescriptor => ({ ...usual, ...own });
