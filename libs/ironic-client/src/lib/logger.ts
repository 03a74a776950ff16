/**
 * The little the client logs through. Winston loggers, `console` and pino-style loggers fit as they are.
 *
 * @public
 */
export interface IronicClientLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

/** Used when the caller gives no logger. */
export const silentLogger: IronicClientLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};
