/**
 * An MCP server (streamable HTTP), reached at `/api/v1/mcp/{server name}`.
 * Its traffic never counts toward the daily cap: one tool call is many
 * requests, and most of them are the client's own bookkeeping.
 */
import { AI_FOUNDRY_SCOPE, defineKind } from './descriptor.js';

export const mcp = defineKind({
  kind: 'mcp',
  label: 'MCP server',
  attendeeLabel: 'MCP server',
  capability: 'mcp-server',
  endpointHint: 'https://mcp.example.com/mcp',
  deploymentLabel: 'Server name',
  deploymentHint: 'Attendees reach it at /api/v1/mcp/<server name>.',
  entraScope: AI_FOUNDRY_SCOPE,
  services: ['mcp'],
  metered: false,
  // Servers that only speak POST answer a bare GET with 405 or 406: that still proves they are there.
  probe: () => ({
    path: '',
    method: 'GET',
    headers: { accept: 'application/json, text/event-stream' },
    alsoReachable: [405, 406],
  }),
});
