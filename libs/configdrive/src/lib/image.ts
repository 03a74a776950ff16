import { ConfigDriveError } from './errors';
import type { ConfigDrive, DecodeOptions } from './types';

// The ISO 9660, base64 and URL forms are added by the codec's image module (issue 4).
export async function decodeImageBytes(_bytes: Buffer, _options: DecodeOptions): Promise<ConfigDrive> {
  throw new ConfigDriveError('unsupported', 'ISO 9660 config drives are not supported yet');
}
export async function decodeImageString(_text: string, _options: DecodeOptions): Promise<ConfigDrive> {
  throw new ConfigDriveError('unsupported', 'base64 config drive images are not supported yet');
}
export async function fetchConfigDrive(_url: string, _options: DecodeOptions): Promise<ConfigDrive> {
  throw new ConfigDriveError('unsupported', 'config drive URLs are not supported yet');
}
