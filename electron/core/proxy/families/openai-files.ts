/**
 * Files and vector stores of the OpenAI API, on both surfaces: the v1 API
 * (`/openai/v1/files`, `/openai/v1/vector_stores`) and the dated Azure one
 * (`/openai/files`, `/openai/vector_stores`, what `AzureOpenAI` sends).
 * Uploads stream through as multipart; downloads (`/files/{id}/content`)
 * stream back unchanged. Every file and vector store is its creator's (see
 * `objects/object-calls.ts`): a vector store's files, file batches and searches are
 * sub-paths of a store the caller owns, and the file ids a body names
 * (`file_ids`, `file_id`, a batch's `files`) must be the caller's too.
 */

import { collectionRoutes } from '../objects/collections.js';
import type { ProxyRoute } from '../route.js';
import { datedObjectHome, datedTarget, V1, v1ObjectHome, v1Target } from '../targets/openai-targets.js';

export const openAiFileRoutes: ProxyRoute[] = [
  ...collectionRoutes(`${V1}/files`, 'file', { home: v1ObjectHome, target: v1Target, upload: true }),
  ...collectionRoutes(`${V1}/vector_stores`, 'vector_store', { home: v1ObjectHome, target: v1Target }),
  ...collectionRoutes('/openai/files', 'file', { home: datedObjectHome, target: datedTarget, upload: true }),
  ...collectionRoutes('/openai/vector_stores', 'vector_store', { home: datedObjectHome, target: datedTarget }),
];
