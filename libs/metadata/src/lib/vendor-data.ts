import type { InstanceMetadata } from '@ironic-metadata/formatters';
import type { Logger } from '@ironic-metadata/logging';
import axios, { type AxiosInstance } from 'axios';
import type { VendorDataProvider } from './metadata-responder';
import { VendorDataError } from './vendor-data-error';

export interface DynamicTarget {
  name: string;
  url: string;
}

export interface DynamicVendorDataOptions {
  targets: DynamicTarget[];
  timeoutSeconds: number;
  /** Fail the request when a target fails (Nova's `vendordata_dynamic_failure_fatal`). */
  failureFatal: boolean;
  /** How long an instance's answers are reused; Nova caches its whole metadata for 15 s. */
  cacheSeconds?: number;
  clock?: () => number;
  http?: AxiosInstance;
}

/**
 * Nova's DynamicJSON vendor data: each target is POSTed the instance's identity and answers a JSON
 * document that `vendor_data2.json` carries under the target's name. A target that fails or
 * answers anything but JSON is left out and logged, or fails the request when configured so.
 */
export class DynamicVendorData implements VendorDataProvider {
  private readonly cache = new Map<string, { expiresAt: number; documents: Record<string, unknown> }>();
  private readonly http: AxiosInstance;
  private readonly clock: () => number;

  constructor(
    private readonly options: DynamicVendorDataOptions,
    private readonly logger: Logger,
  ) {
    this.http = options.http ?? axios.create();
    this.clock = options.clock ?? Date.now;
  }

  /**
   * `md` with each target's document in `vendor_data2.json` beside what it already had, as Nova's
   * `vendor_data2.json` carries them. Throws VendorDataError as `documentsFor` does.
   */
  async applyTo(md: InstanceMetadata): Promise<InstanceMetadata> {
    const documents = await this.documentsFor(md);
    const vendorData2 = Object.fromEntries([...Object.entries(md.vendorData2), ...Object.entries(documents)]);
    // eslint-disable-next-line no-restricted-syntax -- only vendorData2, a key it has, is replaced: the Map is reused (eslint.config.mjs)
    return { ...md, vendorData2 };
  }

  async documentsFor(md: InstanceMetadata): Promise<Record<string, unknown>> {
    const cached = this.cache.get(md.uuid);
    if (cached && cached.expiresAt > this.clock()) return cached.documents;
    const body = {
      'project-id': md.projectId ?? null,
      'instance-id': md.uuid,
      'image-id': md.ec2.amiId,
      'user-data': md.userData ? md.userData.toString('base64') : null,
      hostname: md.hostname,
      metadata: md.meta,
    };
    const answers = await Promise.all(this.options.targets.map((target) => this.ask(target, body)));
    const documents = Object.fromEntries(
      answers.flatMap((answer, i) => (answer === undefined ? [] : [[this.options.targets[i].name, answer]])),
    );
    this.cache.set(md.uuid, { expiresAt: this.clock() + (this.options.cacheSeconds ?? 15) * 1000, documents });
    return documents;
  }

  private async ask(target: DynamicTarget, body: unknown): Promise<unknown> {
    let problem: string;
    try {
      const response = await this.http.post(target.url, body, {
        timeout: this.options.timeoutSeconds * 1000,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        responseType: 'text',
        transformResponse: (data) => data,
        validateStatus: () => true,
      });
      if (response.status === 200 || response.status === 201) {
        try {
          return JSON.parse(response.data as string);
        } catch {
          problem = `answered ${response.status} with a body that is not JSON`;
        }
      } else {
        problem = `answered ${response.status}`;
      }
    } catch (error) {
      problem = `did not answer within ${this.options.timeoutSeconds} s or refused: ${(error as Error).message}`;
    }
    const message = `vendor data target ${target.name} (${target.url}) ${problem}`;
    if (this.options.failureFatal) throw new VendorDataError(`${message}; VENDOR_DATA_DYNAMIC_FAILURE_FATAL makes that fail the request`);
    this.logger.warn(`${message}; left out of vendor_data2.json`);
    return undefined;
  }
}
