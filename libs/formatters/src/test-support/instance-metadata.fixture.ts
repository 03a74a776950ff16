import type { Ec2Data, InstanceMetadata } from '../lib/instance-metadata';
import type { RenderContext } from '../lib/context';
import { parseMetadataPath } from '../lib/metadata-path';
import { renderMetadata } from '../lib/render';
import type { Rendered } from '../lib/rendered';
import { EC2_VERSIONS } from '../lib/versions';

/** The EC2 versions without and with `dynamic/`, which AWS documents from 2009-04-04 on. */
export const BEFORE_DYNAMIC_DATA = EC2_VERSIONS.slice(0, EC2_VERSIONS.indexOf('2009-04-04'));
export const WITH_DYNAMIC_DATA = [...EC2_VERSIONS.slice(EC2_VERSIONS.indexOf('2009-04-04')), 'latest'];

/** 512 bytes of a fixed pattern, base64: a seed tests can recognise. */
export const FIXED_SEED = Buffer.alloc(512, 7).toString('base64');

/** A day on which every version this library knows is offered. */
export const TODAY = new Date('2025-06-01T12:00:00Z');

export function renderContext(now: Date = TODAY): RenderContext {
  return { now, randomSeed: FIXED_SEED };
}

type Overrides = Partial<Omit<InstanceMetadata, 'ec2'>> & { ec2?: Partial<Ec2Data> };

/** A complete instance with one key, one NIC and user data; override any field. */
export function instanceMetadata(overrides: Overrides = {}): InstanceMetadata {
  const { ec2, ...rest } = overrides;
  return {
    uuid: '8f1f4e0c-2b1e-4c55-9a55-7d0c8f6a3b21',
    nodeUuid: '1be26c0b-03f2-4d2e-ae87-c02d7f33c123',
    name: 'web-1',
    hostname: 'web-1',
    availabilityZone: 'rack-a',
    launchIndex: 0,
    projectId: 'a1b2c3',
    publicKeys: [{ name: 'ops', type: 'ssh', data: 'ssh-ed25519 AAAAC3Nza ops@example' }],
    meta: { role: 'web' },
    userData: Buffer.from('#cloud-config\nhostname: web-1\n'),
    networkData: {
      links: [{ id: 'iface0', type: 'phy', ethernet_mac_address: '52:54:00:aa:bb:01', mtu: 1500 }],
      networks: [{ id: 'network0', type: 'ipv4', link: 'iface0', ip_address: '10.1.0.5', netmask: '255.255.255.0', routes: [] }],
      services: [{ type: 'dns', address: '10.1.0.1' }],
    },
    vendorData: {},
    vendorData2: {},
    password: '',
    devices: [],
    extraMetaData: {},
    ...rest,
    ec2: {
      instanceId: 'i-00000001',
      amiId: 'ami-00000001',
      amiManifestPath: 'FIXME',
      instanceType: 'baremetal',
      reservationId: 'r-00000001',
      securityGroups: ['default'],
      localIpv4: '10.1.0.5',
      localHostname: 'web-1',
      publicHostname: 'web-1',
      mac: '52:54:00:aa:bb:01',
      blockDeviceMapping: { ami: 'sda', root: '/dev/sda' },
      instanceAction: 'none',
      interfaces: [{ mac: '52:54:00:aa:bb:01', deviceNumber: 0, localIpv4s: ['10.1.0.5'], subnetIpv4CidrBlock: '10.1.0.0/24' }],
      region: 'region-1',
      architecture: 'x86_64',
      pendingTime: '2025-05-30T08:15:00Z',
      ...ec2,
    },
  };
}

/** Parses and renders a path as the router will: one call per request. */
export function serve(path: string, md: InstanceMetadata | undefined = instanceMetadata(), context = renderContext()): Rendered {
  const parsed = parseMetadataPath(path, context);
  return 'status' in parsed ? parsed : renderMetadata(parsed, md, context);
}

/** The body of a path that must be found, as text. */
export function text(path: string, md?: InstanceMetadata, context?: RenderContext): string {
  const rendered = serve(path, md, context);
  if (rendered.status !== 200) throw new Error(`${path}: expected 200, got 404 (${rendered.reason})`);
  return rendered.body.toString('utf8');
}

/** The body of a path that must be found, parsed as JSON. */
export function json(path: string, md?: InstanceMetadata, context?: RenderContext): unknown {
  return JSON.parse(text(path, md, context));
}
