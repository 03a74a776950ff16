import { aNode } from '@ironic-metadata/ironic-model/testing';
import { ec2Architecture, ec2PendingTime } from './ec2-identity-fields';

describe('ec2Architecture', () => {
  it.each([
    ['x86_64', 'x86_64'],
    ['aarch64', 'arm64'],
    ['AArch64', 'arm64'],
    ['arm64', 'arm64'],
    ['amd64', 'x86_64'],
    ['i686', 'i386'],
    ['ppc64le', 'ppc64le'],
    ['s390x', 's390x'],
  ])("names Ironic's cpu_arch %s as EC2 does: %s", (cpuArch, expected) => {
    expect(ec2Architecture(aNode({ properties: { cpu_arch: cpuArch } }))).toBe(expected);
  });

  it.each<[Record<string, unknown>, string | undefined]>([
    [{}, undefined],
    [{ cpu_arch: '' }, undefined],
    [{ cpu_arch: 64 }, undefined],
    [{ cpu_arch: 'constructor' }, 'constructor'],
  ])('for properties %j is %j', (properties, expected) => {
    expect(ec2Architecture(aNode({ properties }))).toBe(expected);
  });
});

describe('ec2PendingTime', () => {
  it("is when an active node became active (Ironic's provision_updated_at), in UTC to the second", () => {
    expect(ec2PendingTime(aNode({ provision_state: 'active', provision_updated_at: '2024-03-01T10:20:30.123456+00:00' }))).toBe(
      '2024-03-01T10:20:30Z',
    );
    expect(ec2PendingTime(aNode({ provision_state: 'active', provision_updated_at: '2024-03-01T12:20:30+02:00' }))).toBe(
      '2024-03-01T10:20:30Z',
    );
    expect(ec2PendingTime(aNode({ provision_state: 'active', provision_updated_at: '2024-03-01T10:20:30' }))).toBe('2024-03-01T10:20:30Z');
  });

  it.each([
    ['a node that is not active', { provision_state: 'deploying', provision_updated_at: '2024-03-01T10:20:30+00:00' }],
    ['no time', { provision_state: 'active', provision_updated_at: null }],
    ['a time that does not parse', { provision_state: 'active', provision_updated_at: 'yesterday' }],
  ])('is unknown for %s', (_, fields) => {
    expect(ec2PendingTime(aNode(fields))).toBeUndefined();
  });
});
