import { STATUS_CODES } from 'node:http';
import fc from 'fast-check';
import { refuse, refusalReply, unavailable } from './refusal';

describe('refuse', () => {
  it.each([
    [400, 'the path contains a NUL byte', 'Bad request: the path contains a NUL byte\n'],
    [401, 'an IMDSv2 session token is required', 'Unauthorized: an IMDSv2 session token is required\n'],
    [404, 'no node matches 127.0.0.99', 'Not found: no node matches 127.0.0.99\n'],
    [409, 'the password is already set', 'Conflict: the password is already set\n'],
    [413, 'a body of at most 4096 bytes', 'Payload too large: a body of at most 4096 bytes\n'],
    [414, 'the path is longer than 1024 characters', 'URI too long: the path is longer than 1024 characters\n'],
    [500, undefined, 'Internal server error\n'],
  ])('%i answers one plain line after its reason phrase: %j', (status, reason, body) => {
    const reply = refusalReply(refuse(status, reason));
    expect(reply).toEqual({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(body) });
  });

  it('takes the phrase of every error status from node:http, in sentence case', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ...Object.keys(STATUS_CODES)
            .map(Number)
            .filter((status) => status >= 400),
        ),
        (status) => {
          const line = refusalReply(refuse(status, 'why')).body.toString();
          expect(line.toLowerCase()).toBe(`${STATUS_CODES[status]?.toLowerCase()}: why\n`);
        },
      ),
    );
  });

  it('sends its headers with it: Retry-After on 503, Allow on 405', () => {
    expect(refusalReply(unavailable('the node index is not loaded yet')).headers).toEqual({
      'content-type': 'text/plain; charset=utf-8',
      'retry-after': '5',
    });
    expect(refusalReply(refuse(405, 'POST is not allowed on /; use GET, HEAD', { allow: 'GET, HEAD' })).headers).toMatchObject({
      allow: 'GET, HEAD',
    });
  });

  it.each([200, 304, 399, 499, 600])('throws a RangeError for %i, which is not an error status node:http names', (status) => {
    expect(() => refuse(status, 'x')).toThrow(new RangeError(`${status} is not an HTTP error status`));
  });
});
