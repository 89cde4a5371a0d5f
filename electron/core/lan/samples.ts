/**
 * The ready-to-run samples on the join page, prefilled with the event's real
 * endpoint and deployment names. They are built here, on the server, from the
 * same facts the proxy routes by, and carry `KEY_SLOT` where the attendee's
 * key goes: the key only ever exists on the attendee's device, which fills
 * the slot in. Over plain http the Azure SDK for JavaScript refuses to send a
 * key unless `allowInsecureConnection` is set, so those samples set it and say
 * why; with the kit's HTTPS listener on, the samples use it and trust the
 * kit's local CA through the standard environment variables instead.
 */
import { kindsServing } from '../../../shared/resource-kinds/table.js';
import type { ResourceKind } from '../../../shared/types.js';

export const KEY_SLOT = '__YOUR_API_KEY__';
export const SAMPLE_API_VERSION = '2024-10-21';
export const CA_FILE_NAME = 'ai-proxy-kit-ca.pem';

export interface SampleContext {
  /** The SDK endpoint, ending in `/api/v1`. */
  endpoint: string;
  deployments: Array<{ name: string; kind: ResourceKind | string }>;
  /** True when `endpoint` is the kit's HTTPS listener with its local CA. */
  localCa: boolean;
}

export interface Sample {
  id: string;
  label: string;
  filename: string;
  /** How to run it, one line. */
  run: string;
  code: string;
}

const chatKinds = new Set<string>(kindsServing('deployments'));

const first = (ctx: SampleContext, kinds: Set<string>) => ctx.deployments.find((d) => kinds.has(d.kind))?.name;
const str = (s: string) => JSON.stringify(s);

function pyOpenAI(ctx: SampleContext, model: string): Sample {
  const ca = ctx.localCa
    ? `# The kit uses its own certificate authority: save ${CA_FILE_NAME} from the join page next to this file.\nos.environ.setdefault("SSL_CERT_FILE", ${str(CA_FILE_NAME)})\n\n`
    : '';
  return {
    id: 'python-openai',
    label: 'Python',
    filename: 'chat_openai.py',
    run: 'pip install openai && python chat_openai.py',
    code: `import os

from openai import AzureOpenAI

${ca}client = AzureOpenAI(
    azure_endpoint=${str(ctx.endpoint)},
    api_key=os.environ.get("API_KEY", ${str(KEY_SLOT)}),
    api_version=${str(SAMPLE_API_VERSION)},
)

completion = client.chat.completions.create(
    model=${str(model)},
    messages=[{"role": "user", "content": "Say hello to the workshop!"}],
)
print(completion.choices[0].message.content)
`,
  };
}

function pyInference(ctx: SampleContext, model: string): Sample {
  const ca = ctx.localCa
    ? `# The kit uses its own certificate authority: save ${CA_FILE_NAME} from the join page next to this file.\nos.environ.setdefault("REQUESTS_CA_BUNDLE", ${str(CA_FILE_NAME)})\n\n`
    : '';
  return {
    id: 'python-inference',
    label: 'Python · Inference',
    filename: 'chat_inference.py',
    run: 'pip install azure-ai-inference && python chat_inference.py',
    code: `import os

from azure.ai.inference import ChatCompletionsClient
from azure.ai.inference.models import UserMessage
from azure.core.credentials import AzureKeyCredential

${ca}client = ChatCompletionsClient(
    endpoint=${str(ctx.endpoint)},
    credential=AzureKeyCredential(os.environ.get("API_KEY", ${str(KEY_SLOT)})),
)

response = client.complete(
    model=${str(model)},
    messages=[UserMessage(content="Say hello to the workshop!")],
)
print(response.choices[0].message.content)
`,
  };
}

