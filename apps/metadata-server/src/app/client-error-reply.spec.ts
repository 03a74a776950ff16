import { MAX_PATH_LENGTH } from '@ironic-metadata/metadata';
import fc from 'fast-check';
import { clientErrorReply, type ParserError } from './client-error-reply';
import { MAX_HEADER_BYTES } from './listen';

const parserError = (code: string, rawPacket?: Buffer): ParserError => Object.assign(new Error(code), { code, rawPacket });

/** Status line and body of a raw answer. */
function parsed(answer: string): { statusLine: string; body: string } {
  const [head, body] = answer.split('\r\n\r\n');
  return { statusLine: head.split('\r\n')[0], body };
}

describe('clientErrorReply', () => {
  it.each([
    [
      'an over-long path',
      parserError('HPE_HEADER_OVERFLOW', Buffer.from(`GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`)),
      'HTTP/1.1 414 URI Too Long',
      'URI too long: the path is longer than 1024 characters\n',
    ],
    [
      'oversized headers',
      parserError('HPE_HEADER_OVERFLOW', Buffer.from(`GET /latest/ HTTP/1.1\r\nX-Padding: ${'a'.repeat(9000)}\r\n\r\n`)),
      'HTTP/1.1 431 Request Header Fields Too Large',
      'Request header fields too large: the request line and headers together are larger than 8 KiB\n',
    ],
    [
      'an overflow in a later packet of the request',
      parserError('HPE_HEADER_OVERFLOW', Buffer.from('a'.repeat(3000))),
      'HTTP/1.1 431 Request Header Fields Too Large',
      'Request header fields too large: the request line and headers together are larger than 8 KiB\n',
    ],
    [
      'a request timeout',
      parserError('ERR_HTTP_REQUEST_TIMEOUT'),
      'HTTP/1.1 408 Request Timeout',
      'Request timeout: the request did not arrive in time (REQUEST_TIMEOUT_SECONDS); send it whole and at once\n',
    ],
    [
      'no HTTP at all',
      parserError('HPE_INVALID_METHOD'),
      'HTTP/1.1 400 Bad Request',
      'Bad request: the request is not valid HTTP/1.1 (HPE_INVALID_METHOD)\n',
    ],
  ])('answers %s with one plain line', (_case, error, statusLine, body) => {
    const answer = clientErrorReply(error, MAX_HEADER_BYTES);
    expect(parsed(answer)).toEqual({ statusLine, body });
    expect(answer).toContain(`content-length: ${Buffer.byteLength(body)}\r\n`);
    expect(answer).toContain('connection: close\r\n');
  });

  it('is 414 exactly when the request line the packet starts with has a target past the path limit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'HEAD', 'PUT', 'POST'),
        fc.integer({ min: 1, max: 3 * MAX_HEADER_BYTES }),
        fc.integer({ min: 0, max: 2 * MAX_HEADER_BYTES }),
        (method, targetLength, padding) => {
          const target = `/${'p'.repeat(targetLength - 1)}`;
          const request = `${method} ${target} HTTP/1.1\r\nHost: x\r\nX-Padding: ${'h'.repeat(padding)}\r\n\r\n`;
          const { statusLine } = parsed(clientErrorReply(parserError('HPE_HEADER_OVERFLOW', Buffer.from(request)), MAX_HEADER_BYTES));
          expect(statusLine.split(' ')[1]).toBe(targetLength > MAX_PATH_LENGTH ? '414' : '431');
        },
      ),
    );
  });
});
