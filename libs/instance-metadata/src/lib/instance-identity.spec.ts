import { aNode } from '@ironic-metadata/ironic-model/testing';
import fc from 'fast-check';
import { isDns1123Subdomain } from './host-name';
import { instanceIdentity } from './instance-identity';

const values = (identity: ReturnType<typeof instanceIdentity>) => ({
  uuid: identity.uuid.value,
  name: identity.name.value,
  hostname: identity.hostname.value,
});

describe('instanceIdentity', () => {
  it('answers what a JSON drive says, and the node’s uuid and name where Ironic fills them in (C-16)', () => {
    const node = aNode({ name: 'node-json-drive', instance_uuid: '99999999-8888-4777-8666-555555555516' });
    const identity = instanceIdentity(node, { hostname: 'json-drive.example.com' });
    expect(values(identity)).toEqual({ uuid: node.uuid, name: 'node-json-drive', hostname: 'json-drive.example.com' });
    expect(identity.uuid.source).toMatch(/Ironic writes it/);
    expect(identity.hostname.source).toBe('config drive meta_data.hostname');
  });

  it('keeps the drive’s own uuid and name', () => {
    const identity = instanceIdentity(aNode({ name: 'n1' }), { uuid: 'instance-1', name: 'Web Server' });
    expect(values(identity)).toEqual({ uuid: 'instance-1', name: 'Web Server', hostname: 'web-server' });
    expect(identity.uuid.source).toBe('config drive meta_data.uuid');
  });

  it('uses the node’s uuid where a drive has none, and instance_uuid where there is no drive (C-06, C-07, C-10)', () => {
    const node = aNode({ instance_uuid: 'aaaaaaaa-0000-4000-8000-000000000001' });
    expect(instanceIdentity(node, {}).uuid.value).toBe(node.uuid);
    expect(instanceIdentity(node, { uuid: '' }).uuid.value).toBe(node.uuid);
    expect(instanceIdentity(node, undefined).uuid).toEqual({
      value: 'aaaaaaaa-0000-4000-8000-000000000001',
      source: "the node's instance_uuid (no config drive)",
    });
    const withoutInstance = aNode({ instance_uuid: null });
    expect(instanceIdentity(withoutInstance, undefined).uuid.value).toBe(withoutInstance.uuid);
  });

  it('takes local-hostname when the drive has no hostname, as cloud-init on the disk would', () => {
    expect(instanceIdentity(aNode({ name: 'Other_Name' }), { 'local-hostname': 'db-7.example.org' }).hostname).toEqual({
      value: 'db-7.example.org',
      source: 'config drive meta_data.local-hostname',
    });
    expect(instanceIdentity(aNode(), { hostname: 'a.example', 'local-hostname': 'b.example' }).hostname.value).toBe('a.example');
  });

  it('serves the drive’s hostname verbatim, even one Nova would have cleaned: it is what the disk says', () => {
    expect(instanceIdentity(aNode(), { hostname: 'My_Host' }).hostname.value).toBe('My_Host');
  });

  it('cleans a node name as Nova cleans a display name (C-19), and keeps name as it is', () => {
    expect(values(instanceIdentity(aNode({ name: 'Rack1_Node_07' }), undefined))).toMatchObject({
      name: 'Rack1_Node_07',
      hostname: 'rack1-node-07',
    });
  });

  it('keeps an instance_info.hostname that is a host name, and cleans one that is not', () => {
    expect(instanceIdentity(aNode({ name: 'n', instance_info: { hostname: 'web-01.example.com' } }), undefined).hostname).toEqual({
      value: 'web-01.example.com',
      source: 'instance_info.hostname',
    });
    expect(instanceIdentity(aNode({ name: 'n', instance_info: { hostname: 'Web_01' } }), undefined).hostname.value).toBe('web-01');
    expect(instanceIdentity(aNode({ name: 'node-7', instance_info: { hostname: '___' } }), undefined).hostname.value).toBe('node-7');
  });

  it('falls back to Nova’s Server-<uuid> when nothing sanitises to a name', () => {
    const node = aNode({ name: '~~~' });
    expect(instanceIdentity(node, undefined).hostname.value).toBe(`Server-${node.uuid}`);
  });

  it('names a node without a name by its uuid', () => {
    const node = aNode({ name: null });
    expect(values(instanceIdentity(node, undefined))).toEqual({ uuid: node.uuid, name: node.uuid, hostname: node.uuid });
  });
});

describe('instanceIdentity properties', () => {
  const ironicNodeName = fc.stringMatching(/^[A-Za-z0-9._~-]{1,255}$/);
  const hostnameKey = fc.constantFrom('hostname', 'local-hostname');

  it('a node without a drive always gets a DNS-1123 host name or Nova’s default, and its instance’s uuid', () => {
    fc.assert(
      fc.property(ironicNodeName, (name) => {
        const node = aNode({ name, instance_uuid: 'ffffffff-0000-4000-8000-000000000000' });
        const { uuid, hostname } = values(instanceIdentity(node, undefined));
        expect(uuid).toBe('ffffffff-0000-4000-8000-000000000000');
        expect(isDns1123Subdomain(hostname) || hostname === `Server-${uuid}`).toBe(true);
      }),
    );
  });

  it('whichever key of the drive names the host, the answer is that name', () => {
    fc.assert(
      fc.property(ironicNodeName, hostnameKey, fc.string({ minLength: 1 }), (name, key, drivesName) => {
        expect(instanceIdentity(aNode({ name }), { [key]: drivesName }).hostname.value).toBe(drivesName);
      }),
    );
  });
});
