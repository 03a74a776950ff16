/**
 * The little the client logs through: each method takes the message first and its fields second.
 * Winston loggers and `console` fit as they are. Pino's methods take the fields first
 * (`log.info(fields, message)`), so given a pino logger as it is the fields would be lost; wrap it:
 *
 * ```ts
 * const logger: IronicClientLogger = {
 *   debug: (message, fields) => log.debug(fields ?? {}, message),
 *   info: (message, fields) => log.info(fields ?? {}, message),
 *   warn: (message, fields) => log.warn(fields ?? {}, message),
 * };
 * ```
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
