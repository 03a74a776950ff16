import { createLogger as createWinstonLogger, format, transports, type Logger } from 'winston';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** `json` for log collectors; `console` for a person at a terminal. Default: console on a TTY. */
  format?: 'json' | 'console';
  /** Defaults to stderr so that CLI output on stdout stays clean for pipes. */
  stream?: NodeJS.WritableStream;
  /** Fields on every line, e.g. `{ site: 'dc1' }`. */
  fields?: Record<string, string>;
}

/** A winston logger writing one JSON object a line, or coloured lines on a terminal. */
export function createLogger(options: LoggerOptions): Logger {
  const stream = options.stream ?? process.stderr;
  const style = options.format ?? ((stream as NodeJS.WriteStream).isTTY ? 'console' : 'json');
  const layout =
    style === 'json'
      ? format.combine(format.timestamp(), format.errors({ stack: true }), format.json())
      : format.combine(
          format.colorize(),
          format.timestamp({ format: 'HH:mm:ss.SSS' }),
          format.printf(({ timestamp, level, message, ...fields }) => {
            const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
            return `${String(timestamp)} ${level} ${String(message)}${extra}`;
          }),
        );
  return createWinstonLogger({
    level: options.level,
    format: layout,
    defaultMeta: options.fields,
    transports: [new transports.Stream({ stream })],
  });
}
