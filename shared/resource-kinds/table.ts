/**
 * Every resource kind the kit knows, one descriptor each. Adding a kind is
 * its module, its name in `resourceKinds` (`shared/types.ts`) and its line
 * here. Order matters once: where a new object goes when several kinds could
 * hold it, the earlier kind is preferred (Azure OpenAI before an
 * OpenAI-compatible server).
 */
import type { ResourceKind } from '../types.js';
import { azureInference } from './azure-inference.js';
import { azureOpenAI } from './azure-openai.js';
import { azureSearch } from './azure-search.js';
import type { ResourceKindDescriptor, Service } from './descriptor.js';
import { foundryAgents } from './foundry-agents.js';
import { mcp } from './mcp.js';
import { openAiCompatible } from './openai-compatible.js';
import { playground } from './playground.js';

export const resourceKindTable: Readonly<Record<ResourceKind, ResourceKindDescriptor>> = {
  'azure-openai': azureOpenAI,
  'azure-inference': azureInference,
  'azure-search': azureSearch,
  'foundry-agents': foundryAgents,
  mcp,
  'openai-compatible': openAiCompatible,
  playground,
};

export const kindOf = (kind: ResourceKind): ResourceKindDescriptor => resourceKindTable[kind];

/** The descriptor of a kind named by a string from outside the type system (a view, a page), if the kit knows it. */
export const findKind = (kind: string): ResourceKindDescriptor | undefined =>
  Object.hasOwn(resourceKindTable, kind) ? resourceKindTable[kind as ResourceKind] : undefined;

const descriptors = Object.values(resourceKindTable);

/** The kinds that serve any of `services`, in the table's order. */
export function kindsServing(...services: Service[]): readonly ResourceKind[] {
  return descriptors.filter((d) => d.services.some((s) => services.includes(s))).map((d) => d.kind);
}
