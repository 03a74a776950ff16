import { Agent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { API_VERSION_HEADER, IronicClient } from '@ironic-metadata/ironic-client';

/** Where a test Ironic is, as the global setup exports it. */
export interface IronicConnection {
  url: string;
  username?: string;
  password?: string;
  /** The CA of an Ironic that serves HTTPS with a private certificate. */
  ca?: string;
}

export interface NewNode {
  name: string;
  owner?: string;
  lessee?: string;
  properties?: Record<string, unknown>;
  driverInfo?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

export interface Deployment {
  /** A JSON object (`meta_data`, `user_data`, `network_data`, `vendor_data`) or a string (URL, base64 ISO); none when left out. */
  configdrive?: Record<string, unknown> | string;
  /** Extra `instance_info` keys, e.g. `fixed_ips`. */
  instanceInfo?: Record<string, unknown>;
}

const STATE_TIMEOUT_MS = 30_000;

/**
 * Sets up nodes and ports in a test Ironic (fake hardware) the way an operator would. Reads and PATCH
 * go through our {@link IronicClient}; creation and state changes, which it does not offer, through
 * axios with the same negotiated version.
 */
export class IronicTestAdmin {
  readonly client: IronicClient;
  private readonly http: AxiosInstance;

  constructor(connection: IronicConnection) {
    const { url, username, password, ca } = connection;
    this.client = new IronicClient({
      endpoint: url,
      auth: username && password ? { type: 'http_basic', username, password } : { type: 'none' },
      tls: ca ? { ca } : undefined,
    });
    this.http = axios.create({
      baseURL: `${url}/v1`,
      auth: username && password ? { username, password } : undefined,
      timeout: 10_000,
      validateStatus: () => true,
      httpsAgent: ca ? new Agent({ ca }) : undefined,
    });
  }

  /** Creates a node (state `enroll`). The owner is set by PATCH: noauth Ironic refuses it in the POST. */
  async createNode(node: NewNode): Promise<string> {
    const { uuid } = await this.send<{ uuid: string }>('POST', '/nodes', {
      driver: 'fake-hardware',
      name: node.name,
      properties: node.properties ?? {},
      driver_info: node.driverInfo ?? {},
      extra: node.extra ?? {},
    });
    const projects = (['owner', 'lessee'] as const).filter((field) => node[field] !== undefined);
    if (projects.length > 0) {
      await this.client.patchNode(
        uuid,
        projects.map((field) => ({ op: 'add' as const, path: `/${field}`, value: node[field] })),
      );
    }
    return uuid;
  }

  async createPort(nodeUuid: string, address: string): Promise<string> {
    return (await this.send<{ uuid: string }>('POST', '/ports', { node_uuid: nodeUuid, address })).uuid;
  }

  /** Creates a node and deploys it: the usual way a test gets an instance. */
  async createActiveNode(node: NewNode, deployment: Deployment): Promise<string> {
    const uuid = await this.createNode(node);
    await this.deploy(uuid, deployment);
    return uuid;
  }

  /** Drives an enrolled node to `active`, with its configdrive if it has one: manage, provide, set the image, deploy. */
  async deploy(uuid: string, deployment: Deployment): Promise<void> {
    await this.setProvisionState(uuid, 'manage', 'manageable');
    await this.setProvisionState(uuid, 'provide', 'available');
    const instanceInfo = { image_source: 'http://images.invalid/test.qcow2', ...deployment.instanceInfo };
    await this.client.patchNode(
      uuid,
      Object.entries(instanceInfo).map(([key, value]) => ({ op: 'add' as const, path: `/instance_info/${key}`, value })),
    );
    await this.setProvisionState(uuid, 'active', 'active', { configdrive: deployment.configdrive });
  }

  /** Asks for a provision state change and waits until the node has settled in `expected`. */
  async setProvisionState(uuid: string, target: string, expected: string, body: Record<string, unknown> = {}): Promise<void> {
    await this.send('PUT', `/nodes/${uuid}/states/provision`, { target, ...body });
    const deadline = Date.now() + STATE_TIMEOUT_MS;
    for (;;) {
      const node = await this.client.getNode(uuid, ['provision_state', 'target_provision_state', 'last_error']);
      if (!node.target_provision_state) {
        if (node.provision_state === expected) return;
        const why = node.last_error ?? 'no last_error';
        throw new Error(`node ${uuid} went to ${node.provision_state}, not ${expected}, after "${target}": ${why}`);
      }
      if (Date.now() > deadline) throw new Error(`node ${uuid} still ${node.provision_state} after "${target}" for ${STATE_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async send<T>(method: 'POST' | 'PUT', path: string, data: unknown): Promise<T> {
    const version = await this.client.negotiate();
    const response = await this.http.request<T>({ method, url: path, data, headers: { [API_VERSION_HEADER]: version } });
    if (response.status >= 300) {
      throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(response.data)}`);
    }
    return response.data;
  }
}
