import type { IronicClientLogger } from '../lib/logger';

/** A logger that keeps `level: message` lines for assertions. */
export function recordingLogger(): { logger: IronicClientLogger; lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    lines.push(`${level}: ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}`);
  };
  return { logger: { debug: record('debug'), info: record('info'), warn: record('warn') }, lines };
}
