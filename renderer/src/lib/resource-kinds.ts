/** How each kind of resource is described to an organizer: labels, endpoint examples, what "deployment" means. */
import type { EntraMode, ResourceKind } from '../../../shared/types';

export const kindInfo: Record<
  ResourceKind,
  {
    label: string;
    endpoint: string;
    deployment: string;
    deploymentHint: string;
    apiVersion: boolean;
    /** The kind serves chat models whose family (reasoning or not) decides the token-cap field. */
    model: boolean;
  }
> = {
  'azure-openai': {
    label: 'Azure OpenAI',
    endpoint: 'https://my-resource.openai.azure.com',
    deployment: 'Deployment name',
    deploymentHint: 'The name attendees pass as the deployment, e.g. gpt-4o-mini.',
    apiVersion: true,
    model: true,
  },
  'azure-inference': {
    label: 'Azure AI Inference',
    endpoint: 'https://my-resource.services.ai.azure.com/models',
    deployment: 'Model name',
    deploymentHint: 'The model attendees name in the request body.',
    apiVersion: true,
    model: true,
  },
  'azure-search': {
    label: 'Azure AI Search',
    endpoint: 'https://my-search.search.windows.net',
    deployment: 'Index name',
    deploymentHint: 'The index attendees query.',
    apiVersion: true,
    model: false,
  },
  'foundry-agents': {
    label: 'Foundry agents',
    endpoint: 'https://my-resource.services.ai.azure.com/api/projects/my-project',
    deployment: 'Model deployment',
    deploymentHint: 'The model deployment agents run on.',
    apiVersion: true,
    model: false,
  },
  mcp: {
    label: 'MCP server',
    endpoint: 'https://mcp.example.com/mcp',
    deployment: 'Server name',
    deploymentHint: 'Attendees reach it at /api/v1/mcp/<server name>.',
    apiVersion: false,
    model: false,
  },
  'openai-compatible': {
    label: 'OpenAI-compatible',
    endpoint: 'http://localhost:11434/v1',
    deployment: 'Model name',
    deploymentHint: 'OpenAI, Ollama, LM Studio, llama.cpp or vLLM model name.',
    apiVersion: false,
    model: true,
  },
  playground: {
    label: 'Playground (offline)',
    endpoint: '',
    deployment: 'Deployment name',
    deploymentHint: 'The built-in offline model answers under this name.',
    apiVersion: false,
    model: false,
  },
};

export const entraModeLabels: Record<EntraMode, string> = {
  default: 'Default credential chain',
  'azure-cli': 'Azure CLI login',
  'service-principal': 'Service principal (client secret)',
  'managed-identity': 'Managed identity',
  'workload-identity': 'Workload identity',
};

export const authLabels = {
  'api-key': 'API key',
  entra: 'Microsoft Entra ID',
  bearer: 'Bearer token',
  none: 'None',
} as const;
