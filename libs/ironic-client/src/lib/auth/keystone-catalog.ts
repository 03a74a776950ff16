import { z } from 'zod';
import type { EndpointInterface } from '../options';

const catalogEndpointSchema = z.looseObject({
  interface: z.string(),
  url: z.string().min(1),
  region: z.string().nullable().optional(),
  region_id: z.string().nullable().optional(),
});

const catalogServiceSchema = z.looseObject({
  type: z.string(),
  endpoints: z.array(catalogEndpointSchema),
});

/** The body of Keystone's `POST /v3/auth/tokens` answer, as far as this client reads it. */
export const tokenBodySchema = z.looseObject({
  token: z.looseObject({
    expires_at: z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not a date'),
    catalog: z.array(catalogServiceSchema).default([]),
  }),
});

export type ServiceCatalog = z.infer<typeof tokenBodySchema>['token']['catalog'];

/** Ironic's service type in the Keystone catalog. */
export const BAREMETAL_SERVICE_TYPE = 'baremetal';

/** The URL of the first `baremetal` endpoint with the wanted interface (and region, when one is given). */
export function findBaremetalEndpoint(catalog: ServiceCatalog, wanted: EndpointInterface, region?: string): string | undefined {
  for (const service of catalog) {
    if (service.type !== BAREMETAL_SERVICE_TYPE) continue;
    const endpoint = service.endpoints.find(
      (candidate) => candidate.interface === wanted && (!region || candidate.region_id === region || candidate.region === region),
    );
    if (endpoint) return endpoint.url;
  }
  return undefined;
}

/** The `baremetal` endpoints the catalog does have, for error messages: `public/RegionOne http://...`. */
export function describeBaremetalEndpoints(catalog: ServiceCatalog): string {
  const found = catalog
    .filter((service) => service.type === BAREMETAL_SERVICE_TYPE)
    .flatMap((service) => service.endpoints.map((e) => `${e.interface}/${e.region_id ?? e.region ?? '-'} ${e.url}`));
  return found.length > 0 ? found.join(', ') : 'none';
}