function jsOpenAI(ctx: SampleContext, model: string): Sample {
  return {
    id: 'js-openai',
    label: 'JavaScript',
    filename: 'chat.mjs',
    run: ctx.localCa
      ? `npm install openai && NODE_EXTRA_CA_CERTS=${CA_FILE_NAME} node chat.mjs`
      : 'npm install openai && node chat.mjs',
    code: `import { AzureOpenAI } from 'openai';
${ctx.localCa ? `// Run with NODE_EXTRA_CA_CERTS=${CA_FILE_NAME} (from the join page) so Node trusts the kit's certificate.\n` : ''}
const client = new AzureOpenAI({
  endpoint: ${str(ctx.endpoint)},
  apiKey: process.env.API_KEY ?? ${str(KEY_SLOT)},
  apiVersion: ${str(SAMPLE_API_VERSION)},
});

const completion = await client.chat.completions.create({
  model: ${str(model)},
  messages: [{ role: 'user', content: 'Say hello to the workshop!' }],
});
console.log(completion.choices[0].message.content);
`,
  };
}

function jsInference(ctx: SampleContext, model: string): Sample {
  const options = ctx.localCa
    ? `// Run with NODE_EXTRA_CA_CERTS=${CA_FILE_NAME} (from the join page) so Node trusts the kit's certificate.\nconst client = ModelClient(endpoint, new AzureKeyCredential(key));`
    : `// The kit is on plain http here, and Azure SDKs refuse to send a key over http unless told to:\n// allowInsecureConnection is safe on the venue LAN only because the key is short-lived.\nconst client = ModelClient(endpoint, new AzureKeyCredential(key), { allowInsecureConnection: true });`;
  return {
    id: 'js-inference',
    label: 'JS · Inference',
    filename: 'chat_inference.mjs',
    run: `npm install @azure-rest/ai-inference @azure/core-auth && ${ctx.localCa ? `NODE_EXTRA_CA_CERTS=${CA_FILE_NAME} ` : ''}node chat_inference.mjs`,
    code: `import ModelClient, { isUnexpected } from '@azure-rest/ai-inference';
import { AzureKeyCredential } from '@azure/core-auth';

const endpoint = ${str(ctx.endpoint)};
const key = process.env.API_KEY ?? ${str(KEY_SLOT)};
${options}

const response = await client.path('/chat/completions').post({
  body: { model: ${str(model)}, messages: [{ role: 'user', content: 'Say hello to the workshop!' }] },
});
if (isUnexpected(response)) throw new Error(response.body.error.message);
console.log(response.body.choices[0].message.content);
`,
  };
}

function csharp(ctx: SampleContext, model: string): Sample {
  const note = ctx.localCa
    ? `// The kit uses its own certificate authority (${CA_FILE_NAME} on the join page): on Linux and macOS\n// run with SSL_CERT_FILE=${CA_FILE_NAME}; on Windows import it into "Trusted Root Certification Authorities".\n`
    : '';
  return {
    id: 'csharp',
    label: 'C#',
    filename: 'Program.cs',
    run: 'dotnet new console && dotnet add package Azure.AI.OpenAI && dotnet run',
    code: `using System.ClientModel;
using Azure.AI.OpenAI;
using OpenAI.Chat;

${note}var endpoint = new Uri(${str(ctx.endpoint)});
var key = Environment.GetEnvironmentVariable("API_KEY") ?? ${str(KEY_SLOT)};

var client = new AzureOpenAIClient(endpoint, new ApiKeyCredential(key));
ChatClient chat = client.GetChatClient(${str(model)});

ChatCompletion completion = chat.CompleteChat(new UserChatMessage("Say hello to the workshop!"));
Console.WriteLine(completion.Content[0].Text);
`,
  };
}

function curl(ctx: SampleContext, model: string): Sample {
  const body = JSON.stringify({ messages: [{ role: 'user', content: 'Say hello to the workshop!' }] });
  return {
    id: 'curl',
    label: 'curl',
    filename: 'chat.sh',
    run: 'sh chat.sh',
    code: `curl ${ctx.localCa ? `--cacert ${CA_FILE_NAME} ` : ''}"${ctx.endpoint}/openai/deployments/${model}/chat/completions?api-version=${SAMPLE_API_VERSION}" \\
  -H "api-key: ${KEY_SLOT}" \\
  -H "content-type: application/json" \\
  -d '${body}'
`,
  };
}

function mcp(ctx: SampleContext, server: string): Sample {
  return {
    id: 'mcp',
    label: 'MCP',
    filename: 'mcp.mjs',
    run: `npm install @modelcontextprotocol/sdk && ${ctx.localCa ? `NODE_EXTRA_CA_CERTS=${CA_FILE_NAME} ` : ''}node mcp.mjs`,
    code: `import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const url = new URL(${str(`${ctx.endpoint}/mcp/${server}`)});
const transport = new StreamableHTTPClientTransport(url, {
  requestInit: { headers: { 'api-key': process.env.API_KEY ?? ${str(KEY_SLOT)} } },
});
const client = new Client({ name: 'workshop', version: '1.0.0' });
await client.connect(transport);
const { tools } = await client.listTools();
console.log(tools.map((t) => t.name));
await client.close();
`,
  };
}

/** The samples that make sense for this event's deployments. */
export function buildSamples(ctx: SampleContext): Sample[] {
  const chat = first(ctx, chatKinds);
  // The inference route serves chat models of every kind, an azure-inference one first.
  const inference = first(ctx, new Set<string>(kindsServing('inference'))) ?? chat;
  const mcpServer = first(ctx, new Set<string>(kindsServing('mcp')));
  const out: Sample[] = [];
  if (chat) out.push(pyOpenAI(ctx, chat), jsOpenAI(ctx, chat));
  if (inference) out.push(pyInference(ctx, inference), jsInference(ctx, inference));
  if (chat) out.push(csharp(ctx, chat), curl(ctx, chat));
  if (mcpServer) out.push(mcp(ctx, mcpServer));
  return out;
}

/** The `.env` file, with the key slot to fill in on the device. */
export function envFile(ctx: SampleContext): string {
  const lines = [
    '# AI Proxy Kit: your workshop settings. Keep this file private: it holds your key.',
    `ENDPOINT_URL=${ctx.endpoint}`,
    `API_KEY=${KEY_SLOT}`,
    `OPENAI_API_VERSION=${SAMPLE_API_VERSION}`,
  ];
  const chat = first(ctx, chatKinds);
  if (chat) lines.push(`MODEL_NAME=${chat}`);
  if (ctx.localCa) {
    lines.push(
      `# The kit's own certificate authority; save ${CA_FILE_NAME} from the join page next to this file.`,
      `SSL_CERT_FILE=${CA_FILE_NAME}`,
      `REQUESTS_CA_BUNDLE=${CA_FILE_NAME}`,
      `NODE_EXTRA_CA_CERTS=${CA_FILE_NAME}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
