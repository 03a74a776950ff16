export { createLogger, type Logger, type LoggerOptions } from './lib/logger';
