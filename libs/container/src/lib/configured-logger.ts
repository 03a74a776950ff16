import type { Config } from '@ironic-metadata/config';
import { createLogger, type Logger } from '@ironic-metadata/logging';

/** SITE_ID as a `site` field of every log line and label of every metric; undefined when unset. */
export function siteFields(config: Config): { site: string } | undefined {
  return config.siteId === undefined ? undefined : { site: config.siteId };
}

/** The logger the settings ask for: LOG_LEVEL's lines (on stderr, createLogger's default), each with SITE_ID's `site` field. */
export function configuredLogger(config: Config): Logger {
  return createLogger({ level: config.logLevel, fields: siteFields(config) });
}
