import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from './context';

const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/**
 * Writes `bytes` to the file an option names (`-o FILE`). UsageError `cannot write PATH: why; what to
 * do` when the system refuses (no such directory, a directory, no permission, a read-only file system,
 * a full disk); any other error is thrown as it is.
 */
export function writeOutputFile(path: string, bytes: Uint8Array, option: string): void {
  try {
    writeFileSync(path, bytes);
  } catch (error) {
    const directory = dirname(path);
    const why: Record<string, string> = {
      ENOENT: `the directory ${directory} does not exist; create it (mkdir -p ${directory}) or give ${option} a file in an existing directory`,
      ENOTDIR: `${directory} is not a directory; give ${option} a file in an existing directory`,
      EISDIR: `it is a directory; give ${option} the path of a file to write in it`,
      EACCES: `permission denied; give ${option} a file this user may write`,
      EPERM: `operation not permitted; give ${option} a file this user may write`,
      EROFS: `the file system is read-only; give ${option} a file on a writable one`,
      ENOSPC: `no space left on the device; free some, or give ${option} a file on another file system`,
    };
    const code = codeOf(error);
    if (code !== undefined && Object.hasOwn(why, code)) throw new UsageError(`cannot write ${path}: ${why[code]}`, { cause: error });
    throw error;
  }
}

/**
 * The bytes of an input file the operator named. UsageError `cannot read PATH: why; fix` when the
 * system refuses (no permission, a directory, gone); any other error is thrown as it is.
 */
export function readInputFile(path: string, fix: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const why: Record<string, string> = {
      ENOENT: 'no such file',
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      EISDIR: 'it is a directory',
    };
    const code = codeOf(error);
    if (code !== undefined && Object.hasOwn(why, code)) throw new UsageError(`cannot read ${path}: ${why[code]}; ${fix}`, { cause: error });
    throw error;
  }
}
