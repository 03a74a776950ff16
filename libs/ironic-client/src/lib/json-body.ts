import { IronicResponseError } from './errors';

/** The parsed value, or undefined when the text is not JSON (JSON itself never yields undefined). */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Parses a success answer's body; a body that is not JSON means we are not talking to the right server. */
export function readJsonBody(method: string, url: string, status: number, body: string): unknown {
  const value = tryParseJson(body);
  if (value === undefined) {
    const start = body.trim().slice(0, 60).replace(/\s+/g, ' ');
    throw new IronicResponseError(method, url, status, [start ? `body is not JSON (it starts with "${start}")` : 'body is empty']);
  }
  return value;
}
