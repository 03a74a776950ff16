import type { LoggedRequest } from '../../networking/support/namespaced-server';
import { waitUntil } from '../../networking/support/wait';
import { textOf, type AnsibleResult, type BotocoreResult, type DatasourceResult, type IgnitionResult } from './node-clients';
import { NODE_NET, type NodeLab, type TestInstance } from './node-lab';

// What each real client must have read of the lab's instance, checked the same way whether IMDSv2
// tokens are optional or required (the clients that send them read the same values either way).

/** cloud-init's short host name: `get_hostname()` drops the domain unless told to keep it. */
const shortName = (instance: TestInstance) => instance.hostname.split('.')[0];

/** The EC2 meta-data tree as cloud-init crawls it into a dict. */
export function ec2MetaDataOf(instance: TestInstance): Record<string, unknown> {
  return {
    'instance-id': instance.uuid,
    'ami-id': instance.imageSource,
    hostname: instance.hostname,
    'local-hostname': instance.hostname,
    'local-ipv4': instance.ip,
    mac: instance.mac,
    placement: { 'availability-zone': instance.availabilityZone },
    'public-keys': { [instance.keyName]: instance.publicKey },
    network: {
      interfaces: {
        macs: { [instance.mac]: expect.objectContaining({ 'device-number': '0', 'local-ipv4s': instance.ip, mac: instance.mac }) },
      },
    },
  };
}

/** The identity document's values that must agree with the meta-data tree (AWS's `dynamic/instance-identity/document`). */
export function identityDocumentOf(instance: TestInstance): Record<string, unknown> {
  return { instanceId: instance.uuid, privateIp: instance.ip, availabilityZone: instance.availabilityZone, region: instance.region };
}

/** DataSourceOpenStack found the instance: identity, names, keys, user data, and its network config on the node's NIC. */
export function expectOpenStackDatasource(result: DatasourceResult, instance: TestInstance): void {
  expect(result).toMatchObject({
    found: true,
    instance_id: instance.uuid,
    local_hostname: shortName(instance),
    public_ssh_keys: [instance.publicKey],
    availability_zone: instance.availabilityZone,
    metadata: { uuid: instance.uuid, name: instance.name, hostname: instance.hostname, 'local-hostname': instance.hostname },
  });
  expect(textOf(result.userdata_raw ?? { base64: '' })).toBe(instance.userData);
  // cloud-init matched the link's MAC to the NIC the node namespace has, by its name there.
  expect(result.network_config?.config).toContainEqual(
    expect.objectContaining({
      type: 'physical',
      name: NODE_NET.iface,
      mac_address: instance.mac,
      subnets: [expect.objectContaining({ type: 'static', address: instance.ip, netmask: '255.255.255.0' })],
    }),
  );
}

/** DataSourceEc2 found the instance on the platform it identified, with DHCP on the NIC `mac` names. */
export function expectEc2Datasource(result: DatasourceResult, instance: TestInstance, cloudName: 'aws' | 'unknown'): void {
  expect(result).toMatchObject({
    found: true,
    cloud_name: cloudName,
    instance_id: instance.uuid,
    local_hostname: shortName(instance),
    public_ssh_keys: [instance.publicKey],
    availability_zone: instance.availabilityZone,
    region: instance.region,
    metadata: ec2MetaDataOf(instance),
  });
  expect(textOf(result.userdata_raw ?? { base64: '' })).toBe(instance.userData);
  expect(result.network_config?.ethernets?.[NODE_NET.iface]).toMatchObject({ match: { macaddress: instance.mac }, dhcp4: true });
}

/**
 * DataSourceEc2 on an EC2 platform: cloud-init then takes the newest metadata version it knows
 * (2021-03-23) and reads the identity document, whose region it prefers to the zone's.
 */
export function expectEc2DatasourceOnAws(result: DatasourceResult, instance: TestInstance): void {
  expectEc2Datasource(result, instance, 'aws');
  expect(result.identity).toMatchObject(identityDocumentOf(instance));
  expect(result.warnings).toEqual([]);
}

/**
 * botocore got a token and read each value with it. Its region provider ignores `placement/region`
 * and drops the zone's last character instead (botocore 1.29 `InstanceMetadataRegionFetcher`).
 */
export function expectBotocore(result: BotocoreResult, instance: TestInstance): void {
  expect(result).toEqual({
    token_issued: true,
    values: {
      'instance-id': instance.uuid,
      'local-hostname': instance.hostname,
      'local-ipv4': instance.ip,
      'public-keys/0/openssh-key': instance.publicKey,
      'placement/availability-zone': instance.availabilityZone,
      'placement/region': instance.region,
    },
    region: instance.availabilityZone.slice(0, -1),
  });
}

/** The meta-data paths {@link expectBotocore} expects botocore to have read. */
export const BOTOCORE_PATHS = [
  'instance-id',
  'local-hostname',
  'local-ipv4',
  'public-keys/0/openssh-key',
  'placement/availability-zone',
  'placement/region',
];

/** ec2_metadata_facts set the facts playbooks read, the identity document's among them. */
export function expectAnsibleFacts(result: AnsibleResult, instance: TestInstance): void {
  expect(result).toMatchObject({ failed: false });
  expect(result.facts).toMatchObject({
    ansible_ec2_instance_id: instance.uuid,
    ansible_ec2_ami_id: instance.imageSource,
    ansible_ec2_hostname: instance.hostname,
    ansible_ec2_local_hostname: instance.hostname,
    ansible_ec2_local_ipv4: instance.ip,
    ansible_ec2_mac: instance.mac,
    ansible_ec2_placement_availability_zone: instance.availabilityZone,
    ansible_ec2_public_key: instance.publicKey,
    ansible_ec2_user_data: instance.userData,
    ansible_ec2_instance_identity_document_instanceid: instance.uuid,
    ansible_ec2_instance_identity_document_privateip: instance.ip,
    ansible_ec2_instance_identity_document_region: instance.region,
    ansible_ec2_placement_region: instance.region,
  });
}

/** Ignition's fetch stage cached the instance's config for the later stages (not an empty one). */
export function expectIgnitionFetched(result: IgnitionResult, instance: TestInstance): void {
  expect({ code: result.code, files: result.config?.storage?.files }).toEqual({
    code: 0,
    files: instance.ignitionConfig.storage.files.map((file) =>
      expect.objectContaining({ path: file.path, contents: expect.objectContaining(file.contents) }),
    ),
  });
  // On aws, Ignition asks the identity document for the region of its S3 fetches; without one it guesses.
  expect(result.log).not.toMatch(/failed to determine EC2 region/);
}

/** Where the server's access log stands now: pass it to {@link expectNodeRequests} after a client ran. */
export const requestMark = (nodeLab: NodeLab): number => nodeLab.server.requests().length;

/**
 * The node's requests since `mark` include each of `expected` ("METHOD path status"). Waits a little
 * for them first: the server's log lines trail its answers.
 */
export async function expectNodeRequests(nodeLab: NodeLab, mark: number, expected: string[]): Promise<void> {
  const seen = () =>
    nodeLab.server
      .requests()
      .slice(mark)
      .filter((request: LoggedRequest) => request.clientIp === nodeLab.instance.ip)
      .map((request) => `${request.method} ${request.path} ${request.status}`);
  await waitUntil('the expected requests in the server log', () => expected.every((request) => seen().includes(request)), 5_000, 20).catch(
    () => undefined,
  );
  expect(seen()).toEqual(expect.arrayContaining(expected));
}
