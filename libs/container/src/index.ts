export { TYPES } from './lib/types';
export { buildContainer, type ContainerMetrics, type ContainerOverrides } from './lib/build-container';
export { configuredLogger, siteFields } from './lib/configured-logger';
export { nodeSourceSummary } from './lib/node-source-summary';
export { configuredFileProblem, readConfiguredFiles } from './lib/configured-files';
