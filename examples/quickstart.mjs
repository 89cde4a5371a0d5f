// The seed's Azure OpenAI sample, in JavaScript: a chat completion, then a streamed one.
// ENDPOINT_URL and API_KEY come from your registration page (or its .env download).
import { AzureOpenAI } from 'openai';

const client = new AzureOpenAI({
  endpoint: process.env.ENDPOINT_URL, // e.g. http://192.168.1.20:8000/api/v1
  apiKey: process.env.API_KEY,
  apiVersion: '2025-01-01-preview',
});
const model = process.env.MODEL_NAME ?? 'playground';
const messages = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Who won the world series in 2020?' },
];

const completion = await client.chat.completions.create({ model, messages });
console.log(completion.choices[0].message.content);

const stream = await client.chat.completions.create({ model, messages, stream: true });
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
process.stdout.write('\n');
