import type { Command } from 'commander';
import { addConfigDriveBuildCommand } from './build';
import { addConfigDriveDecodeCommand } from './decode';

/** `ironic-metadata configdrive decode|build`: the config drive codec the service reads drives with. */
export function addConfigDriveCommands(program: Command): void {
  const configdrive = program
    .command('configdrive')
    .summary('decode or build a config drive')
    .description("Decode a config drive (a file, or a node's) or build one, with the codec the service uses.");
  addConfigDriveDecodeCommand(configdrive);
  addConfigDriveBuildCommand(configdrive);
}
