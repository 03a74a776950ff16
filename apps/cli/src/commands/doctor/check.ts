/** One item of the doctor's checklist. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  /** What was found, in a sentence or a short list. */
  detail: string;
  /** What to do about a warning or a failure. */
  fix?: string;
  /** The findings for --json: node lists and counts that the detail abbreviates. */
  data?: Record<string, unknown>;
}

/** Checks that cannot run because an earlier one failed: listed, so the checklist always has the same items. */
export function skipped(items: [id: string, title: string][], because: string): Check[] {
  return items.map(([id, title]) => ({ id, title, status: 'skip', detail: because }));
}
