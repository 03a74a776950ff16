import { tryParseJson } from './json-body';

/** Longest explanation quoted from an error body; HTML error pages can be long. */
const MAX_EXPLANATION_LENGTH = 300;

/**
 * The human explanation inside an error answer. Ironic sends `{"error_message": "<JSON text>"}` whose
 * inner JSON has `faultstring` (API errors) or `description` (version and auth middleware); Keystone
 * sends `{"error": {"message": ...}}`. Anything else is quoted as plain text.
 */
export function explainErrorBody(body: string): string | undefined {
  const text = body.trim();
  if (!text) return undefined;
  const parsed = tryParseJson(text);
  if (parsed === undefined) return shorten(text);
  const explanation = findExplanation(parsed);
  return explanation === undefined ? shorten(text) : shorten(explanation);
}

function findExplanation(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const inner = tryParseJson(value);
    return inner === undefined ? value : (findExplanation(inner) ?? value);
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const key of ['error_message', 'error', 'faultstring', 'description', 'message', 'title']) {
    if (record[key] === undefined || record[key] === null) continue;
    const found = findExplanation(record[key]);
    if (found) return found;
  }
  return undefined;
}

/** One line, without a final full stop: the explanation is quoted inside the client's own sentence. */
function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim().replace(/\.+$/, '');
  return oneLine.length > MAX_EXPLANATION_LENGTH ? `${oneLine.slice(0, MAX_EXPLANATION_LENGTH)}...` : oneLine;
}
