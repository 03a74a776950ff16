import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { decodeConfigDrive } from '@ironic-metadata/configdrive';
import { httpFrom } from './support/http-from';
import { setShowInstanceSecrets } from './support/ironic';
import { IronicTestAdmin } from './support/ironic-admin';
import { suiteIronics } from './support/ironic-env';
import { startMetadataServer, type RunningServer } from './support/metadata-server';
import { runProgram, runToExit, WORKSPACE } from './support/processes';

// Debian's Ironic and cloud-init live in Debian's Python, whatever python3 comes first on PATH.
const DEBIAN_PYTHON = '/usr/bin/python3';
const CLOUD_INIT_CLIENT = join(__dirname, 'support/cloud_init_client.py');
const CLI = join(WORKSPACE, 'dist/apps/cli/main.js');
/** Ironic's own build_configdrive (ironic/conductor/utils.py): the drive it writes to the disk, base64 of gzip of the ISO. */
const IRONIC_BUILD_CONFIGDRIVE = `
import json, sys
from ironic.conductor import utils
node = json.loads(sys.argv[1])
class Node:
    uuid = node["uuid"]
    name = node["name"]
sys.stdout.write(utils.build_configdrive(Node(), node["configdrive"]))
`;

const run = randomBytes(3).toString('hex');

describe('one instance identity and Nova’s host names, against a real Ironic', () => {
  const { noauth } = suiteIronics();
  const admin = new IronicTestAdmin(noauth);
  const nodes: Record<string, { uuid: string; name: string; instanceUuid: string }> = {};
  let server: RunningServer;

  /** An active node whose instance_uuid is some other uuid, as an allocation or a deployer would set it. */
  async function deployed(key: string, name: string, ip: string, configdrive?: Record<string, unknown>) {
    const uuid = await admin.createActiveNode({ name }, { configdrive, instanceInfo: { fixed_ips: [ip] } });
    const instanceUuid = randomUUID();
    await admin.client.patchNode(uuid, [{ op: 'add', path: '/instance_uuid', value: instanceUuid }]);
    nodes[key] = { uuid, name, instanceUuid };
  }

  beforeAll(async () => {
    setShowInstanceSecrets(noauth.policyFile, true);
    await Promise.all([
      deployed('upperCase', `It_${run}_Rack1_Node_07`, '127.0.0.131'),
      deployed('long', `It_${run}_GPU_Node_A100_SXM4_80GB_NVLink_InfiniBand_HDR200_Spare_Slot_12`, '127.0.0.132'),
      deployed('jsonDrive', `it-${run}-json-identity`, '127.0.0.133', {
        meta_data: { hostname: 'json-identity.example.com' },
        user_data: '#cloud-config\n',
      }),
    ]);
    server = await startMetadataServer({ IRONIC_URL: noauth.url, LEASE_FILE: '/nonexistent' });
  });
  afterAll(async () => {
    await server?.stop();
    setShowInstanceSecrets(noauth.policyFile, false);
  });

  const served = async (ip: string) => {
    const get = async (path: string) => (await httpFrom(ip, `${server.url}/${path}`)).text;
    return {
      metaData: JSON.parse(await get('openstack/latest/meta_data.json')),
      instanceId: await get('latest/meta-data/instance-id'),
      hostname: await get('latest/meta-data/hostname'),
      localHostname: await get('latest/meta-data/local-hostname'),
    };
  };
  /** What Debian's cloud-init makes of the OpenStack tree: its instance-id and local-hostname. */
  const cloudInit = async (ip: string) =>
    JSON.parse(await runProgram(DEBIAN_PYTHON, [CLOUD_INIT_CLIENT, server.url, ip, 'openstack'])).metadata;

  it('gives a node named with upper case and _ a clean host name in both trees, and cloud-init takes it', async () => {
    // Without a config drive no disk names an instance: the one Ironic says is on the node.
    const { instanceUuid: uuid, name } = nodes['upperCase'];
    const answer = await served('127.0.0.131');
    expect(answer.metaData).toMatchObject({ uuid, name, hostname: `it-${run}-rack1-node-07` });
    expect(answer).toMatchObject({ instanceId: uuid, hostname: `it-${run}-rack1-node-07`, localHostname: `it-${run}-rack1-node-07` });
    expect(await cloudInit('127.0.0.131')).toMatchObject({ 'instance-id': uuid, 'local-hostname': `it-${run}-rack1-node-07` });
  });

  it('cuts a long node name to one 63-character label', async () => {
    const { metaData, localHostname } = await served('127.0.0.132');
    expect(metaData.hostname).toHaveLength(63);
    expect(metaData.hostname).toMatch(new RegExp(`^it-${run}-gpu-node-a100-sxm4-80gb-nvlink-infiniband-hdr200-[a-z-]+[a-z]$`));
    expect(localHostname).toBe(metaData.hostname);
  });

  it('answers the identity Ironic’s own build_configdrive writes to the disk for a JSON drive without uuid', async () => {
    const { uuid, name } = nodes['jsonDrive'];
    const stored = (await admin.client.getNode(uuid, ['instance_info'])).instance_info['configdrive'];
    const onDisk = await decodeConfigDrive(
      await runProgram(DEBIAN_PYTHON, ['-c', IRONIC_BUILD_CONFIGDRIVE, JSON.stringify({ uuid, name, configdrive: stored })]),
    );
    expect(onDisk.metaData).toMatchObject({ uuid, name, hostname: 'json-identity.example.com' });
    const answer = await served('127.0.0.133');
    expect(answer.metaData).toMatchObject({ uuid: onDisk.metaData.uuid, name: onDisk.metaData.name, hostname: onDisk.metaData.hostname });
    expect(answer).toMatchObject({
      instanceId: onDisk.metaData.uuid,
      hostname: onDisk.metaData.hostname,
      localHostname: onDisk.metaData.hostname,
    });
    expect(await cloudInit('127.0.0.133')).toMatchObject({
      'instance-id': onDisk.metaData.uuid,
      'local-hostname': onDisk.metaData.hostname,
    });
  });

  it('lookup says where each value of the identity comes from', async () => {
    const exit = await runToExit(process.execPath, [CLI, 'lookup', '127.0.0.131', '--json'], {
      env: { PATH: process.env['PATH'], IRONIC_URL: noauth.url, LEASE_FILE: '/nonexistent' },
    });
    expect(JSON.parse(exit.stdout).instance).toMatchObject({
      uuid: { value: nodes['upperCase'].instanceUuid, source: "the node's instance_uuid (no config drive)" },
      hostname: { value: `it-${run}-rack1-node-07`, source: expect.stringContaining('sanitised as Nova does') },
    });
  });
});
