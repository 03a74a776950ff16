import { ConfigDriveError, type ConfigDriveErrorCode } from '@ironic-metadata/configdrive';
import {
  IronicApiError,
  IronicAuthError,
  IronicConnectionError,
  IronicResponseError,
  IronicVersionError,
} from '@ironic-metadata/ironic-client';
import { InventoryFileError } from '@ironic-metadata/node-discovery';
import { CommandFailure, EXIT, UsageError } from './context';
import { EXIT_STATUS_BY_CODE, failureOutcome } from './exit-status';

const URL = 'http://127.0.0.1:6385/v1/nodes';
const DRIVE_CODES: ConfigDriveErrorCode[] = [
  'masked',
  'invalid-json',
  'invalid-encoding',
  'invalid-image',
  'missing-metadata',
  'too-large',
  'fetch-failed',
  'unsupported',
];

/** One real error of every class the CLI lets through, with the status the operator has always seen. */
const CASES: [Error & { code: string }, number][] = [
  [new UsageError('--json and --table cannot be used together'), EXIT.usage],
  [new InventoryFileError('/etc/inventory.json: not JSON'), EXIT.usage],
  [new CommandFailure('compute-9: no node with that uuid or name among the 4 nodes loaded'), EXIT.notFound],
  [new IronicApiError('GET', URL, 503, undefined), EXIT.notFound],
  [
    new IronicAuthError('GET', URL, 401, 'the credentials were refused', {
      refused: 'http_basic',
      advice: 'Check the user name and password.',
    }),
    EXIT.notFound,
  ],
  [
    new IronicConnectionError('GET', URL, 'ECONNREFUSED', false, 3, {
      service: 'ironic',
      endpoint: 'http://127.0.0.1:6385',
      namedBy: 'options',
    }),
    EXIT.notFound,
  ],
  [new IronicResponseError('GET', URL, 200, ['nodes: expected array']), EXIT.notFound],
  [new IronicVersionError('GET', URL, 'the owner filter', '1.50', '1.46'), EXIT.notFound],
  ...DRIVE_CODES.map((code): [ConfigDriveError, number] => [new ConfigDriveError(code, `drive refused (${code})`), EXIT.notFound]),
];

describe('the CLI exit status of a failure', () => {
  it.each(CASES.map(([error, status]) => [error.code, error.name, error, status] as const))(
    '%s (%s) is one line and exits %#',
    (code, _name, error, status) => {
      expect(failureOutcome(error)).toEqual({ exitStatus: status, line: error.message });
      expect(EXIT_STATUS_BY_CODE[code as keyof typeof EXIT_STATUS_BY_CODE]).toBe(status);
    },
  );

  it('covers every code in the table, and nothing else', () => {
    expect(CASES.map(([error]) => error.code).sort()).toEqual(Object.keys(EXIT_STATUS_BY_CODE).sort());
  });

  it('gives every CLI error a name of its own', () => {
    expect([new UsageError('x').name, new CommandFailure('x').name]).toEqual(['UsageError', 'CommandFailure']);
  });

  it('shows a bug with its stack and exits 1, even when it carries a code of its own (a Node system error)', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'uuid')");
    const system = Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
    expect(failureOutcome(bug)).toEqual({ exitStatus: EXIT.notFound, line: bug.stack });
    expect(failureOutcome(system)).toEqual({ exitStatus: EXIT.notFound, line: system.stack });
    expect(failureOutcome('thrown text')).toEqual({ exitStatus: EXIT.notFound, line: 'thrown text' });
  });
});
