/**
 * The proxy's route table, read like the table of the API surface it serves. Each API family owns
 * its rows in its own file under `families/`.
 *
 * | API                        | Endpoint pattern (below /api/v1)                                   | family           |
 * |----------------------------|--------------------------------------------------------------------|------------------|
 * | Chat Completions           | /openai/deployments/{deployment}/chat/completions                  | azure-openai     |
 * | Chat with Extensions       | /openai/deployments/{deployment}/extensions/chat/completions       | azure-openai     |
 * | Embeddings                 | /openai/deployments/{deployment}/embeddings                        | azure-openai     |
 * | Completions, images, audio | /openai/deployments/{deployment}/{completions,images,audio/..}     | azure-openai     |
 * | Azure Inference Chat       | /chat/completions  (also /models/chat/completions)                 | inference        |
 * | Azure Inference Embeddings | /embeddings        (also /models/embeddings)                       | inference        |
 * | Image Embeddings           | /images/embeddings (also /models/images/embeddings)                | inference        |
 * | Azure Inference Info       | /info              (also /models/info)                             | inference        |
 * | OpenAI v1 chat, embeddings | /openai/v1/chat/completions, /openai/v1/embeddings                 | openai-v1        |
 * | Models (list, retrieve)    | /openai/v1/models[/{id}], /openai/models[/{id}]                    | models           |
 * | OpenAI v1 completions      | /openai/v1/completions                                             | openai-media     |
 * | OpenAI v1 images, audio    | /openai/v1/images/{generations,edits}, /openai/v1/audio/..         | openai-media     |
 * | Image edits, no deployment | /openai/images/edits (model in the form)                           | openai-media     |
 * | Foundry Conversations      | /openai/v1/conversations[/{id}[/...]]                              | openai-v1        |
 * | Responses                  | /openai/v1/responses[/{id}[/...]], /input_tokens, /compact         | responses        |
 * | Responses (dated)          | /openai/responses[/{id}[/...]]                                     | responses        |
 * | Files, vector stores       | /openai/v1/files, /openai/v1/vector_stores (+ files, batches, ...) | openai-files     |
 * | Files, vector st. (dated)  | /openai/files, /openai/vector_stores                               | openai-files     |
 * | Assistants (Azure OpenAI)  | /openai/assistants, /openai/threads (+ messages, runs, steps)      | azure-assistants |
 * | Foundry Agents (classic)   | /assistants, /threads (+ messages, runs, steps), /threads/runs     | agents           |
 * | Foundry files, vector st.  | /files (multipart), /files/{id}/content, /vector_stores            | agents           |
 * | Foundry Agents (new)       | /agents, /agents/{name}, /agents/{name}/versions                   | agents           |
 * | Azure AI Search            | /indexes/{index}/docs/search, /indexes('{index}')/docs/...         | search           |
 * | Search index definition    | /indexes/{index}, /indexes('{index}')  (GET only)                  | search           |
 * | MCP Server                 | /mcp/{server}, /mcp/{server}/{path}                                | mcp              |
 * | Realtime (WebSocket)       | /openai/realtime?deployment=…, /openai/v1/realtime?model=…         | realtime         |
 * | Event info                 | /eventinfo                                                         | eventinfo        |
 */
import { agentsRoutes } from './families/agents.js';
import { azureAssistantsRoutes } from './families/azure-assistants.js';
import { azureOpenAIRoutes } from './families/azure-openai.js';
import { eventInfoRoutes } from './families/eventinfo.js';
import { inferenceRoutes } from './families/inference.js';
import { mcpRoutes } from './families/mcp.js';
import { modelsRoutes } from './families/models.js';
import { openAiFileRoutes } from './families/openai-files.js';
import { openAiMediaRoutes } from './families/openai-media.js';
import { openAiV1Routes } from './families/openai-v1.js';
import { realtimeRoutes } from './families/realtime.js';
import { responsesApiRoutes } from './families/responses.js';
import { searchRoutes } from './families/search.js';
import type { ProxyRoute } from './route.js';

export const proxyRoutes: ProxyRoute[] = [
  ...azureOpenAIRoutes,
  ...inferenceRoutes,
  ...openAiV1Routes,
  ...modelsRoutes,
  ...openAiMediaRoutes,
  ...responsesApiRoutes,
  ...openAiFileRoutes,
  ...azureAssistantsRoutes,
  ...agentsRoutes,
  ...searchRoutes,
  ...mcpRoutes,
  ...realtimeRoutes,
  ...eventInfoRoutes,
];
