/**
 * The Azure OpenAI Assistants API (`/openai/assistants`, `/openai/threads`
 * with messages, runs and run steps, `/openai/threads/runs`), what
 * `AzureOpenAI().beta` sends with a preview api-version. It lives on the
 * event's Azure OpenAI resource (files and vector stores are in
 * `openai-files.ts`) with the same ownership rules as Foundry's classic
 * agents: assistants and threads are their creator's, and the ids a body
 * names must be the caller's.
 */

import { collectionRoutes } from '../objects/collections.js';
import { createObject } from '../objects/object-calls.js';
import type { ProxyRoute } from '../route.js';
import { renamedFor } from '../targets/model-target.js';
import { datedObjectHome, datedTarget } from '../targets/openai-targets.js';

export const azureAssistantsRoutes: ProxyRoute[] = [
  // An assistant names its deployment in `model`: it goes where that deployment is, by its upstream name.
  ...collectionRoutes('/openai/assistants', 'assistant', {
    home: datedObjectHome,
    target: datedTarget,
    build: (call, r, json) => ({ url: datedTarget(call, r), ...renamedFor(call, r, json) }),
  }),
  ...collectionRoutes('/openai/threads', 'thread', { home: datedObjectHome, target: datedTarget }),
  // Create-and-run: the thread it makes (named in the run, or first in the stream) becomes the caller's.
  {
    method: 'POST',
    path: '/openai/threads/runs',
    handler: (call) => createObject(call, { type: undefined, home: datedObjectHome, target: datedTarget }),
  },
];
