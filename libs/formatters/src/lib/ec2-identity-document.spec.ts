import fc from 'fast-check';
import { BEFORE_DYNAMIC_DATA, instanceMetadata, serve, text, WITH_DYNAMIC_DATA } from '../test-support/instance-metadata.fixture';

describe('/<version>/dynamic/', () => {
  it.each(WITH_DYNAMIC_DATA)('%s lists instance-identity/, which lists document, with or without a trailing slash', (version) => {
    for (const prefix of [`/${version}`, `/ec2/${version}`]) {
      expect(serve(`${prefix}/dynamic`)).toEqual({ status: 200, contentType: 'text/plain', body: Buffer.from('instance-identity/') });
      expect(text(`${prefix}/dynamic/`)).toBe('instance-identity/');
      expect(text(`${prefix}/dynamic/instance-identity`)).toBe('document');
      expect(text(`${prefix}/dynamic/instance-identity/`)).toBe('document');
      expect(text(`${prefix}/dynamic/instance-identity/document/`)).toBe(text('/latest/dynamic/instance-identity/document'));
    }
  });

  it.each(BEFORE_DYNAMIC_DATA)('%s, older than dynamic data (AWS: 2009-04-04), has none', (version) => {
    expect(serve(`/${version}/dynamic/instance-identity/document`)).toEqual({
      status: 404,
      reason: `no dynamic/instance-identity/document in EC2 metadata version ${version}`,
    });
  });

  it.each([
    ['/latest/dynamic/instance-identity/pkcs7', 'no pkcs7 in dynamic/instance-identity/'],
    ['/latest/dynamic/instance-identity/document/x', 'dynamic/instance-identity/document is a file, not a directory'],
    ['/latest/dynamic/__proto__', 'no __proto__ in dynamic/'],
  ])('%s is not found: %s', (path, reason) => {
    expect(serve(path)).toEqual({ status: 404, reason });
  });
});

describe('dynamic/instance-identity/document', () => {
  it('is the JSON AWS serves, keys in its order, pretty-printed, as text/plain', () => {
    const answer = serve('/latest/dynamic/instance-identity/document');
    expect(answer).toMatchObject({ status: 200, contentType: 'text/plain' });
    const body = text('/latest/dynamic/instance-identity/document');
    expect(body).toBe(`{
  "accountId": "a1b2c3",
  "architecture": "x86_64",
  "availabilityZone": "rack-a",
  "billingProducts": null,
  "devpayProductCodes": null,
  "marketplaceProductCodes": null,
  "imageId": "ami-00000001",
  "instanceId": "i-00000001",
  "instanceType": "baremetal",
  "kernelId": null,
  "pendingTime": "2025-05-30T08:15:00Z",
  "privateIp": "10.1.0.5",
  "ramdiskId": null,
  "region": "region-1",
  "version": "2017-09-30"
}`);
  });

  it('says null, never an empty string, for what is not known', () => {
    const md = instanceMetadata({ projectId: undefined, ec2: { architecture: undefined, pendingTime: undefined, localIpv4: undefined } });
    expect(JSON.parse(text('/latest/dynamic/instance-identity/document', md))).toMatchObject({
      accountId: null,
      architecture: null,
      pendingTime: null,
      privateIp: null,
    });
  });

  it('names the kernel and ramdisk when the instance has them, as meta-data/ does', () => {
    const md = instanceMetadata({ ec2: { kernelId: 'aki-00000001', ramdiskId: 'ari-00000001' } });
    expect(JSON.parse(text('/2016-09-02/dynamic/instance-identity/document', md))).toMatchObject({
      kernelId: 'aki-00000001',
      ramdiskId: 'ari-00000001',
    });
  });

  it('agrees with meta-data/ on identity, placement and address, for any instance and every version', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,30}$/);
    fc.assert(
      fc.property(
        fc.record({ instanceId: word, zone: word, region: word, ip: fc.ipV4(), amiId: word, instanceType: word }),
        fc.constantFrom(...WITH_DYNAMIC_DATA),
        ({ instanceId, zone, region, ip, amiId, instanceType }, version) => {
          const md = instanceMetadata({ availabilityZone: zone, ec2: { instanceId, region, localIpv4: ip, amiId, instanceType } });
          const document = JSON.parse(text(`/${version}/dynamic/instance-identity/document`, md));
          const metaData = (key: string) => text(`/${version}/meta-data/${key}`, md);
          expect(document).toMatchObject({
            instanceId: metaData('instance-id'),
            privateIp: metaData('local-ipv4'),
            availabilityZone: metaData('placement/availability-zone'),
            region: metaData('placement/region'),
            imageId: metaData('ami-id'),
            instanceType: metaData('instance-type'),
          });
        },
      ),
    );
  });
});
