/**
 * The console's words for the ways a resource signs in. Everything else the
 * console shows about a kind (label, endpoint example, what "deployment"
 * means, which sign-in modes it offers) is its descriptor's, in
 * `shared/resource-kinds/`.
 */
import type { EntraMode } from '../../../shared/types';

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
