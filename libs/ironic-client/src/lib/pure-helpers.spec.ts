import { formatApiVersion, parseApiVersion } from './api-version';
import { explainErrorBody } from './error-body';
import { selectFields } from './fields';

describe('explainErrorBody', () => {
  it.each([
    [
      '{"error_message": "{\\"faultcode\\": \\"Client\\", \\"faultstring\\": \\"Node x could not be found.\\", \\"debuginfo\\": null}"}',
      'Node x could not be found',
    ],
    [
      '{"error_message": "{\\"code\\": 406, \\"title\\": \\"Not Acceptable\\", \\"description\\": \\"Version 1.99 was requested\\"}"}',
      'Version 1.99 was requested',
    ],
    [
      '{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}',
      'The request you have made requires authentication',
    ],
    ['<html>\n<body>Bad Gateway</body></html>', '<html> <body>Bad Gateway</body></html>'],
    ['', undefined],
  ])('explains %s', (body, expected) => expect(explainErrorBody(body)).toBe(expected));
});

describe('selectFields', () => {
  const versions = { uuid: 1, name: 5, network_data: 66 };

  it('adds uuid, removes duplicates and leaves out fields newer than the version', () => {
    expect(selectFields(versions, ['name', 'network_data', 'name'], parseApiVersion('1.65', 'v'))).toEqual({
      fields: ['uuid', 'name'],
      dropped: ['network_data'],
    });
  });

  it('asks for everything below 1.8, where ?fields= does not exist', () => {
    expect(selectFields(versions, ['name'], parseApiVersion('1.7', 'v'))).toEqual({ fields: undefined, dropped: [] });
    expect(selectFields(versions, undefined, parseApiVersion('1.82', 'v'))).toEqual({ fields: undefined, dropped: [] });
  });
});

describe('api versions', () => {
  it('round-trips and rejects other shapes', () => {
    expect(formatApiVersion(parseApiVersion(' 1.82 ', 'v'))).toBe('1.82');
    expect(() => parseApiVersion('v1.82', 'maxVersion')).toThrow('maxVersion "v1.82" is not an API version like "1.82"');
  });
});
