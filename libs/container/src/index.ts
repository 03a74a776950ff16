export { TYPES } from './lib/types';
export { buildContainer, type ContainerMetrics, type ContainerOverrides } from './lib/build-container';
