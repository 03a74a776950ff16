import { instanceMetadata, renderContext, serve } from '../test-support/instance-metadata.fixture';
import { parseMetadataPath, type MetadataPath } from './metadata-path';
import { renderMetadata } from './render';

function parsed(path: string): MetadataPath {
  const result = parseMetadataPath(path, renderContext());
  if ('status' in result) throw new Error(result.reason);
  return result;
}

describe('renderMetadata without a node', () => {
  it.each(['/', '/openstack'])('answers the version listing %s', (path) => {
    expect(renderMetadata(parsed(path), undefined, renderContext())).toMatchObject({ status: 200 });
  });

  it.each(['/openstack/latest', '/openstack/latest/meta_data.json', '/latest/', '/latest/meta-data/instance-id'])(
    'does not find %s',
    (path) => {
      expect(renderMetadata(parsed(path), undefined, renderContext())).toEqual({
        status: 404,
        reason: 'no instance metadata for this client',
      });
    },
  );
});

describe('user data', () => {
  // A NUL, bytes that are not UTF-8 (a lone continuation byte, 0xff, a truncated sequence) and a gzip header.
  const bytes = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x80, 0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0x0a, 0x0d, 0x00]);
  const md = instanceMetadata({ userData: bytes });

  it.each([
    '/openstack/2012-08-10/user_data',
    '/openstack/latest/user_data',
    '/1.0/user-data',
    '/latest/user-data',
    '/ec2/latest/user-data/',
  ])('%s is served byte for byte', (path) => {
    const rendered = serve(path, md);
    expect(rendered.status).toBe(200);
    if (rendered.status === 200) expect(rendered.body.equals(bytes)).toBe(true);
  });
});
