import type { Config } from '@ironic-metadata/config';
import { buildContainer, siteFields, type ContainerOverrides } from '@ironic-metadata/container';
import type { Container } from 'inversify';
import { SERVICE_METRICS, ServiceMetrics } from './service-metrics';

/**
 * The server's container: the wiring the CLI shares, counted into the server's Prometheus metrics
 * (labelled with SITE_ID when set), which are bound as SERVICE_METRICS. Throws what buildContainer throws.
 */
export function buildServiceContainer(config: Config, overrides: ContainerOverrides = {}): Container {
  const metrics = new ServiceMetrics(siteFields(config));
  const container = buildContainer(config, Object.assign({}, overrides, { metrics }));
  container.bind(SERVICE_METRICS).toConstantValue(metrics);
  return container;
}
