export { TYPES } from './lib/types';
export { buildContainer, type ContainerOverrides } from './lib/build-container';
