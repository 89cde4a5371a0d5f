/**
 * The one entry point both admin bindings use: look the method up in the
 * contract, validate the input with its schema, run the handler. Errors come
 * back as KitErrors with the admin codes (invalid_input, not_found, …).
 */
import { contract, type MethodName } from '../../../shared/contract.js';
import { KitError } from '../errors.js';
import type { Handlers } from './service.js';

export const isMethod = (m: string): m is MethodName => Object.hasOwn(contract, m);

export async function dispatchAdmin(handlers: Handlers, method: string, input: unknown): Promise<unknown> {
  if (!isMethod(method)) throw new KitError('not_found', `There is no admin method "${method}".`);
  const parsed = contract[method].input.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5);
    const detail = issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    // Each field's first problem, by its top-level name, for the form to show beside the field.
    const fields: Record<string, string> = {};
    for (const i of issues) fields[String(i.path[0] ?? 'input')] ??= i.message;
    throw new KitError('invalid_input', detail, {}, fields);
  }
  const handler = handlers[method] as (input: unknown) => Promise<unknown>;
  return handler(parsed.data);
}
