import { parseLeniently } from '@ironic-metadata/ironic-model';
import type { z } from 'zod';
import type { SessionAnswer } from './api-session';
import { IronicResponseError } from './errors';
import type { Page } from './paged-list';

/** A page plus the items that did not validate, one problem a line, for the caller to report. */
export interface ParsedPage<T> extends Page<T> {
  invalid: string[];
}

/**
 * One resource answer (`GET /v1/nodes/{id}`, PATCH), parsed leniently: a value the schema refuses is
 * left aside (`leftAsideIn`), and only an answer unusable as a whole (no uuid) is an error.
 */
export function parseResource<T>(answer: SessionAnswer, schema: z.ZodType): T {
  const result = parseLeniently(schema, answer.body);
  if (!result.success) throw new IronicResponseError(answer.method, answer.url, answer.status, result.problems);
  return result.data as T;
}

/**
 * A collection answer (`{"nodes": [...], "next": ...}`). The collection itself must be a list; each
 * item is parsed leniently (a refused value is left aside, `leftAsideIn`), and an item unusable as a
 * whole is left out and described, so that one odd node does not hide all others.
 */
export function parsePage<T>(answer: SessionAnswer, key: string, schema: z.ZodType): ParsedPage<T> {
  const { method, url, status } = answer;
  const body = answer.body as Record<string, unknown> | undefined;
  const raw = body?.[key];
  if (!Array.isArray(raw)) throw new IronicResponseError(method, url, status, [`expected a list under "${key}"`]);
  const items: T[] = [];
  const invalid: string[] = [];
  raw.forEach((item: unknown, index: number) => {
    const result = parseLeniently(schema, item);
    if (result.success) {
      items.push(result.data as T);
      return;
    }
    const label = `${key}[${index}]${uuidOf(item) ? ` (${uuidOf(item)})` : ''}`;
    invalid.push(...result.problems.map((problem) => `${label}: ${problem}`));
  });
  return {
    items,
    invalid,
    received: raw.length,
    lastUuid: uuidOf(raw[raw.length - 1]),
    hasNext: typeof body?.['next'] === 'string',
    method,
    url,
    status,
  };
}

function uuidOf(item: unknown): string | undefined {
  const uuid = (item as { uuid?: unknown } | null | undefined)?.uuid;
  return typeof uuid === 'string' && uuid ? uuid : undefined;
}
