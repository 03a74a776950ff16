import { z } from 'zod';

/** A value from outside (a file, an HTTP answer) that does not have the shape this project expects. */
export class ValidationError extends Error {
  /** A stable code to branch on. */
  readonly code = 'VALIDATION_FAILED';
  override readonly name = 'ValidationError';

  constructor(
    message: string,
    /** Where the value came from, e.g. a file name or a URL. */
    readonly source: string,
    /** Each problem as `path: message`. */
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

/** `instance_info.fixed_ips[0]` from zod's `['instance_info', 'fixed_ips', 0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}

/** One line a problem: `field instance_info.fixed_ips[0]: expected string, received number`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], skip = 0): string[] {
  return issues.map((issue) => {
    const field = formatPath(issue.path.slice(skip));
    return field ? `field ${field}: ${issue.message}` : issue.message;
  });
}
