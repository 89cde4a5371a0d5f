/**
 * The proxy's route table, read like the seed's API table. Each API family
 * owns its rows in its own file under `families/`.
 *
 * | API                         | Endpoint pattern (below /api/v1)                          |
 * |-----------------------------|-----------------------------------------------------------|
 * | Chat Completions            | /openai/deployments/{deployment}/chat/completions          |
 * | Embeddings                  | /openai/deployments/{deployment}/embeddings                |
 */
import { azureOpenAIRoutes } from './families/azure-openai.js';
import type { ProxyRoute } from './route.js';

export const proxyRoutes: ProxyRoute[] = [...azureOpenAIRoutes];
